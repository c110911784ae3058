"""What the API reads from the node: the `ApiBackend` protocol and id resolution.

`beacon.node.views.NodeView` implements the protocol over the chain and the p2p host,
so no route touches chain internals or libp2p types. Handlers run on the trio thread,
between imports of the chain task, so each request sees one consistent chain.
"""
from __future__ import annotations

from typing import Any, Protocol

from starlette.requests import Request

from beacon.api.errors import NotFound
from beacon.api.ids import ChainId, parse_id


class ApiBackend(Protocol):
    def genesis(self) -> dict: ...  # genesis_time:int, genesis_validators_root:bytes, genesis_fork_version:bytes
    def head(self) -> tuple[bytes, int]: ...  # (root, slot)
    def finalized_root(self) -> bytes: ...
    def justified_root(self) -> bytes: ...
    def finalized_slot(self) -> int: ...  # first slot of the finalized epoch
    def genesis_root(self) -> bytes: ...
    def block_root_at_slot(self, slot: int) -> bytes | None: ...  # canonical chain
    def block(self, root: bytes) -> Any | None: ...  # BeaconBlock
    def proposer_index(self, root: bytes) -> int | None: ...  # of a known block
    def state_at_block(self, root: bytes) -> Any | None: ...  # post-state of that block
    def state_at_slot(self, slot: int) -> Any | None: ...  # canonical state at slot
    def state_by_root(self, state_root: bytes) -> Any | None: ...
    def identity(self) -> dict: ...  # peer_id:str, p2p_addresses:[str]
    def peers(self) -> list[dict]: ...  # peer_id, last_seen_p2p_address, state, direction
    # head_slot:int, sync_distance:int, is_syncing:bool, and while range sync runs:
    # blocks_per_second:float, eta_seconds:float|None
    def sync_status(self) -> dict: ...
    config: Any  # the preset (pool_routes decodes operations with its types)
    # beacon.operations.submit: check on the head state, pool, publish; raises OperationRejected
    async def submit_operation(self, kind: str, op) -> None: ...
    def pooled_operations(self, kind: str) -> list: ...


def backend(request: Request) -> ApiBackend:
    return request.app.state.backend


def block_root(b: ApiBackend, block_id: str) -> bytes:
    """The root of the block `block_id` names.

    Raises:
        BadRequest: malformed id.
        NotFound: no such block (or no canonical block at that slot).
    """
    cid = parse_id(block_id, "block_id")
    if cid.kind == "named":
        return _named_root(b, cid.name)
    if cid.kind == "root":
        if b.block(cid.root) is None:
            raise NotFound(f"block {block_id} not found")
        return cid.root
    root = b.block_root_at_slot(cid.slot)
    if root is None:
        raise NotFound(f"no canonical block at slot {cid.slot}")
    return root


def block(b: ApiBackend, block_id: str) -> tuple[bytes, Any]:
    root = block_root(b, block_id)
    blk = b.block(root)
    if blk is None:
        raise NotFound(f"block {block_id} not found")
    return root, blk


def state(b: ApiBackend, state_id: str):
    """The state `state_id` names (a 0x id is a state root here, not a block root).

    Raises:
        BadRequest: malformed id.
        NotFound: no such state.
    """
    cid: ChainId = parse_id(state_id, "state_id")
    if cid.kind == "root":
        found = b.state_by_root(cid.root)
    elif cid.kind == "named":
        found = b.state_at_block(_named_root(b, cid.name))
    else:
        found = b.state_at_slot(cid.slot)
    if found is None:
        raise NotFound(f"state {state_id} not found")
    return found


def _named_root(b: ApiBackend, name: str) -> bytes:
    return {"head": lambda: b.head()[0], "genesis": b.genesis_root,
            "finalized": b.finalized_root, "justified": b.justified_root}[name]()

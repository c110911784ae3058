"""Beacon API (a subset, in the shapes of the standard /eth/v1 API) over `http_server`.

Requests come in as `Request`s, are routed by path, and read the node only through
the narrow `ApiBackend` protocol (the node adapts its chain and p2p host to it), so
the API never touches chain internals or libp2p types. Every bad path, unknown id or
malformed root gives a JSON error {"code", "message"}; nothing a client sends can
raise out of a handler.
"""
from __future__ import annotations

import re
from typing import Any, Protocol

import trio

from beacon.node.http_server import (
    Request, Response, json_error, json_response, serve_http,
)
from ssz.codec import encode
from ssz.signing import hash_tree_root, signing_root

SSZ = "application/octet-stream"
VERSION = "pybeacon/0.1.0 (phase0 v0.8.4)"


class ApiBackend(Protocol):
    """What the API needs from the node; implemented by `beacon.node.views.NodeView`."""

    def genesis(self) -> dict: ...  # genesis_time:int, genesis_validators_root:bytes, genesis_fork_version:bytes
    def head(self) -> tuple[bytes, int]: ...  # (root, slot)
    def finalized_root(self) -> bytes: ...
    def justified_root(self) -> bytes: ...
    def genesis_root(self) -> bytes: ...
    def block_root_at_slot(self, slot: int) -> bytes | None: ...  # canonical chain
    def block(self, root: bytes) -> Any | None: ...  # BeaconBlock
    def state_at_block(self, root: bytes) -> Any | None: ...  # post-state of that block
    def state_at_slot(self, slot: int) -> Any | None: ...  # canonical state at slot
    def state_by_root(self, state_root: bytes) -> Any | None: ...
    def identity(self) -> dict: ...  # peer_id:str, p2p_addresses:[str]
    def peers(self) -> list[dict]: ...  # peer_id, last_seen_p2p_address, state, direction
    def sync_status(self) -> dict: ...  # head_slot:int, sync_distance:int, is_syncing:bool


class NotFound(Exception):
    """The id is well-formed but names nothing we have."""


class BadId(Exception):
    """The id is malformed (not head/genesis/finalized/justified, a slot, or a 0x root)."""


def to_json(view) -> Any:
    """An SSZ view in Beacon API JSON: uints as decimal strings, bytes and bits as 0x hex."""
    if hasattr(type(view), "fields") and callable(getattr(type(view), "fields")):
        return {name: to_json(getattr(view, name)) for name in type(view).fields()}
    if isinstance(view, bool) or type(view).__name__ == "boolean":
        return bool(view)
    if isinstance(view, int):
        return str(int(view))
    if isinstance(view, bytes):
        return "0x" + bytes(view).hex()
    if hasattr(view, "encode_bytes") and type(view).__name__.endswith(("BitlistView", "BitvectorView")):
        return "0x" + view.encode_bytes().hex()
    return [to_json(v) for v in view]


def _parse_root(text: str) -> bytes:
    if not re.fullmatch(r"0x[0-9a-fA-F]{64}", text):
        raise BadId(f"invalid root {text!r}: expected 0x and 64 hex digits")
    return bytes.fromhex(text[2:])


def _parse_slot(text: str) -> int:
    if not text.isdigit() or len(text) > 20 or int(text) >= 2**64:
        raise BadId(f"invalid id {text!r}")
    return int(text)


class BeaconApi:
    def __init__(self, backend: ApiBackend):
        self.b = backend
        self.routes = [
            (r"/eth/v1/node/identity", self.node_identity),
            (r"/eth/v1/node/peers", self.node_peers),
            (r"/eth/v1/node/syncing", self.node_syncing),
            (r"/eth/v1/node/health", self.node_health),
            (r"/eth/v1/node/version", self.node_version),
            (r"/eth/v1/beacon/genesis", self.beacon_genesis),
            (r"/eth/v1/beacon/headers/([^/]+)", self.beacon_header),
            (r"/eth/v1/beacon/states/([^/]+)/finality_checkpoints", self.finality_checkpoints),
            (r"/eth/v1/beacon/blocks/([^/]+)", self.beacon_block),
            (r"/eth/v1/debug/beacon/states/([^/]+)", self.debug_state),
        ]

    async def handle(self, req: Request) -> Response:
        for pattern, fn in self.routes:
            m = re.fullmatch(pattern, req.path.rstrip("/") or "/")
            if m:
                try:
                    return fn(req, *m.groups())
                except BadId as e:
                    return json_error(400, str(e))
                except NotFound as e:
                    return json_error(404, str(e))
        return json_error(404, f"no route for {req.path}")

    # --- id resolution -------------------------------------------------------
    def _block_root(self, block_id: str) -> bytes:
        named = {"head": lambda: self.b.head()[0], "genesis": self.b.genesis_root,
                 "finalized": self.b.finalized_root, "justified": self.b.justified_root}
        if block_id in named:
            return named[block_id]()
        if block_id.startswith("0x"):
            root = _parse_root(block_id)
            if self.b.block(root) is None:
                raise NotFound(f"block {block_id} not found")
            return root
        root = self.b.block_root_at_slot(_parse_slot(block_id))
        if root is None:
            raise NotFound(f"no canonical block at slot {block_id}")
        return root

    def _state(self, state_id: str):
        if state_id.startswith("0x"):
            state = self.b.state_by_root(_parse_root(state_id))
        elif state_id in ("head", "genesis", "finalized", "justified"):
            state = self.b.state_at_block(self._block_root(state_id))
        else:
            state = self.b.state_at_slot(_parse_slot(state_id))
        if state is None:
            raise NotFound(f"state {state_id} not found")
        return state

    # --- node ------------------------------------------------------------------
    def node_identity(self, req):
        ident = self.b.identity()
        return json_response({"data": {"peer_id": ident["peer_id"], "enr": "",
                                       "p2p_addresses": ident["p2p_addresses"],
                                       "discovery_addresses": [], "metadata": {}}})

    def node_peers(self, req):
        peers = self.b.peers()
        return json_response({"data": peers, "meta": {"count": len(peers)}})

    def node_syncing(self, req):
        s = self.b.sync_status()
        return json_response({"data": {"head_slot": str(s["head_slot"]),
                                       "sync_distance": str(s["sync_distance"]),
                                       "is_syncing": s["is_syncing"], "is_optimistic": False}})

    def node_health(self, req):
        return Response(206 if self.b.sync_status()["is_syncing"] else 200, b"")

    def node_version(self, req):
        return json_response({"data": {"version": VERSION}})

    # --- beacon ------------------------------------------------------------
    def beacon_genesis(self, req):
        g = self.b.genesis()
        return json_response({"data": {
            "genesis_time": str(g["genesis_time"]),
            "genesis_validators_root": "0x" + g["genesis_validators_root"].hex(),
            "genesis_fork_version": "0x" + g["genesis_fork_version"].hex()}})

    def beacon_header(self, req, block_id):
        root = self._block_root(block_id)
        block = self.b.block(root)
        if block is None:
            raise NotFound(f"block {block_id} not found")
        canonical = self.b.block_root_at_slot(int(block.slot)) == root
        header = {"slot": str(int(block.slot)), "proposer_index": None,
                  "parent_root": "0x" + bytes(block.parent_root).hex(),
                  "state_root": "0x" + bytes(block.state_root).hex(),
                  "body_root": "0x" + hash_tree_root(block.body).hex()}
        return json_response({"data": {
            "root": "0x" + root.hex(), "canonical": canonical,
            "header": {"message": header, "signature": "0x" + bytes(block.signature).hex()}}})

    def finality_checkpoints(self, req, state_id):
        state = self._state(state_id)
        cp = lambda c: {"epoch": str(int(c.epoch)), "root": "0x" + bytes(c.root).hex()}
        return json_response({"data": {
            "previous_justified": cp(state.previous_justified_checkpoint),
            "current_justified": cp(state.current_justified_checkpoint),
            "finalized": cp(state.finalized_checkpoint)}})

    def beacon_block(self, req, block_id):
        root = self._block_root(block_id)
        block = self.b.block(root)
        if block is None:
            raise NotFound(f"block {block_id} not found")
        if SSZ in req.headers.get("accept", ""):
            return Response(200, encode(block), SSZ)
        # v0.8.4 blocks carry their own signature, so `message` is the whole block;
        # `root` is the signing root, the id used everywhere else.
        return json_response({"data": {"message": to_json(block),
                                       "signature": "0x" + bytes(block.signature).hex(),
                                       "root": "0x" + signing_root(block).hex()}})

    def debug_state(self, req, state_id):
        state = self._state(state_id)
        accept = req.headers.get("accept", SSZ)
        if "json" in accept and SSZ not in accept:
            return json_response({"data": to_json(state)})
        return Response(200, encode(state), SSZ)


async def serve_api(backend: ApiBackend, host: str, port: int, *,
                    task_status=trio.TASK_STATUS_IGNORED) -> None:
    """Serve the Beacon API until cancelled; `started()` reports the bound port."""
    await serve_http(BeaconApi(backend).handle, host, port, task_status=task_status)

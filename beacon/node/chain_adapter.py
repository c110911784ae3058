"""The one place where the node touches the chain package's API.

Node services call these functions instead of the chain's methods, and catch the four
import-level outcomes below instead of the chain's error classes, so a change in
`beacon.chain` is absorbed here. The mapping follows `beacon.chain.errors`:

    UnknownParent, UnknownAttestationBlock      -> ParentUnknown (fetch, retry)
    AlreadyKnown                                -> AlreadyKnown  (ignore)
    FutureSlot, FutureAttestation, FinalizedConflict -> NotNow   (ignore)
    InvalidBlock, InvalidAttestation            -> Invalid       (reject, penalise)
"""
from __future__ import annotations

import weakref
from pathlib import Path

from beacon.chain import errors as E


_anchor_states: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class ChainOpenError(Exception):
    """The datadir cannot be opened as our chain (no genesis, another chain, corrupt)."""


class ParentUnknown(Exception):
    pass


class AlreadyKnown(Exception):
    pass


class NotNow(Exception):
    pass


class Invalid(Exception):
    pass


def _translate(e: Exception) -> Exception:
    if isinstance(e, (E.UnknownParent, E.UnknownAttestationBlock)):
        return ParentUnknown(str(e))
    if isinstance(e, E.AlreadyKnown):
        return AlreadyKnown(str(e))
    if isinstance(e, (E.FutureSlot, E.FutureAttestation, E.FinalizedConflict)):
        return NotNow(str(e))
    return Invalid(str(e))


def open_chain(config, datadir: Path, genesis_state_path: Path | None, *, now=None,
               state_cache_size: int = 64):
    """Open the chain in `datadir`, anchoring it at the genesis state on first start.

    Raises:
        ChainOpenError: no database and no genesis state, a genesis state that differs
            from the database's, or a database that is not ours.
    """
    from beacon.chain import Chain
    from beacon.storage import StorageError
    from beacon.types import get_types

    datadir = Path(datadir)
    anchor = None
    if genesis_state_path is not None:
        from beacon.cli.errors import UserError
        from beacon.cli.files import load_object
        try:
            # SSZ or YAML by extension, with the CLI's one-line errors.
            anchor = load_object(get_types(config).BeaconState, str(genesis_state_path))
        except UserError as e:
            raise ChainOpenError(f"cannot read genesis state: {e}") from None
    datadir.mkdir(parents=True, exist_ok=True)
    from beacon.storage import ChainDB
    db = None
    try:
        db = ChainDB.open(str(datadir / "chain"))
        chain = Chain.open(config, db, anchor_state=anchor, hot_states=state_cache_size,
                           **({"now": now} if now is not None else {}))
    except (StorageError, E.ChainError, ValueError) as e:
        if db is not None:
            db.close()
        raise ChainOpenError(f"cannot open chain in {datadir}: {e}") from None
    # The anchor state answers genesis queries (time, fork, validators root) for the
    # node's lifetime; read it once.
    _anchor_states[chain] = chain.state_at_block(chain.db.anchor_root)
    return chain


def close_chain(chain) -> None:
    chain.db.close()


def import_block(chain, block) -> None:
    try:
        chain.import_block(block)
    except E.ChainError as e:
        raise _translate(e) from None


def import_attestation(chain, attestation) -> None:
    try:
        chain.import_attestation(attestation)
    except E.ChainError as e:
        raise _translate(e) from None


def on_tick(chain, now: float) -> None:
    chain.on_tick(now)


def head(chain) -> tuple[bytes, int]:
    root = bytes(chain.head_root)
    return root, int(chain.head_slot)


def finalized_checkpoint(chain) -> tuple[int, bytes]:
    cp = chain.finalized_checkpoint
    return int(cp.epoch), bytes(cp.root)


def justified_checkpoint(chain) -> tuple[int, bytes]:
    cp = chain.justified_checkpoint
    return int(cp.epoch), bytes(cp.root)


def anchor_root(chain) -> bytes:
    return bytes(chain.db.anchor_root)


def genesis_state(chain):
    return _anchor_states[chain]


def block_by_root(chain, root: bytes):
    return chain.block_by_root(bytes(root))


def canonical_root_at_slot(chain, slot: int) -> bytes | None:
    return chain.db.canonical_root(slot)


def state_at_block(chain, root: bytes):
    """Post-state of a block (shared with the chain's cache: copy before mutating)."""
    try:
        return chain.regen.state_of_block(bytes(root))
    except E.StateUnavailable:
        return None


def state_at_slot(chain, slot: int):
    """Canonical state at `slot`; None past the head (processing empty slots up to any
    slot a client names would be a free CPU sink) or before the anchor."""
    if slot > int(chain.head_slot):
        return None
    try:
        return chain.state_at_slot(slot)
    except E.StateUnavailable:
        return None


def state_by_state_root(chain, state_root: bytes):
    """Post-state of the non-finalized block (or anchor) whose state root this is."""
    state_root = bytes(state_root)
    anchor = _anchor_states[chain]
    if anchor.hash_tree_root() == state_root:
        return anchor
    for root in list(chain.fork_choice.proto.roots):
        block = chain.block_by_root(root)
        if block is not None and bytes(block.state_root) == state_root:
            return state_at_block(chain, root)
    return None


def blocks_by_range(chain, head_root: bytes, start_slot: int, count: int, step: int):
    return chain.blocks_by_range(head_root, start_slot, count, step)


def is_ancestor(chain, ancestor: bytes, root: bytes) -> bool:
    proto = chain.fork_choice.proto
    if bytes(root) not in proto:
        return False
    return any(proto.roots[i] == bytes(ancestor) for i in proto.iter_ancestors(bytes(root)))


def canonical_root_at_or_before(chain, slot: int) -> bytes | None:
    """Root of the canonical block at `slot`, or of the last one before it (skipped slots)."""
    found = chain.db.canonical_at_or_before(slot)
    return None if found is None else found[1]


def fork_choice_tree(chain) -> dict:
    """The fork choice's block tree since finality (for /eth/v1/debug/fork_choice):
    checkpoints and, per block, root, parent root, slot and LMD-GHOST weight."""
    fc = chain.fork_choice
    p = fc.proto
    nodes = [{"root": p.roots[i], "parent_root": p.roots[p.parents[i]] if p.parents[i] >= 0 else None,
              "slot": p.slots[i], "weight": p.weights[i]} for i in range(len(p))]
    return {"justified": (int(fc.justified.epoch), bytes(fc.justified.root)),
            "finalized": (int(fc.finalized.epoch), bytes(fc.finalized.root)),
            "nodes": nodes}

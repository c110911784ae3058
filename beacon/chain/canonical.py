"""The canonical index (slot -> block root on the head's chain) and range queries.

The index is rewritten in the same batch as the head pointer, so after any crash it
describes exactly the stored head's chain. Below the finalized block every branch
shares the canonical chain, which is why range queries for any head may read it there.
"""
from __future__ import annotations

from beacon.fork_choice import ProtoArray
from beacon.storage import Batch, ChainDB


def write_head_change(db: ChainDB, batch: Batch, proto: ProtoArray, old_head: bytes,
                      new_head: bytes) -> None:
    """Point the head at `new_head` and rewrite the index from the fork point up."""
    if old_head == new_head:
        return
    if old_head in proto:
        fork = proto.common_ancestor(old_head, new_head)
        old_slot = proto.slot(old_head)
    else:  # the stored head left the tree (only after a crash): redo from the tree root
        fork, old_slot = None, None
    if fork is None:
        fork = proto.root
        last = db.canonical_at_or_before(2**64 - 1)
        old_slot = last[0] if last else proto.slot(fork)
    fork_slot = proto.slot(fork)
    # Deletes first: in a batch a later put on the same key wins.
    for slot, _ in list(db.iter_canonical(fork_slot + 1, old_slot + 1)):
        batch.delete_canonical(slot)
    for i in proto.iter_ancestors(new_head):
        slot = proto.slots[i]
        if slot <= fork_slot:
            break
        batch.put_canonical(slot, proto.roots[i])
    batch.put_head(new_head)


def range_roots(db: ChainDB, proto: ProtoArray, head_root: bytes, start_slot: int, count: int,
                step: int) -> list[bytes]:
    """Roots of the blocks at slots start_slot + i*step (i < count) on head_root's chain.

    Empty slots are skipped; slots above the head's slot have no block.
    """
    if count <= 0:
        return []
    last = start_slot + (count - 1) * step
    wanted = lambda s: start_slot <= s <= last and (s - start_slot) % step == 0  # noqa: E731
    found: dict[int, bytes] = {}
    tree_floor = proto.slot(proto.root)
    for i in proto.iter_ancestors(head_root):
        s = proto.slots[i]
        if s < start_slot:
            break
        if wanted(s):
            found[s] = proto.roots[i]
    if start_slot < tree_floor:
        for s, root in db.iter_canonical(start_slot, min(last, tree_floor - 1) + 1):
            if wanted(s):
                found[s] = root
    return [found[s] for s in sorted(found)]

"""A chain of N linked blocks (slot i, some slots skipped) implementing ChainInterface."""
from __future__ import annotations

from beacon.config import minimal
from beacon.protocol import DEFAULT
from beacon.types import get_types
from p2p.api import ChainStatus

T = get_types(minimal)
WIRE = DEFAULT.wire(minimal)


class FakeChain:
    def __init__(self, length: int = 100, fork_version: bytes = b"\0\0\0\0",
                 skip: frozenset = frozenset({5, 7}), seed: int = 0):
        self.fork_version = fork_version
        self.blocks = []
        parent = bytes(32)
        for slot in range(length):
            if slot in skip:
                continue
            b = T.BeaconBlock(slot=slot, parent_root=parent,
                              state_root=seed.to_bytes(32, "little"))
            self.blocks.append(b)
            parent = b.hash_tree_root()
        self.by_root = {b.hash_tree_root(): b for b in self.blocks}
        self.by_slot = {int(b.slot): b for b in self.blocks}
        self.fail_next = False

    @property
    def head(self):
        return self.blocks[-1]

    def status(self) -> ChainStatus:
        fin = self.blocks[0]
        return ChainStatus(head_root=self.head.hash_tree_root(), head_slot=int(self.head.slot),
                           finalized_root=fin.hash_tree_root(), finalized_epoch=0)

    def is_on_chain(self, root: bytes, epoch: int) -> bool:
        # (0x00.., 0) is the genesis checkpoint as a fresh node reports it (spec v0.8.4)
        return epoch > 0 or root in (bytes(32), self.blocks[0].hash_tree_root())

    def blocks_by_range(self, head_root, start_slot, count, step):
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("database on fire")
        if head_root not in self.by_root:
            return []
        out = []
        for k in range(count):
            b = self.by_slot.get(start_slot + k * step)
            if b is not None:
                out.append(b)
        return out

    def blocks_by_root(self, roots):
        return [self.by_root.get(bytes(r)) for r in roots]

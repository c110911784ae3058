"""Latest messages per validator, turned into per-node weight deltas.

Each validator has a *next* vote (the spec's latest message: epoch and block node) and
an *applied* vote (the node and balance already counted in the proto-array weights).
`compute_deltas` moves only validators whose vote changed since the last call, so a
head update costs O(changed votes), not O(validators); a new justified balance set
marks everyone changed once (at most once per epoch).

Arrays are numpy int64: 100,000 validators' votes take ~4 MB and a full recount
runs in a few milliseconds.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

NONE = -1


class VoteTracker:
    def __init__(self) -> None:
        self.applied_node = np.full(0, NONE, np.int64)
        self.applied_balance = np.zeros(0, np.int64)
        self.next_node = np.full(0, NONE, np.int64)
        self.next_epoch = np.full(0, NONE, np.int64)  # NONE: no latest message
        self.balances = np.zeros(0, np.int64)
        self._dirty: set[int] = set()
        self._all_dirty = False

    def __len__(self) -> int:
        return len(self.next_node)

    @property
    def pending(self) -> bool:
        return self._all_dirty or bool(self._dirty)

    def _grow(self, n: int) -> None:
        old = len(self.next_node)
        if n <= old:
            return
        n = max(n, old * 2)
        extra = n - old
        self.applied_node = np.concatenate([self.applied_node, np.full(extra, NONE, np.int64)])
        self.applied_balance = np.concatenate([self.applied_balance, np.zeros(extra, np.int64)])
        self.next_node = np.concatenate([self.next_node, np.full(extra, NONE, np.int64)])
        self.next_epoch = np.concatenate([self.next_epoch, np.full(extra, NONE, np.int64)])
        self.balances = np.concatenate([self.balances, np.zeros(extra, np.int64)])

    def latest_message(self, validator: int) -> tuple[int, int] | None:
        """(epoch, node index) of the validator's latest message, or None."""
        if validator >= len(self.next_epoch) or self.next_epoch[validator] == NONE:
            return None
        return int(self.next_epoch[validator]), int(self.next_node[validator])

    def set_votes(self, validators: Iterable[int], node: int, epoch: int) -> list[int]:
        """Record a vote for `node` at target `epoch` where it is newer than the last one.

        Returns the validators whose latest message changed (to be persisted).
        """
        idx = np.unique(np.fromiter(validators, np.int64))
        if idx.size == 0:
            return []
        if idx[0] < 0:
            raise ValueError("negative validator index")
        self._grow(int(idx[-1]) + 1)
        # The spec replaces a latest message only for a strictly later target epoch.
        changed = idx[self.next_epoch[idx] < epoch]
        self.next_node[changed] = node
        self.next_epoch[changed] = epoch
        out = changed.tolist()
        self._dirty.update(out)
        return out

    def restore(self, validators: Sequence[int], nodes: Sequence[int], epochs: Sequence[int]) -> None:
        """Load stored latest messages (node NONE for a block no longer in the tree)."""
        idx = np.asarray(validators, dtype=np.int64)
        if idx.size == 0:
            return
        self._grow(int(idx.max()) + 1)
        self.next_node[idx] = np.asarray(nodes, dtype=np.int64)
        self.next_epoch[idx] = np.asarray(epochs, dtype=np.int64)
        self._dirty.update(idx.tolist())

    def set_balances(self, balances: Sequence[int] | np.ndarray) -> None:
        """New weights per validator (effective balance if active at the justified state)."""
        new = np.asarray(balances, dtype=np.int64)
        self._grow(len(new))
        padded = np.zeros(len(self.next_node), np.int64)
        padded[:len(new)] = new
        if not np.array_equal(padded, self.balances):
            self.balances = padded
            self._all_dirty = True

    def compute_deltas(self, num_nodes: int) -> list[int]:
        """Per-node weight changes since the last call, and mark them applied."""
        deltas = np.zeros(num_nodes, np.int64)
        if self._all_dirty:
            idx = np.arange(len(self.next_node))
        elif self._dirty:
            idx = np.fromiter(self._dirty, np.int64)
        else:
            return deltas.tolist()
        old_node = self.applied_node[idx]
        old_bal = self.applied_balance[idx]
        new_node = self.next_node[idx]
        new_bal = np.where(new_node != NONE, self.balances[idx], 0)
        m = old_node != NONE
        np.subtract.at(deltas, old_node[m], old_bal[m])
        m = new_node != NONE
        np.add.at(deltas, new_node[m], new_bal[m])
        self.applied_node[idx] = new_node
        self.applied_balance[idx] = new_bal
        self._dirty.clear()
        self._all_dirty = False
        return deltas.tolist()

    def remap(self, remap: Sequence[int]) -> None:
        """Follow a proto-array prune: node indices change, removed nodes become NONE.

        A vote whose applied node was removed leaves its weight with that node, so its
        applied balance is dropped too.
        """
        table = np.asarray(list(remap) + [NONE], dtype=np.int64)  # table[-1] maps NONE
        self.applied_node = table[self.applied_node]
        self.applied_balance[self.applied_node == NONE] = 0
        self.next_node = table[self.next_node]

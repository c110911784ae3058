"""Proto-array: the block tree of the fork choice as flat arrays, with subtree weights.

Nodes are appended in import order, so a parent always has a lower index than its
children. That lets one backwards pass push vote deltas from every node to its parent
(subtree weights) and a second backwards pass recompute best children, touching only
nodes whose children changed.

Semantics are v0.8.4 LMD-GHOST
(https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_fork-choice.md#get_head):
the weight of a node is the balance of latest messages for it or any descendant, and
among children the larger `(weight, root)` wins, so equal weights go to the
lexicographically higher root. v0.8.4 has no viability filter on justified/finalized
epochs of branches (that came in v0.9), so the best child is a plain maximum.

Costs: add O(1); apply_deltas O(nodes) for the weight pass (a Python loop over ints,
~0.3 us per node) plus O(changed nodes x children) for the best-child pass;
find_head O(children of the justified node); prune O(nodes).
"""
from __future__ import annotations

import heapq
from typing import Iterator, Sequence

from beacon.fork_choice.errors import DuplicateBlock, UnknownBlockRoot

NONE = -1


class ProtoArray:
    """Blocks descending from one root (the finalized block, or the anchor)."""

    def __init__(self, root: bytes, slot: int):
        self.roots: list[bytes] = []
        self.slots: list[int] = []
        self.parents: list[int] = []
        self.weights: list[int] = []
        self.children: list[list[int]] = []
        self.best_child: list[int] = []
        self.best_descendant: list[int] = []
        self.indices: dict[bytes, int] = {}
        self._dirty: set[int] = set()
        self._append(bytes(root), NONE, slot)

    # -- queries -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.roots)

    def __contains__(self, root: bytes) -> bool:
        return bytes(root) in self.indices

    @property
    def root(self) -> bytes:
        return self.roots[0]

    def index(self, root: bytes) -> int:
        try:
            return self.indices[bytes(root)]
        except KeyError:
            raise UnknownBlockRoot(root) from None

    def slot(self, root: bytes) -> int:
        return self.slots[self.index(root)]

    def parent_root(self, root: bytes) -> bytes | None:
        p = self.parents[self.index(root)]
        return None if p == NONE else self.roots[p]

    def weight(self, root: bytes) -> int:
        return self.weights[self.index(root)]

    def iter_ancestors(self, root: bytes) -> Iterator[int]:
        """Indices from `root` itself back to the tree root."""
        i = self.index(root)
        while i != NONE:
            yield i
            i = self.parents[i]

    def ancestor_at_slot(self, root: bytes, slot: int) -> bytes | None:
        """The spec's get_ancestor: the chain's block at exactly `slot`, or None.

        None also when the chain reaches below `slot` only by leaving the tree.
        """
        for i in self.iter_ancestors(root):
            s = self.slots[i]
            if s == slot:
                return self.roots[i]
            if s < slot:
                return None
        return None

    def is_descendant(self, ancestor: bytes, root: bytes) -> bool:
        """True if `root` is `ancestor` or one of its descendants."""
        a = self.indices.get(bytes(ancestor))
        if a is None or bytes(root) not in self.indices:
            return False
        a_slot = self.slots[a]
        for i in self.iter_ancestors(root):
            if i == a:
                return True
            if self.slots[i] <= a_slot:
                return False
        return False

    def common_ancestor(self, a: bytes, b: bytes) -> bytes | None:
        """Most recent block on both chains (None if they only meet outside the tree)."""
        on_a = set(self.iter_ancestors(a))
        for i in self.iter_ancestors(b):
            if i in on_a:
                return self.roots[i]
        return None

    # -- updates -----------------------------------------------------------------------

    def add(self, root: bytes, parent_root: bytes, slot: int) -> None:
        """Insert a block whose parent is in the tree.

        Raises:
            DuplicateBlock: `root` is already present.
            UnknownBlockRoot: the parent is not in the tree.
        """
        root = bytes(root)
        if root in self.indices:
            raise DuplicateBlock(root)
        p = self.indices.get(bytes(parent_root))
        if p is None:
            raise UnknownBlockRoot(parent_root, "parent")
        i = self._append(root, p, slot)
        self.children[p].append(i)
        self._dirty.add(p)

    def _append(self, root: bytes, parent: int, slot: int) -> int:
        i = len(self.roots)
        self.roots.append(root)
        self.slots.append(int(slot))
        self.parents.append(parent)
        self.weights.append(0)
        self.children.append([])
        self.best_child.append(NONE)
        self.best_descendant.append(i)
        self.indices[root] = i
        return i

    def apply_deltas(self, deltas: Sequence[int]) -> None:
        """Add per-node vote deltas (indexed like the nodes) and refresh best children.

        `deltas` is consumed (parents accumulate their children's deltas in it).
        """
        n = len(self.roots)
        if len(deltas) != n:
            raise ValueError(f"{len(deltas)} deltas for {n} nodes")
        deltas = list(deltas)
        weights, parents, dirty = self.weights, self.parents, self._dirty
        for i in range(n - 1, -1, -1):
            d = deltas[i]
            if d:
                weights[i] += d
                p = parents[i]
                if p != NONE:
                    deltas[p] += d
                    dirty.add(p)
        self._refresh_best()

    def _refresh_best(self) -> None:
        # Highest index first: a node's children (higher indices) are final before it.
        heap = [-i for i in self._dirty]
        heapq.heapify(heap)
        seen = set(self._dirty)
        self._dirty = set()
        weights, roots, children, parents = self.weights, self.roots, self.children, self.parents
        while heap:
            i = -heapq.heappop(heap)
            best = NONE
            for c in children[i]:
                if best == NONE or (weights[c], roots[c]) > (weights[best], roots[best]):
                    best = c
            desc = i if best == NONE else self.best_descendant[best]
            self.best_child[i] = best
            if desc != self.best_descendant[i]:
                self.best_descendant[i] = desc
                p = parents[i]
                if p != NONE and p not in seen:
                    seen.add(p)
                    heapq.heappush(heap, -p)

    def find_head(self, justified_root: bytes, justified_slot: int) -> bytes:
        """get_head from the justified block, after `apply_deltas`.

        The spec only follows children whose slot is above the justified epoch's start
        slot; deeper descendants are always above it, so the filter matters only at
        the first step.
        """
        if self._dirty:
            self._refresh_best()
        j = self.index(justified_root)
        best = NONE
        for c in self.children[j]:
            if self.slots[c] > justified_slot and (
                    best == NONE or (self.weights[c], self.roots[c])
                    > (self.weights[best], self.roots[best])):
                best = c
        if best == NONE:
            return self.roots[j]
        return self.roots[self.best_descendant[best]]

    def prune(self, new_root: bytes) -> tuple[list[int], list[bytes]]:
        """Keep only `new_root` and its descendants.

        Returns:
            (remap, removed): remap[old_index] is the new index or -1; removed lists
            the roots that left the tree.
        """
        r = self.index(new_root)
        n = len(self.roots)
        remap = [NONE] * n
        kept: list[int] = []
        for i in range(r, n):
            if i == r or (self.parents[i] != NONE and remap[self.parents[i]] != NONE):
                remap[i] = len(kept)
                kept.append(i)
        removed = [self.roots[i] for i in range(n) if remap[i] == NONE]
        self.roots = [self.roots[i] for i in kept]
        self.slots = [self.slots[i] for i in kept]
        self.parents = [NONE if i == r else remap[self.parents[i]] for i in kept]
        self.weights = [self.weights[i] for i in kept]
        self.children = [[remap[c] for c in self.children[i]] for i in kept]
        self.best_child = [NONE] * len(kept)
        self.best_descendant = list(range(len(kept)))
        self.indices = {root: i for i, root in enumerate(self.roots)}
        self._dirty = set(range(len(kept)))
        self._refresh_best()
        return remap, removed

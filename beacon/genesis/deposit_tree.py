"""Incremental deposit Merkle tree, as the eth1 deposit contract keeps it.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#deposits
(the root is `hash_tree_root(List[DepositData, 2**DEPOSIT_CONTRACT_TREE_DEPTH])`, i.e. the
depth-32 tree root with the leaf count mixed in).

Data flow: deposit-data roots are pushed one at a time; after each push the tree can give
its root and the Merkle proof of the leaf just pushed, both in O(depth), without keeping
the leaves. This is what genesis needs: each deposit's proof is checked against the tree
as it stood right after that deposit, so building N deposits costs O(N * depth) hashes
instead of re-merkleizing N growing lists.
"""
from __future__ import annotations

from hashlib import sha256

from beacon.state_transition.helpers import is_valid_merkle_branch
from beacon.state_transition.merkle import ZERO_HASHES

DEPTH = 32  # DEPOSIT_CONTRACT_TREE_DEPTH, a spec constant (not a preset value)


def _hash(a: bytes, b: bytes) -> bytes:
    return sha256(a + b).digest()


class DepositTreeError(ValueError):
    """A bad leaf, a proof asked for a leaf other than the last one, or a full tree."""


class DepositTree:
    """The deposit contract's incremental Merkle tree (depth 32, root with length mix-in).

    Invariant: after `count` pushes, `_branch[h]` holds the most recent complete left
    node at level h. The last leaf's sibling at level h is exactly that node when bit h
    of its index is set (the sibling lies to the left and is complete), and the empty
    subtree `ZERO_HASHES[h]` otherwise (everything to the right is still empty).
    """

    def __init__(self):
        self._branch = [bytes(32)] * DEPTH
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def push(self, leaf: bytes) -> int:
        """Append a leaf (a DepositData hash-tree-root); returns its index."""
        leaf = bytes(leaf)
        if len(leaf) != 32:
            raise DepositTreeError(f"a leaf must be 32 bytes, got {len(leaf)}")
        if self._count >= (1 << DEPTH) - 1:  # the contract's own bound
            raise DepositTreeError("deposit tree is full")
        index = self._count
        self._count += 1
        node, size = leaf, self._count
        for h in range(DEPTH):
            if size & 1:
                self._branch[h] = node
                break
            node = _hash(self._branch[h], node)
            size >>= 1
        return index

    def root(self) -> bytes:
        """Root of the depth-32 tree with the leaf count mixed in (little-endian uint256)."""
        node, size = bytes(32), self._count
        for h in range(DEPTH):
            if size & 1:
                node = _hash(self._branch[h], node)
            else:
                node = _hash(node, ZERO_HASHES[h])
            size >>= 1
        return _hash(node, self._count.to_bytes(32, "little"))

    def proof(self, index: int) -> list[bytes]:
        """Proof of the last pushed leaf: 32 siblings, then the length mix-in (33 items).

        Only the last leaf can be proven, because earlier left nodes are not kept.
        """
        if self._count == 0 or index != self._count - 1:
            raise DepositTreeError(
                f"can only prove the last pushed leaf ({self._count - 1}), not {index}")
        siblings = [self._branch[h] if (index >> h) & 1 else ZERO_HASHES[h]
                    for h in range(DEPTH)]
        siblings.append(self._count.to_bytes(32, "little"))
        return siblings


def verify_proof(leaf: bytes, proof: list[bytes], index: int, root: bytes) -> bool:
    """`is_valid_merkle_branch` for a deposit proof (depth 33, including the mix-in)."""
    return len(proof) == DEPTH + 1 and is_valid_merkle_branch(leaf, proof, DEPTH + 1, index, root)

"""Signing root: hash-tree-root of a container without its last field (the signature).

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/simple-serialize.md#self-signed-containers
"""
from remerkleable.complex import Container
from remerkleable.tree import get_depth, subtree_fill_to_contents


def signing_root(obj: Container) -> bytes:
    """Root over the field subtrees of `obj` except the last, reusing cached nodes."""
    cls = type(obj)
    n = len(cls.fields()) - 1
    if n < 1:
        # Merkleizing no chunks gives the zero chunk (the vectors' one-field containers).
        return bytes(32)
    backing = obj.get_backing()
    depth = cls.tree_depth()
    # Field i is the leaf at generalized index 2**depth + i of the full container tree.
    nodes = [backing.getter((1 << depth) | i) for i in range(n)]
    return bytes(subtree_fill_to_contents(nodes, get_depth(n)).merkle_root())


def hash_tree_root(obj) -> bytes:
    return bytes(obj.hash_tree_root())

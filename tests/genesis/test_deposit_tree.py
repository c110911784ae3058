"""The incremental deposit tree against naive full merkleization."""
from hashlib import sha256

import pytest
from remerkleable.byte_arrays import Bytes32
from remerkleable.complex import List

from beacon.genesis.deposit_tree import (
    DEPTH, ZERO_HASHES, DepositTree, DepositTreeError, verify_proof,
)


def leaf(i: int) -> bytes:
    return sha256(b"leaf" + i.to_bytes(8, "little")).digest()


def naive_layers(leaves):
    """All layers of the depth-32 tree, computing only the non-empty prefix of each."""
    layers = [list(leaves)]
    for h in range(DEPTH):
        below = layers[-1]
        if len(below) % 2:
            below = below + [ZERO_HASHES[h]]
        layers.append([sha256(below[i] + below[i + 1]).digest()
                       for i in range(0, len(below), 2)])
    return layers


def naive_root(leaves) -> bytes:
    top = naive_layers(leaves)[-1]
    node = top[0] if top else ZERO_HASHES[DEPTH]
    return sha256(node + len(leaves).to_bytes(32, "little")).digest()


def naive_proof(leaves, index):
    layers = naive_layers(leaves)
    proof = []
    for h in range(DEPTH):
        sib = (index >> h) ^ 1
        layer = layers[h]
        proof.append(layer[sib] if sib < len(layer) else ZERO_HASHES[h])
    return proof + [len(leaves).to_bytes(32, "little")]


def test_empty_root_matches_ssz_list():
    assert DepositTree().root() == bytes(List[Bytes32, 2**DEPTH]().hash_tree_root())


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 13, 33])
def test_root_and_proofs_match_naive(count):
    tree, leaves = DepositTree(), []
    for i in range(count):
        leaves.append(leaf(i))
        assert tree.push(leaves[-1]) == i
        assert len(tree) == i + 1
        assert tree.root() == naive_root(leaves)
        proof = tree.proof(i)
        assert proof == naive_proof(leaves, i)
        assert verify_proof(leaves[-1], proof, i, tree.root())
    # And the same root as the SSZ list of the leaves, a third implementation.
    ssz_root = bytes(List[Bytes32, 2**DEPTH](*leaves).hash_tree_root())
    assert tree.root() == ssz_root


def test_proof_only_for_last_leaf():
    tree = DepositTree()
    with pytest.raises(DepositTreeError):
        tree.proof(0)
    tree.push(leaf(0))
    tree.push(leaf(1))
    with pytest.raises(DepositTreeError):
        tree.proof(0)


def test_bad_leaf_rejected():
    with pytest.raises(DepositTreeError):
        DepositTree().push(b"short")


def test_wrong_proof_rejected():
    tree = DepositTree()
    for i in range(6):
        tree.push(leaf(i))
    proof = tree.proof(5)
    assert not verify_proof(leaf(4), proof, 5, tree.root())
    assert not verify_proof(leaf(5), proof, 4, tree.root())
    assert not verify_proof(leaf(5), proof[:-1], 5, tree.root())


def test_thousand_pushes_fast():
    import time
    tree = DepositTree()
    t0 = time.perf_counter()
    for i in range(1024):
        tree.push(leaf(i))
        tree.proof(i)
        tree.root()
    assert time.perf_counter() - t0 < 2.0
    assert tree.root() == bytes(List[Bytes32, 2**DEPTH](*(leaf(i) for i in range(1024))).hash_tree_root())

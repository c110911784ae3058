"""Decoding shares equal subtrees (ssz/backing.packed_tree, codegen.make_memo_builder):
the trees must still have exactly remerkleable's roots and values, and a change made
through one view must not show through another that shares nodes with it."""
import os
import random

import pytest
from remerkleable.basic import uint64
from remerkleable.byte_arrays import Bytes32
from remerkleable.complex import List, Vector

from beacon.config import mainnet, minimal
from beacon.types import get_types
from ssz.backing import fill, _chunks, packed_tree
from ssz.codec import decode


def _chunk_data(n: int, distinct: int, seed: int) -> bytes:
    rng = random.Random(seed)
    values = [os.urandom(32) for _ in range(distinct)]
    out, i = [], 0
    while i < n:   # runs of random length, values drawn with repetition
        run = rng.randint(1, 50)
        out += [rng.choice(values)] * min(run, n - i)
        i += run
    return b"".join(out)


@pytest.mark.parametrize("n,distinct", [(256, 1), (257, 3), (1000, 1000), (4097, 7), (65536, 5)])
def test_same_root_as_plain_build(n, distinct):
    data = _chunk_data(n, distinct, n)
    depth = (n - 1).bit_length() + 1
    shared = packed_tree(data, 0, len(data), depth)
    plain = fill(_chunks(data, 0, len(data)), depth)
    assert shared.merkle_root() == plain.merkle_root()


def test_decoded_vectors_match_remerkleable_and_stay_independent():
    typ = Vector[Bytes32, 1024]
    data = b"\x07" * 32 * 1000 + os.urandom(32 * 24)
    view = decode(typ, data)
    assert view.hash_tree_root() == typ.decode_bytes(data).hash_tree_root()
    assert bytes(view[3]) == b"\x07" * 32
    view[3] = b"\x01" * 32                 # entries 0..999 shared one subtree
    assert bytes(view[4]) == b"\x07" * 32 and bytes(view[3]) == b"\x01" * 32
    assert decode(typ, data).hash_tree_root() == typ.decode_bytes(data).hash_tree_root()
    ulist = List[uint64, 2**20]
    raw = (5).to_bytes(8, "little") * 5000
    assert decode(ulist, raw).hash_tree_root() == ulist.decode_bytes(raw).hash_tree_root()


@pytest.mark.parametrize("config", [minimal, mainnet])
def test_validators_share_epoch_subtrees(config):
    T = get_types(config)
    far = config.FAR_FUTURE_EPOCH
    registry = T.BeaconState.fields()["validators"](*[
        T.Validator(pubkey=i.to_bytes(48, "little"), effective_balance=32 * 10**9,
                    exit_epoch=far, withdrawable_epoch=far) for i in range(300)])
    data = registry.encode_bytes()
    decoded = decode(type(registry), data)
    assert decoded.hash_tree_root() == registry.hash_tree_root()
    a, b = decoded[0].get_backing(), decoded[1].get_backing()
    assert a.right is b.right          # the four epochs: one node for all validators
    decoded[1].exit_epoch = 7          # copy-on-write: validator 0 keeps its epochs
    assert int(decoded[0].exit_epoch) == far and int(decoded[1].exit_epoch) == 7

"""Round trips through our fast codec, cross-checked against remerkleable's own paths.

ssz.backing and ssz.emit build and read trees without remerkleable's constructors, so
every value here is checked three ways: our bytes == remerkleable's bytes, our decoded
tree's root == remerkleable's decoded root, and plain values agree.
"""
# No `from __future__ import annotations`: remerkleable reads field annotations as types.

import random

import pytest
from remerkleable.basic import boolean, uint8, uint16, uint64, uint256
from remerkleable.bitfields import Bitlist, Bitvector
from remerkleable.byte_arrays import ByteList, Bytes32, Bytes48
from remerkleable.complex import Container, List, Vector

from beacon.config import minimal
from ssz.codec import decode, encode
from ssz.signing import signing_root
from ssz.yaml_codec import to_obj
from tests.ssz.samples import attestation, block, state, types

T = types(minimal)


class Inner(Container):
    a: uint8
    b: List[uint16, 5]


class Mixed(Container):
    flag: boolean
    bits: Bitlist[9]
    vec: Vector[Bitvector[3], 3]
    inner: Vector[Inner, 2]
    raw: ByteList[40]
    big: uint256
    keys: List[Bytes48, 3]
    roots: Vector[Bytes32, 3]


def _values():
    yield "Fork", T.Fork(previous_version=b"\x01\x02\x03\x04", epoch=7)
    yield "Validator", T.Validator(pubkey=b"\x07" * 48, slashed=True, exit_epoch=2**64 - 1)
    yield "Attestation", attestation(T, bits=9)
    yield "BeaconBlock", block(T, n_attestations=3, n_deposits=2, n_exits=2)
    yield "BeaconBlock_default", T.BeaconBlock()
    yield "BeaconState", state(T, n_validators=7)
    yield "BeaconState_default", T.BeaconState()
    yield "Mixed", Mixed(flag=True, bits=[True] * 9, vec=[[True, False, True]] * 3,
                         inner=[Inner(a=1, b=[1, 2, 3]), Inner(a=2)], raw=b"\x09" * 33,
                         big=2**255 + 5, keys=[b"\x01" * 48] * 2, roots=[b"\x02" * 32] * 3)
    yield "Mixed_default", Mixed()
    yield "Bitlist_empty", Bitlist[8]()
    yield "Bitlist_8", Bitlist[8](*([True] * 8))
    yield "Bitlist_256", Bitlist[300](*([True, False] * 128))
    yield "List_uint64", List[uint64, 100](*range(33))
    yield "Vector_bool", Vector[boolean, 40](*([True, False] * 20))


VALUES = dict(_values())


@pytest.mark.parametrize("name", sorted(VALUES))
def test_encode_matches_remerkleable(name):
    v = VALUES[name]
    assert encode(v) == v.encode_bytes()


@pytest.mark.parametrize("name", sorted(VALUES))
def test_decode_roundtrip_matches_remerkleable(name):
    v = VALUES[name]
    data = v.encode_bytes()
    ours = decode(type(v), data)
    theirs = type(v).decode_bytes(data)
    assert ours.hash_tree_root() == theirs.hash_tree_root() == v.hash_tree_root()
    assert encode(ours) == data
    assert ours.encode_bytes() == data
    if hasattr(type(v), "fields") and len(type(v).fields()) > 1 and name.startswith(("Beacon", "Attestation")):
        assert signing_root(ours) == signing_root(theirs)


@pytest.mark.parametrize("name", ["Fork", "Validator", "Attestation", "BeaconBlock", "BeaconState"])
def test_plain_values_match_remerkleable(name):
    """For phase0 types (uints of 64 bits or less) remerkleable's to_obj uses the same shape."""
    v = VALUES[name]
    assert to_obj(v) == _lists(v.to_obj())


def _lists(obj):
    """remerkleable writes vectors as tuples; the YAML shape uses lists."""
    if isinstance(obj, dict):
        return {k: _lists(x) for k, x in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_lists(x) for x in obj]
    return obj


def test_decoded_views_are_usable():
    """Trees we build behave like remerkleable's: field access, mutation, copy."""
    s = decode(T.BeaconState, encode(state(T, n_validators=5)))
    assert s.validators[3].slashed and not s.validators[1].slashed
    assert int(s.balances[4]) == 32 * 10**9
    before = s.hash_tree_root()
    s2 = s.copy()
    s2.validators[1].slashed = True
    s2.balances.append(1)
    assert s.hash_tree_root() == before != s2.hash_tree_root()
    assert decode(T.BeaconState, encode(s2)).hash_tree_root() == s2.hash_tree_root()


def test_random_blocks_roundtrip():
    rng = random.Random(84)
    for _ in range(20):
        b = block(T, n_attestations=rng.randrange(0, 6), n_deposits=rng.randrange(0, 4),
                  n_exits=rng.randrange(0, 4))
        b.body.graffiti = bytes(rng.randrange(256) for _ in range(32))
        data = encode(b)
        assert data == b.encode_bytes()
        assert decode(T.BeaconBlock, data).hash_tree_root() == b.hash_tree_root()

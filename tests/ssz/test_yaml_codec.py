"""ssz.yaml_codec: the vectors' plain shape both ways, and errors that name the path."""
# No `from __future__ import annotations`: remerkleable reads field annotations as types.
import json

import pytest
from remerkleable.basic import boolean, uint8, uint64, uint128, uint256
from remerkleable.bitfields import Bitlist, Bitvector
from remerkleable.complex import Container, List, Vector

from beacon.config import minimal
from ssz.codec import encode
from ssz.errors import SSZValueError
from ssz.yaml_codec import first_difference, from_obj, from_yaml, to_json_obj, to_obj, to_yaml
from tests.ssz.samples import attestation, state, types

T = types(minimal)


class Wide(Container):
    a: uint128
    b: uint256
    c: uint8
    v: Vector[uint128, 2]


def test_shapes_follow_the_vectors():
    a = attestation(T, bits=5)
    obj = to_obj(a)
    assert list(obj) == ["aggregation_bits", "data", "custody_bits", "signature"]
    assert obj["aggregation_bits"] == "0x" + encode(a.aggregation_bits).hex() == "0x35"
    assert obj["data"]["source"] == {"epoch": 1, "root": "0x" + "02" * 32}
    assert obj["signature"] == "0x" + "01" * 96
    assert to_obj(T.Validator(slashed=True))["slashed"] is True
    assert to_obj(Bitvector[4](True, False, False, True)) == "0x09"
    w = Wide(a=2**100, b=5, c=7, v=[1, 2])
    assert to_obj(w) == {"a": str(2**100), "b": "5", "c": 7, "v": ["1", "2"]}


def test_roundtrip_state_and_yaml_text():
    s = state(T, n_validators=3)
    assert encode(from_obj(T.BeaconState, to_obj(s))) == encode(s)
    assert from_yaml(T.BeaconState, to_yaml(s)).hash_tree_root() == s.hash_tree_root()
    w = Wide(a=2**127, b=2**256 - 1, c=255, v=[0, 2**128 - 1])
    assert from_obj(Wide, to_obj(w)).hash_tree_root() == w.hash_tree_root()


def test_json_obj_quotes_wide_uints_and_roundtrips():
    v = T.Validator(effective_balance=32 * 10**9, exit_epoch=2**64 - 1)
    obj = to_json_obj(v)
    assert obj["exit_epoch"] == str(2**64 - 1) and obj["effective_balance"] == str(32 * 10**9)
    assert to_json_obj(Wide(c=3))["c"] == 3
    back = from_obj(T.Validator, json.loads(json.dumps(obj)))
    assert back.hash_tree_root() == v.hash_tree_root()


def _att_obj():
    return to_obj(attestation(T, bits=5))


def _set(obj, path, value):
    cur = obj
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = value
    return obj


def _del(obj, path):
    cur = obj
    for p in path[:-1]:
        cur = cur[p]
    del cur[path[-1]]
    return obj


BAD = {
    "unknown_field": (lambda o: _set(o, ["data", "source", "bogus"], 1), "data.source", "unknown field(s) bogus"),
    "missing_field": (lambda o: _del(o, ["data", "target", "root"]), "data.target", "missing field(s) root"),
    "uint_negative": (lambda o: _set(o, ["data", "source", "epoch"], -1), "data.source.epoch", "out of range"),
    "uint_too_big": (lambda o: _set(o, ["data", "source", "epoch"], 2**64), "data.source.epoch", "out of range for uint64"),
    "uint_bool": (lambda o: _set(o, ["data", "source", "epoch"], True), "data.source.epoch", "expected an integer"),
    "uint_float": (lambda o: _set(o, ["data", "source", "epoch"], 1.5), "data.source.epoch", "expected an integer"),
    "uint_bad_string": (lambda o: _set(o, ["data", "source", "epoch"], "12a"), "data.source.epoch", "decimal integer"),
    "bytes_short": (lambda o: _set(o, ["signature"], "0x00"), "signature", "expected 96 bytes, got 1"),
    "bytes_no_prefix": (lambda o: _set(o, ["signature"], "00" * 96), "signature", "'0x'-prefixed"),
    "bytes_not_hex": (lambda o: _set(o, ["data", "beacon_block_root"], "0x" + "zz" * 32), "data.beacon_block_root", "not valid hex"),
    "bitlist_no_delimiter": (lambda o: _set(o, ["aggregation_bits"], "0x00"), "aggregation_bits", "no delimiter bit"),
    "bitlist_over_limit": (lambda o: _set(o, ["custody_bits"], "0x" + "ff" * 512 + "03"), "custody_bits", "over the limit of 4096"),
    "container_not_dict": (lambda o: _set(o, ["data"], [1, 2]), "data", "expected a mapping"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_value_errors_name_the_path(name):
    mutate, path, reason = BAD[name]
    with pytest.raises(SSZValueError) as info:
        from_obj(T.Attestation, mutate(_att_obj()))
    msg = str(info.value)
    assert msg.startswith("invalid Attestation value: at " + path + ":"), msg
    assert reason in msg, msg


def test_sequence_errors():
    with pytest.raises(SSZValueError, match=r"at validators\[1\]\.slashed: expected a bool"):
        obj = to_obj(state(T, n_validators=2))
        obj["validators"][1]["slashed"] = 1
        from_obj(T.BeaconState, obj)
    with pytest.raises(SSZValueError, match="items over the limit"):
        from_obj(List[uint64, 2], [1, 2, 3])
    with pytest.raises(SSZValueError, match="has exactly 2"):
        from_obj(Vector[uint64, 2], [1])
    with pytest.raises(SSZValueError, match="expected a list"):
        from_obj(List[uint64, 2], "0x01")
    with pytest.raises(SSZValueError, match="expected a bool"):
        from_obj(boolean, 0)
    with pytest.raises(SSZValueError, match="padding bits"):
        from_obj(Bitvector[3], "0x08")
    assert len(from_obj(Bitlist[4], "0x01")) == 0


def test_first_difference():
    a = {"x": [1, 2, {"y": "0x00"}]}
    assert first_difference(a, {"x": [1, 2, {"y": "0x00"}]}) is None
    assert first_difference(a, {"x": [1, 2, {"y": "0x01"}]}).startswith("x[2].y: got '0x00'")
    assert "items" in first_difference(a, {"x": [1]})
    assert first_difference(True, 1) is not None  # a bool is not an int here



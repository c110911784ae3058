"""The speedups of ssz/view_speedups.py answer as remerkleable itself does.

No `from __future__ import annotations`: remerkleable reads field types from the
class annotations, which must stay types, not strings.
"""

import pytest
from remerkleable.basic import uint8, uint64
from remerkleable.complex import Container, List

import ssz  # noqa: F401  (installs the speedups)
from remerkleable.core import BasicView, View
from remerkleable.byte_arrays import Bytes32
from ssz.view_speedups import _uncached_fields


class Pair(Container):
    a: uint64
    b: List[uint8, 4]


class Triple(Pair):
    c: uint64


def test_tables_are_computed_once_per_class_and_match_remerkleable():
    assert Pair.fields() is Pair.fields()
    assert dict(Pair.fields()) == _uncached_fields(Pair)
    assert list(Triple.fields()) == ["a", "b", "c"]
    assert dict(Triple.fields()) == _uncached_fields(Triple)
    assert Triple.fields() is not Pair.fields()  # a subclass keeps its own table
    assert Pair.item_elem_cls(1) is Pair.fields()["b"]
    assert Triple.item_elem_cls(2) is uint64
    assert (Pair.tree_depth(), Triple.tree_depth()) == (1, 2)


def test_views_read_write_and_hash_as_before():
    t = Triple(a=1, b=[2, 3], c=4)
    t.c = 9
    assert (int(t.a), list(t.b), int(t.c)) == (1, [2, 3], 9)
    same = Triple.decode_bytes(t.encode_bytes())
    assert same.hash_tree_root() == t.hash_tree_root()


def test_the_shared_table_cannot_be_changed():
    with pytest.raises(TypeError):
        Pair.fields()["d"] = uint64


def test_view_isinstance_is_nominal_and_fast_path_agrees():
    from typing import _ProtocolMeta

    t = Triple(a=1, b=[2], c=3)
    cases = [(t, View), (t, Pair), (t, Triple), (t.a, View), (t.a, BasicView), (t.a, uint64),
             (Bytes32(), View), (5, View), (b"x" * 32, View), ("a", Pair), (None, View),
             (Pair(a=1, b=[]), Triple), (t.b, View), (t.b, BasicView), (uint8(1), uint64),
             # classes: remerkleable asks this to pick packed lists (structurally true)
             (uint64, BasicView), (uint64, View), (Pair, View), (Pair, BasicView),
             (Bytes32, BasicView), (int, View)]
    for value, cls in cases:
        assert isinstance(value, cls) == _ProtocolMeta.__instancecheck__(cls, value), (value, cls)
    assert type(View).__instancecheck__ is not _ProtocolMeta.__instancecheck__
    assert List[uint64, 8].is_packed() and not List[Pair, 8].is_packed()

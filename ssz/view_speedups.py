"""Two per-call costs of remerkleable 0.1.28 removed (installed on import of `ssz`).

Block import spent about a fifth of its CPU time in these (the in-process import of
bench/sync_bench.py, profiled), with results that never change once a class exists:

- `Container.fields()` rebuilds a container's field dict on every call, walking its
  bases, and a field read (`state.slot`) calls it twice more through `item_elem_cls`
  and `tree_depth`. Each class now keeps its table, element types and depth in its own
  `__dict__` (not inherited: a subclass may add fields). The table is a read-only view,
  so no caller can change it for everyone.
- `isinstance(x, View)`, which every container and list constructor runs per field or
  item, goes through typing's Protocol check: about 47 us a call in Python 3.11, for
  views and non-views alike. For values, view classes now use ABCMeta's nominal check
  (0.2-0.3 us), which gives the same answer for every value a view type is built from
  (tests/ssz/test_view_speedups.py compares them). For classes the Protocol check
  stays: remerkleable asks `isinstance(uint64, BasicView)` of element *types* to pick
  packed lists, and only the structural check says yes to that.
"""
from __future__ import annotations

from abc import ABCMeta
from types import MappingProxyType

from remerkleable.complex import Container
from remerkleable.core import ViewMeta
from remerkleable.tree import get_depth

_uncached_fields = Container.fields.__func__
_protocol_instancecheck = ViewMeta.__instancecheck__
_nominal_instancecheck = ABCMeta.__instancecheck__


def _cached(cls, key: str, make):
    value = cls.__dict__.get(key)
    if value is None:
        value = make()
        type.__setattr__(cls, key, value)  # a class attribute, next to _field_indices
    return value


def _fields(cls):
    return _cached(cls, "_pybeacon_fields", lambda: MappingProxyType(_uncached_fields(cls)))


def _item_elem_cls(cls, i: int):
    return _cached(cls, "_pybeacon_elem_types", lambda: tuple(cls.fields().values()))[i]


def _tree_depth(cls) -> int:
    return _cached(cls, "_pybeacon_depth", lambda: get_depth(len(cls.fields())))


def _instancecheck(cls, instance) -> bool:
    if isinstance(instance, type):
        return _protocol_instancecheck(cls, instance)
    return _nominal_instancecheck(cls, instance)


def install() -> None:
    if getattr(Container.fields, "__func__", None) is _fields:
        return
    Container.fields = classmethod(_fields)
    Container.item_elem_cls = classmethod(_item_elem_cls)
    Container.tree_depth = classmethod(_tree_depth)
    ViewMeta.__instancecheck__ = _instancecheck


install()

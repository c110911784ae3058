"""Views <-> plain Python values in the shape the official vectors' YAML uses.

The shape (value.yaml of ssz_static / ssz_generic, and every other test format):
- uint of up to 64 bits: int; wider uints (uint128, uint256): decimal string
- boolean: bool
- fixed and variable byte strings: '0x' + hex
- Bitvector / Bitlist: '0x' + hex of their SSZ bytes (a bitlist keeps its delimiter bit)
- container: dict of field name -> value, in field order
- vector / list: list

Both directions go through SSZ bytes (ssz/plain.py), never through remerkleable's
per-element views: `to_obj` encodes the view and parses the bytes; `from_obj`
serialises the plain value and builds the view with the strict `ssz.codec.decode`, so
a value is accepted exactly when its bytes would be. Errors say where:
`SSZValueError: invalid BeaconState value: at validators[3].slashed: expected a bool...`.

`to_json_obj` is `to_obj` for JSON consumers: uints wider than 32 bits become decimal
strings, since JavaScript numbers lose precision past 2**53.

`load_yaml_bounded` is the loader for untrusted YAML: PyYAML's composer recurses once
per nesting level (the C one overflows the C stack and segfaults at ~100,000 levels),
so the depth and size are checked on the event stream, which libyaml parses with an
explicit stack, before any object is composed. No SSZ type nests deeper than 16.
"""
from __future__ import annotations

import yaml

from ssz.codec import decode, encode
from ssz.errors import SSZDecodeError, SSZValueError, format_path
from ssz.plain import _show, parse, serialize
from ssz.strict import type_name

__all__ = ["to_obj", "to_json_obj", "from_obj", "to_yaml", "from_yaml", "first_difference",
           "SSZValueError", "load_yaml_bounded", "YAMLLimitError"]

MAX_YAML_DEPTH = 64
MAX_YAML_BYTES = 512 * 1024 * 1024  # a mainnet state with 300k validators is ~150 MB

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class YAMLLimitError(ValueError):
    """YAML input past a bound (nesting depth, size, or an integer too long to read)."""


def load_yaml_bounded(data: bytes | str, max_depth: int = MAX_YAML_DEPTH,
                      max_bytes: int = MAX_YAML_BYTES):
    """`yaml.safe_load` for untrusted input, with the depth and size bounded first.

    Raises:
        YAMLLimitError: deeper than `max_depth`, larger than `max_bytes`, or an integer
            with more digits than Python converts (4300).
        yaml.YAMLError: malformed YAML.
    """
    if len(data) > max_bytes:
        raise YAMLLimitError(f"{len(data)} bytes is over the limit of {max_bytes}")
    depth = 0
    for event in yaml.parse(data, Loader=_LOADER):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > max_depth:
                raise YAMLLimitError(f"nested deeper than {max_depth} levels")
        elif isinstance(event, _CLOSE):
            depth -= 1
    try:
        return yaml.load(data, Loader=_LOADER)
    except ValueError as e:  # int() of a scalar past sys.get_int_max_str_digits()
        raise YAMLLimitError(f"a value is out of range: {e}") from None


def to_obj(view):
    """The plain Python value of `view`, as the vectors' YAML writes it."""
    return parse(type(view), encode(view), 64)


def to_json_obj(view):
    """Like `to_obj`, but uints wider than 32 bits are decimal strings."""
    return parse(type(view), encode(view), 32)


def from_obj(typ, obj):
    """Build a `typ` view from its plain Python value.

    Raises:
        SSZValueError: the value does not fit `typ`; the message names the path.
    """
    try:
        data = serialize(typ, obj)
    except SSZValueError as e:
        raise SSZValueError(e.reason, e.path, type_name(typ)) from None
    try:
        return decode(typ, data)
    except SSZDecodeError as e:  # a part that only the bytes can judge
        raise SSZValueError(e.reason, e.path, type_name(typ)) from None


def to_yaml(view) -> str:
    return yaml.safe_dump(to_obj(view), sort_keys=False)


def from_yaml(typ, text: str):
    return from_obj(typ, load_yaml_bounded(text))


def first_difference(got, want, path=()) -> str | None:
    """Where two plain values first differ, as 'path: got X, want Y'; None when equal."""
    if type(got) is not type(want) and not (isinstance(got, int) and isinstance(want, int)
                                            and not isinstance(got, bool) and not isinstance(want, bool)):
        return f"{format_path(path) or '<top>'}: got {_show(got)}, want {_show(want)}"
    if isinstance(want, dict):
        if list(got) != list(want):
            return f"{format_path(path) or '<top>'}: fields {list(got)} != {list(want)}"
        for k in want:
            d = first_difference(got[k], want[k], path + (k,))
            if d:
                return d
        return None
    if isinstance(want, list):
        if len(got) != len(want):
            return f"{format_path(path) or '<top>'}: {len(got)} items, want {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            d = first_difference(g, w, path + (i,))
            if d:
                return d
        return None
    return None if got == want else f"{format_path(path) or '<top>'}: got {_show(got)}, want {_show(want)}"

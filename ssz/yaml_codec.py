"""Views <-> plain Python values in the shape the official vectors' YAML uses.

The shape (value.yaml of ssz_static / ssz_generic, and every other test format):
- uint of up to 64 bits: int; wider uints (uint128, uint256): decimal string
- boolean: bool
- fixed and variable byte strings: '0x' + hex
- Bitvector / Bitlist: '0x' + hex of their SSZ bytes (a bitlist keeps its delimiter bit)
- container: dict of field name -> value, in field order
- vector / list: list

`from_obj` serialises the plain value straight to SSZ bytes and then builds the view
with the strict `ssz.codec.decode`, so a value is accepted exactly when its bytes would
be; errors say where: `SSZValueError: invalid BeaconState value: at validators[3].slashed: ...`.

`to_json_obj` is `to_obj` for JSON consumers: uints wider than 32 bits become decimal
strings, since JavaScript numbers lose precision past 2**53.
"""
from __future__ import annotations

import yaml
from remerkleable.basic import boolean, uint
from remerkleable.bitfields import Bitlist, Bitvector
from remerkleable.byte_arrays import ByteList, ByteVector
from remerkleable.complex import Container, List, Vector

from ssz.codec import decode
from ssz.errors import SSZDecodeError, SSZValueError, format_path
from ssz.strict import OFFSET_SIZE, plan_for, type_name, validate

__all__ = ["to_obj", "to_json_obj", "from_obj", "to_yaml", "from_yaml", "first_difference", "SSZValueError"]


def to_obj(view):
    """The plain Python value of `view`, as the vectors' YAML writes it."""
    return _encoder(type(view), 64)(view)


def to_json_obj(view):
    """Like `to_obj`, but uints wider than 32 bits are decimal strings."""
    return _encoder(type(view), 32)(view)


def from_obj(typ, obj):
    """Build a `typ` view from its plain Python value.

    Raises:
        SSZValueError: the value does not fit `typ`; the message names the path.
    """
    try:
        data = _serialize(typ, obj)
    except SSZValueError as e:
        raise SSZValueError(e.reason, e.path, type_name(typ)) from None
    try:
        return decode(typ, data)
    except SSZDecodeError as e:  # a part that only the bytes can judge, e.g. a bitlist limit
        raise SSZValueError(e.reason, e.path, type_name(typ)) from None


def to_yaml(view) -> str:
    return yaml.safe_dump(to_obj(view), sort_keys=False)


def from_yaml(typ, text: str):
    return from_obj(typ, yaml.safe_load(text))


# --- view -> plain -------------------------------------------------------------

_encoders: dict = {}


def _encoder(typ, int_bits: int):
    key = (typ, int_bits)
    fn = _encoders.get(key)
    if fn is None:
        fn = _encoders[key] = _make_encoder(typ, int_bits)
    return fn


def _make_encoder(typ, int_bits):
    if issubclass(typ, boolean):
        return bool
    if issubclass(typ, uint):
        if typ.type_byte_length() * 8 <= int_bits:
            return int
        return lambda v: str(int(v))
    if issubclass(typ, (ByteVector, ByteList)):
        return lambda v: "0x" + v.hex()
    if issubclass(typ, (Bitvector, Bitlist)):
        return lambda v: "0x" + v.encode_bytes().hex()
    if issubclass(typ, Container):
        names = list(typ.fields().keys())
        encs = [_encoder(t, int_bits) for t in typ.fields().values()]
        triples = list(zip(names, encs))

        def enc_container(v):
            return {name: enc(fv) for (name, enc), fv in zip(triples, v)}
        return enc_container
    if issubclass(typ, (List, Vector)):
        enc = _encoder(typ.element_cls(), int_bits)
        return lambda v: [enc(x) for x in v]
    raise TypeError(f"to_obj does not know the type {type_name(typ)}")


# --- plain -> SSZ bytes ------------------------------------------------------------

def _serialize(typ, obj) -> bytes:
    if issubclass(typ, boolean):
        if not isinstance(obj, bool):
            raise SSZValueError(f"expected a bool, got {_show(obj)}")
        return b"\x01" if obj else b"\x00"
    if issubclass(typ, uint):
        return _uint(typ, obj)
    if issubclass(typ, (ByteVector, ByteList, Bitvector, Bitlist)):
        return _hex_bytes(typ, obj)
    if issubclass(typ, Container):
        return _container(typ, obj)
    if issubclass(typ, (List, Vector)):
        return _sequence(typ, obj)
    raise TypeError(f"from_obj does not know the type {type_name(typ)}")


def _uint(typ, obj) -> bytes:
    size = typ.type_byte_length()
    if isinstance(obj, bool) or not isinstance(obj, (int, str)):
        raise SSZValueError(f"expected an integer for {type_name(typ)}, got {_show(obj)}")
    if isinstance(obj, str):
        if not obj.isdigit() or not obj.isascii():
            raise SSZValueError(f"expected a decimal integer string for {type_name(typ)}, got {_show(obj)}")
        obj = int(obj)
    if obj < 0 or obj >> (size * 8):
        raise SSZValueError(f"{obj} is out of range for {type_name(typ)}")
    return obj.to_bytes(size, "little")


def _hex_bytes(typ, obj) -> bytes:
    if isinstance(obj, (bytes, bytearray)):
        data = bytes(obj)
    elif isinstance(obj, str) and obj.startswith("0x"):
        try:
            data = bytes.fromhex(obj[2:])
        except ValueError:
            raise SSZValueError(f"not valid hex for {type_name(typ)}: {_show(obj)}") from None
    else:
        raise SSZValueError(f"expected a '0x'-prefixed hex string for {type_name(typ)}, got {_show(obj)}")
    try:
        validate(typ, data)
    except SSZDecodeError as e:
        raise SSZValueError(e.reason) from None
    return data


def _container(typ, obj) -> bytes:
    fields = typ.fields()
    if not isinstance(obj, dict):
        raise SSZValueError(f"expected a mapping for {type_name(typ)}, got {_show(obj)}")
    unknown = [k for k in obj if k not in fields]
    if unknown:
        raise SSZValueError(f"unknown field(s) {', '.join(map(str, unknown))} for {type_name(typ)}")
    missing = [k for k in fields if k not in obj]
    if missing:
        raise SSZValueError(f"missing field(s) {', '.join(missing)} of {type_name(typ)}")
    fixed, variable = [], []
    for name, ftyp in fields.items():
        try:
            part = _serialize(ftyp, obj[name])
        except SSZValueError as e:
            raise e.within(name) from None
        if plan_for(ftyp).fixed_size is None:
            fixed.append(None)
            variable.append(part)
        else:
            fixed.append(part)
    return _join(fixed, variable)


def _sequence(typ, obj) -> bytes:
    if not isinstance(obj, (list, tuple)):
        raise SSZValueError(f"expected a list for {type_name(typ)}, got {_show(obj)}")
    if issubclass(typ, Vector) and len(obj) != typ.vector_length():
        raise SSZValueError(f"{len(obj)} items, {type_name(typ)} has exactly {typ.vector_length()}")
    if issubclass(typ, List) and len(obj) > typ.limit():
        raise SSZValueError(f"{len(obj)} items over the limit of {type_name(typ)}")
    etyp = typ.element_cls()
    parts = []
    for i, item in enumerate(obj):
        try:
            parts.append(_serialize(etyp, item))
        except SSZValueError as e:
            raise e.within(i) from None
    if plan_for(etyp).fixed_size is not None:
        return b"".join(parts)
    return _join([None] * len(parts), parts)


def _join(fixed: list, variable: list) -> bytes:
    """The SSZ layout: fixed parts with an offset in place of each None, then the variable parts."""
    pos = sum(OFFSET_SIZE if p is None else len(p) for p in fixed)
    head, it = [], iter(variable)
    for p in fixed:
        if p is None:
            head.append(pos.to_bytes(OFFSET_SIZE, "little"))
            pos += len(next(it))
        else:
            head.append(p)
    return b"".join(head) + b"".join(variable)


def _show(obj) -> str:
    text = repr(obj)
    return text if len(text) <= 60 else text[:57] + "..."


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

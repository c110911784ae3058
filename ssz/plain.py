"""Plain Python values <-> SSZ bytes, without building views.

The plain shape is the one of the official vectors' YAML (see ssz/yaml_codec.py).
`serialize(typ, obj)` checks the value against the type as it goes and raises
`SSZValueError` with the path to the first bad part; `parse(typ, data)` reads
validated bytes (see ssz.strict) back into plain values, `int_bits` saying how
wide a uint may be before it is written as a decimal string.
"""
from __future__ import annotations

import reprlib
import struct

from remerkleable.basic import boolean, uint
from remerkleable.bitfields import Bitlist, Bitvector
from remerkleable.byte_arrays import ByteList, ByteVector
from remerkleable.complex import Container, List, Vector

from ssz.errors import SSZDecodeError, SSZValueError
from ssz.strict import OFFSET_SIZE, plan_for, type_name, validate

# --- plain -> SSZ bytes ------------------------------------------------------------

def serialize(typ, obj) -> bytes:
    """SSZ bytes of plain value `obj` as `typ`; raises SSZValueError with the path."""
    return _serialize(typ, obj)


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
        if len(obj.lstrip("0")) > 80:  # past uint256; also keeps int() under its digit limit
            raise SSZValueError(f"{_show(obj)} is out of range for {type_name(typ)}")
        obj = int(obj)
    if obj < 0 or obj >> (size * 8):
        raise SSZValueError(f"{_show(obj)} is out of range for {type_name(typ)}")
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


_SHORT_REPR = reprlib.Repr()  # Python 3.11's takes no keyword arguments
_SHORT_REPR.maxlevel, _SHORT_REPR.maxstring, _SHORT_REPR.maxother = 4, 60, 60


def _show(obj) -> str:
    """A short repr for error messages (never raising, whatever the value's nesting)."""
    if isinstance(obj, int) and not isinstance(obj, bool) and obj.bit_length() > 256:
        text = f"<integer of {obj.bit_length()} bits>"  # repr fails past 4300 digits
    else:
        text = _SHORT_REPR.repr(obj)  # depth-limited: a 100,000-deep list is fine
    return text if len(text) <= 60 else text[:57] + "..."




# --- SSZ bytes -> plain ------------------------------------------------------------

_parsers: dict = {}


def parse(typ, data: bytes, int_bits: int = 64):
    """Plain value of validated SSZ `data` of `typ`; uints wider than `int_bits` as strings."""
    return _parser(typ, int_bits)(data, 0, len(data))


def _parser(typ, int_bits):
    key = (typ, int_bits)
    fn = _parsers.get(key)
    if fn is None:
        fn = _parsers[key] = _make_parser(typ, int_bits)
    return fn


_STRUCT_CODES = {1: "B", 2: "H", 4: "I", 8: "Q"}


def _make_parser(typ, int_bits):
    if issubclass(typ, boolean):
        return lambda d, s, e: d[s] == 1
    if issubclass(typ, uint):
        if typ.type_byte_length() * 8 <= int_bits:
            return lambda d, s, e: int.from_bytes(d[s:e], "little")
        return lambda d, s, e: str(int.from_bytes(d[s:e], "little"))
    if issubclass(typ, (ByteVector, ByteList, Bitvector, Bitlist)):
        return lambda d, s, e: "0x" + d[s:e].hex()
    if issubclass(typ, Container):
        return _container_parser(typ, int_bits)
    if issubclass(typ, (List, Vector)):
        return _sequence_parser(typ, int_bits)
    raise TypeError(f"cannot convert a {type_name(typ)} to a plain value")


def _container_parser(typ, int_bits):
    parts, pos = [], 0
    for name, ftyp in typ.fields().items():
        size = plan_for(ftyp).fixed_size
        parts.append((name, pos, size, _parser(ftyp, int_bits)))
        pos += OFFSET_SIZE if size is None else size

    def parse_container(d, s, e):
        # Offsets first, so each variable field knows where the next one starts.
        offs = [s + int.from_bytes(d[s + p:s + p + OFFSET_SIZE], "little")
                for (_, p, size, _) in parts if size is None] + [e]
        out, k = {}, 0
        for name, p, size, fn in parts:
            if size is None:
                out[name] = fn(d, offs[k], offs[k + 1])
                k += 1
            else:
                out[name] = fn(d, s + p, s + p + size)
        return out
    return parse_container


def _sequence_parser(typ, int_bits):
    etyp = typ.element_cls()
    fn, esize = _parser(etyp, int_bits), plan_for(etyp).fixed_size
    if issubclass(etyp, uint) and esize in _STRUCT_CODES and esize * 8 <= int_bits:
        code = _STRUCT_CODES[esize]
        return lambda d, s, e: list(struct.unpack_from(f"<{(e - s) // esize}{code}", d, s))
    if issubclass(etyp, boolean):
        return lambda d, s, e: [b == 1 for b in d[s:e]]
    if esize is not None:
        return lambda d, s, e: [fn(d, p, p + esize) for p in range(s, e, esize)]

    def parse_items(d, s, e):
        if e == s:
            return []
        count = int.from_bytes(d[s:s + OFFSET_SIZE], "little") // OFFSET_SIZE
        offs = [s + o for o in struct.unpack_from(f"<{count}I", d, s)] + [e]
        return [fn(d, offs[i], offs[i + 1]) for i in range(count)]
    return parse_items

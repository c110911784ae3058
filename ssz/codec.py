"""SSZ encoding and strict decoding over remerkleable types.

Every decode of untrusted bytes in the node goes through `decode`, which raises
`SSZDecodeError` (never another exception type) for malformed input:

    bytes --ssz.strict.validate--> checked bytes --ssz.backing--> tree --> view

`validate` rejects everything remerkleable 0.1.28 would accept leniently (see
ssz/strict.py); `ssz.backing` then builds the tree without remerkleable's slow
per-element constructors. Bytes-like and basic types use remerkleable's own decoder.
`encode` is the inverse, reading bytes from the tree (ssz/emit.py); both are about
10x faster than remerkleable's own `decode_bytes`/`encode_bytes` on a large state.
"""
from __future__ import annotations

from remerkleable.basic import boolean, uint
from remerkleable.byte_arrays import RawBytesView

from ssz.backing import builder_for
from ssz.emit import emitter_for
from ssz.errors import SSZDecodeError
from ssz.strict import type_name, validate

__all__ = ["SSZDecodeError", "decode", "encode"]

# Types remerkleable decodes with one constructor call, no tree to build.
_SIMPLE = (boolean, uint, RawBytesView)


def decode(typ, data):
    """Decode `data` as `typ`, accepting only its exact canonical encoding.

    Args:
        typ: a remerkleable view type (container, list, vector, bitfield, bytes, uint).
        data: bytes, bytearray or memoryview.
    Raises:
        SSZDecodeError: for any malformed input, naming the type, path and reason.
        TypeError: when `data` is not bytes-like (a programming error, not bad input).
    """
    if not isinstance(data, bytes):
        if not isinstance(data, (bytearray, memoryview)):
            raise TypeError(f"decode needs bytes, got {type(data).__name__}")
        data = bytes(data)
    checked = validate(typ, data)
    try:
        build = builder_for(typ) if checked and not issubclass(typ, _SIMPLE) else None
        value = typ.decode_bytes(data) if build is None else typ.view_from_backing(build(data, 0, len(data)))
    except SSZDecodeError:
        raise
    except Exception as e:  # noqa: BLE001 - remerkleable raises bare Exception/ValueError/IndexError
        raise SSZDecodeError(f"{type(e).__name__}: {e}", type_name(typ), (), type_name(typ)) from None
    if not checked and value.encode_bytes() != data:
        # A kind of type ssz.strict has no checker for: canonical means it re-encodes the same.
        raise SSZDecodeError("not the canonical encoding (re-encoding differs)", type_name(typ),
                             (), type_name(typ))
    return value


def encode(obj) -> bytes:
    """The SSZ bytes of a view, read straight from its tree (see ssz/emit.py)."""
    typ = type(obj)
    emit = None if isinstance(obj, _SIMPLE) else emitter_for(typ)
    if emit is None:
        return obj.encode_bytes()
    return emit(obj.get_backing())

"""SSZ encoding and strict decoding over remerkleable types.

Every decode of untrusted bytes in the node goes through `decode`, which raises
`SSZDecodeError` (never another exception type) for malformed input.
"""
from __future__ import annotations


class SSZDecodeError(ValueError):
    """Bytes that are not a valid SSZ encoding of the expected type."""


def decode(typ, data: bytes):
    """Decode `data` as `typ`, rejecting anything but its exact canonical encoding."""
    try:
        return typ.decode_bytes(bytes(data))
    except SSZDecodeError:
        raise
    except Exception as e:  # remerkleable raises a mix of ValueError, Exception, IndexError
        raise SSZDecodeError(f"invalid {getattr(typ, '__name__', typ)}: {e}") from None


def encode(obj) -> bytes:
    return obj.encode_bytes()

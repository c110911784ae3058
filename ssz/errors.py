"""Typed errors of the ssz package.

`SSZDecodeError` carries structured fields (the top type, the path to the offending
part, that part's type and the reason) so logs and peer scoring can use them without
parsing the message.
"""
from __future__ import annotations


class SSZDecodeError(ValueError):
    """Bytes that are not the canonical SSZ encoding of the expected type.

    Attributes:
        type_name: the type decoding was asked for (e.g. "BeaconBlock").
        path: field names and list indices from that type to the offending part.
        part_type: the type name of the offending part.
        reason: what is wrong, in words.
    """

    def __init__(self, reason: str, part_type: str = "", path: tuple = (), type_name: str = ""):
        self.reason = reason
        self.part_type = part_type
        self.path = tuple(path)
        self.type_name = type_name
        super().__init__(self._message())

    def _message(self) -> str:
        where = format_path(self.path)
        head = self.type_name or self.part_type or "SSZ value"
        if where:
            part = f" ({self.part_type})" if self.part_type else ""
            return f"invalid {head}: at {where}{part}: {self.reason}"
        return f"invalid {head}: {self.reason}"

    def within(self, segment, type_name: str = "") -> "SSZDecodeError":
        """The same error seen from one level up: `segment` is prepended to the path."""
        return SSZDecodeError(self.reason, self.part_type, (segment,) + self.path,
                              type_name or self.type_name)

    def __reduce__(self):
        return (SSZDecodeError, (self.reason, self.part_type, self.path, self.type_name))


class SSZValueError(ValueError):
    """A plain Python value (from YAML/JSON) that does not fit the expected SSZ type.

    Attributes:
        path: field names and list indices from the top value to the offending part.
        reason: what is wrong, in words.
    """

    def __init__(self, reason: str, path: tuple = (), type_name: str = ""):
        self.reason = reason
        self.path = tuple(path)
        self.type_name = type_name
        where = format_path(self.path)
        head = f"invalid {type_name} value" if type_name else "invalid value"
        super().__init__(f"{head}: at {where}: {reason}" if where else f"{head}: {reason}")

    def within(self, segment, type_name: str = "") -> "SSZValueError":
        return SSZValueError(self.reason, (segment,) + self.path, type_name or self.type_name)

    def __reduce__(self):
        return (SSZValueError, (self.reason, self.path, self.type_name))


def format_path(path: tuple) -> str:
    """`("body", "attestations", 3, "data")` -> `body.attestations[3].data`."""
    out = ""
    for seg in path:
        if isinstance(seg, int):
            out += f"[{seg}]"
        else:
            out += f".{seg}" if out else str(seg)
    return out

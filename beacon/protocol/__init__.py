"""The fork axis: types, transition, signing and wire names looked up by protocol.

    from beacon.protocol import get_protocol
    protocol = get_protocol("v0.8.4")    # or DEFAULT
    T = protocol.types(config)           # (preset, protocol) -> containers

See base.py for what a `Protocol` holds and which code sits behind it.
"""
from beacon.protocol.base import Protocol
from beacon.protocol.v084 import V084

PROTOCOLS = {p.name: p for p in (V084,)}
# What the node, the CLI and the spec tests run when nobody names a protocol.
DEFAULT = V084


def get_protocol(name: str | None = None) -> Protocol:
    """The protocol called `name` (DEFAULT when None).

    Raises:
        KeyError: an unknown name; the message lists the known ones.
    """
    if name is None:
        return DEFAULT
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise KeyError(f"unknown protocol {name!r}; known: {', '.join(PROTOCOLS)}") from None


__all__ = ["DEFAULT", "PROTOCOLS", "Protocol", "V084", "get_protocol"]

"""ssz:<Type>: the strict decoder (`ssz.codec.decode`) of every phase0 type and p2p message.

Documented error: `SSZDecodeError` only. Whatever decodes must re-encode to the same
bytes with our encoder (and remerkleable's, for inputs up to 512 bytes), survive the plain (YAML/JSON) form
both ways (ssz/plain.py), and hash. Types come from the minimal preset (the one the
seeds are for); the mainnet types differ only in limits.
"""
from __future__ import annotations

from fuzz.common import SSZ_STATIC, Target, ssz_static_seeds

# p2p/messages.py containers, not in ssz_static; seeded with hand-made values.
P2P_TYPES = ("Status", "Hello", "BeaconBlocksRequest")


def _resolve(type_name: str):
    if type_name in P2P_TYPES:
        import p2p.messages
        return getattr(p2p.messages, type_name)
    from beacon.config import minimal
    from beacon.protocol import DEFAULT
    return DEFAULT.type_by_name(minimal, type_name)


def check_roundtrip(typ, data: bytes) -> None:
    """The assertions every decoder target shares, for bytes that decoded as `typ`."""
    from ssz.codec import decode, encode
    from ssz.plain import parse, serialize
    value = decode(typ, data)
    assert encode(value) == data, "decodes but re-encodes differently"
    if len(data) <= 512:  # remerkleable's encoder is ~5x slower than ours: small ones only
        assert bytes(value.encode_bytes()) == data, "remerkleable's encoding differs"
    assert serialize(typ, parse(typ, data)) == data, "the plain form does not round-trip"
    value.hash_tree_root()


def _make(type_name: str):
    def make():
        from ssz.codec import SSZDecodeError, decode
        typ = _resolve(type_name)

        def one(data: bytes) -> None:
            try:
                decode(typ, data)
            except SSZDecodeError:
                return
            check_roundtrip(typ, data)
        return one
    return make


def _seeds(type_name: str):
    def seeds():
        if type_name in P2P_TYPES:
            return [bytes(84), b"\x01" * 84, bytes(56), (1).to_bytes(8, "little") * 7]
        return ssz_static_seeds(type_name)
    return seeds


def type_names() -> list[str]:
    static = sorted(p.name for p in SSZ_STATIC.iterdir()) if SSZ_STATIC.is_dir() else []
    return static + list(P2P_TYPES)


def targets() -> list[Target]:
    out = []
    for name in type_names():
        seeds = _seeds(name)
        biggest = max((len(s) for s in seeds()), default=0)
        out.append(Target(f"ssz:{name}", _make(name), seeds, max(4096, biggest + 1024)))
    return out

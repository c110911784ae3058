"""The interface both BLS backends implement, and the caches they share.

A backend works on its own point objects. `beacon.bls` decodes bytes to points through
the cached `pubkey_point` / `hash_point`, aggregates in point form and hands the
pairing equation to `pairing_check`. What `hash_point` returns is backend-private:
the pure backend keeps H2 * P, the native one h_eff * P and compensates in
`pairing_check` (see native.py); only `hash_to_g2_affine` gives the v0.8 value.
"""
from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from typing import Any, Sequence

from beacon.bls.errors import BLSError, InvalidPrivateKey
from beacon.bls.fields import R, Fq2

Point = Any

# Decompressing a pubkey costs a subgroup check (~75 us native, ~30 ms pure). 2^17
# entries hold a v0.8-era validator set in roughly 50 MB.
PUBKEY_CACHE_SIZE = 1 << 17
# Attestations of one slot share a handful of messages.
HASH_CACHE_SIZE = 1 << 12


def check_privkey(privkey: int) -> int:
    """Raises InvalidPrivateKey unless 0 < privkey < r."""
    if not isinstance(privkey, int) or isinstance(privkey, bool) or not 0 < privkey < R:
        raise InvalidPrivateKey("private key must be an int in [1, r)")
    return privkey


class Backend(ABC):
    name: str

    def __init__(self) -> None:
        self.pubkey_point = functools.lru_cache(maxsize=PUBKEY_CACHE_SIZE)(self._pubkey_or_none)
        self.hash_point = functools.lru_cache(maxsize=HASH_CACHE_SIZE)(self._hash_point)

    def _pubkey_or_none(self, data: bytes) -> Point | None:
        # None (not an exception) so that repeated invalid keys are cached too.
        try:
            return self.decode_g1(data)
        except BLSError:
            return None

    def clear_caches(self) -> None:
        self.pubkey_point.cache_clear()
        self.hash_point.cache_clear()

    @abstractmethod
    def _hash_point(self, message_hash: bytes, domain: bytes) -> Point:
        """The point `pairing_check` pairs pubkeys with for this message."""

    @abstractmethod
    def hash_to_g2_affine(self, message_hash: bytes, domain: bytes) -> tuple[Fq2, Fq2]:
        """The v0.8 hash_to_G2 as affine ((x_re, x_im), (y_re, y_im))."""

    @abstractmethod
    def privtopub(self, privkey: int) -> bytes: ...

    @abstractmethod
    def sign(self, message_hash: bytes, privkey: int, domain: bytes) -> bytes: ...

    @abstractmethod
    def decode_g1(self, data: bytes) -> Point:
        """Raises DecodeError unless `data` is a valid compressed G1 subgroup point."""

    @abstractmethod
    def decode_g2(self, data: bytes) -> Point:
        """Raises DecodeError unless `data` is a valid compressed G2 subgroup point."""

    @abstractmethod
    def encode_g1(self, point: Point) -> bytes: ...

    @abstractmethod
    def encode_g2(self, point: Point) -> bytes: ...

    @abstractmethod
    def g1_sum(self, points: Sequence[Point]) -> Point: ...

    @abstractmethod
    def g2_sum(self, points: Sequence[Point]) -> Point: ...

    @abstractmethod
    def is_g1_identity(self, point: Point) -> bool: ...

    @abstractmethod
    def pairing_check(self, pubkeys: Sequence[Point], hashes: Sequence[Point],
                      signature: Point) -> bool:
        """prod e(pubkeys[i], hashes[i]) == e(g, signature), hashes from `hash_point`."""

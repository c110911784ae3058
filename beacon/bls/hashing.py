"""The v0.8 `hash_to_G2` (bls_signature.md), up to but not including cofactor clearing.

    x = sha256(message_hash ++ domain ++ 0x01) + i * sha256(message_hash ++ domain ++ 0x02)
    while x^3 + 4(1 + i) is not a square in Fq2: x += 1
    y = the favoured square root (larger imaginary part, then larger real part)
    result = H2 * (x, y)

The domain enters as its raw 8 bytes. `candidates` yields the x sequence for both
backends; the pure backend takes square roots here, the native one lets arkworks'
point decompression do it (the a_flag of a compressed point selects the same root).
"""
from __future__ import annotations

from hashlib import sha256
from typing import Iterator

from beacon.bls.errors import InvalidInput
from beacon.bls.fields import B2, Q, Fq2, fq2_add, fq2_mul, fq2_sqr, fq2_sqrt_larger

# Each step succeeds with probability about 1/2, so this bound is never reached
# (2^-256); it only keeps the loop provably finite.
_MAX_TRIES = 256


def check_domain(domain: bytes) -> bytes:
    """`domain` as bytes. Raises InvalidInput unless it is 8 bytes long."""
    domain = bytes(domain)
    if len(domain) != 8:
        raise InvalidInput(f"domain must be 8 bytes, got {len(domain)}")
    return domain


def check_message(message_hash: bytes, domain: bytes) -> tuple[bytes, bytes]:
    """Both inputs as bytes, after checking their lengths.

    Raises:
        InvalidInput: message_hash is not 32 bytes or domain is not 8 bytes.
    """
    message_hash = bytes(message_hash)
    if len(message_hash) != 32:
        raise InvalidInput(f"message hash must be 32 bytes, got {len(message_hash)}")
    return message_hash, check_domain(domain)


def candidates(message_hash: bytes, domain: bytes) -> Iterator[Fq2]:
    """The candidate x coordinates of try-and-increment, in order."""
    seed = message_hash + domain
    x_re = int.from_bytes(sha256(seed + b"\x01").digest(), "big")
    x_im = int.from_bytes(sha256(seed + b"\x02").digest(), "big")
    for _ in range(_MAX_TRIES):
        yield (x_re, x_im)
        x_re = (x_re + 1) % Q
    raise AssertionError("hash_to_G2 found no point in 256 tries")  # pragma: no cover


def map_to_curve(message_hash: bytes, domain: bytes) -> tuple[Fq2, Fq2]:
    """The affine point (x, y) of E'(Fq2) before multiplication by the cofactor."""
    for x in candidates(message_hash, domain):
        y = fq2_sqrt_larger(fq2_add(fq2_mul(fq2_sqr(x), x), B2))
        if y is not None:
            return x, y
    raise AssertionError("unreachable")  # pragma: no cover

"""Strict (de)serialisation of compressed points, as bls_signature.md "Point representations".

A compressed G1 point is 48 bytes: flags c (compressed, must be 1), b (infinity) and a
(y sign) in the top three bits of a 381-bit x. A G2 point is two such words, z1 carrying
the flags and the imaginary part of x, z2 the real part with all flags clear. The flag
and range rules live here, in Python, so both backends reject exactly the same bytes;
the backends add the on-curve and subgroup checks.
"""
from __future__ import annotations

from beacon.bls.errors import DecodeError
from beacon.bls.fields import Q, Fq2, fq2_is_larger

_C_FLAG = 1 << 383
_B_FLAG = 1 << 382
_A_FLAG = 1 << 381
_X_MASK = _A_FLAG - 1

G1_INFINITY = (_C_FLAG | _B_FLAG).to_bytes(48, "big")
G2_INFINITY = G1_INFINITY + bytes(48)


def parse_g1(data: bytes) -> tuple[int, bool] | None:
    """(x, a_flag) of a compressed G1 point, or None for the point at infinity.

    Raises:
        DecodeError: wrong length, flags or x >= q.
    """
    if len(data) != 48:
        raise DecodeError(f"G1 point must be 48 bytes, got {len(data)}")
    z = int.from_bytes(data, "big")
    if not z & _C_FLAG:
        raise DecodeError("G1 point without the compression flag")
    x = z & _X_MASK
    if z & _B_FLAG:
        if z & _A_FLAG or x:
            raise DecodeError("G1 infinity with a sign flag or a non-zero x")
        return None
    if x >= Q:
        raise DecodeError("G1 x coordinate not below the field modulus")
    return x, bool(z & _A_FLAG)


def parse_g2(data: bytes) -> tuple[Fq2, bool] | None:
    """((x_re, x_im), a_flag) of a compressed G2 point, or None for infinity.

    Raises:
        DecodeError: wrong length, flags or a coordinate >= q.
    """
    if len(data) != 96:
        raise DecodeError(f"G2 point must be 96 bytes, got {len(data)}")
    z1 = int.from_bytes(data[:48], "big")
    z2 = int.from_bytes(data[48:], "big")
    if z2 >= Q:  # also catches any flag bit set in z2
        raise DecodeError("G2 z2 has flags set or x_re not below the field modulus")
    if not z1 & _C_FLAG:
        raise DecodeError("G2 point without the compression flag")
    x_im = z1 & _X_MASK
    if z1 & _B_FLAG:
        if z1 & _A_FLAG or x_im or z2:
            raise DecodeError("G2 infinity with a sign flag or a non-zero x")
        return None
    if x_im >= Q:
        raise DecodeError("G2 x_im not below the field modulus")
    return (z2, x_im), bool(z1 & _A_FLAG)


def compress_g1(x: int, y: int) -> bytes:
    """Compressed form of the affine G1 point (x, y)."""
    z = _C_FLAG | x
    if 2 * y > Q:
        z |= _A_FLAG
    return z.to_bytes(48, "big")


def compress_g2(x: Fq2, y: Fq2) -> bytes:
    """Compressed form of the affine G2 point (x, y), both as (re, im)."""
    z1 = _C_FLAG | x[1]
    if fq2_is_larger(y):
        z1 |= _A_FLAG
    return z1.to_bytes(48, "big") + x[0].to_bytes(48, "big")

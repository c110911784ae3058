"""Native backend on py-arkworks-bls12381 (Rust arkworks): curve ops and pairings in C speed.

Hashing. Try-and-increment runs through arkworks' unchecked G2 decompression: a candidate
x with the a_flag set decompresses exactly when x^3 + 4(1 + i) is a square, to the root
the v0.8 `modular_squareroot` favours. Clearing the cofactor by the 507-bit H2 is the
slow part, so the cached hash point is h_eff * P instead (IETF's Budroni-Pintore
formula: two 64-bit multiplications and the psi endomorphism, valid on all of E'(Fq2)).
Since h_eff = c * H2 with c = 3(z^2 - 1) prime to r:

    prod e(pk_i, H2 P_i) == e(g, S)   <=>   prod e(pk_i, h_eff P_i) * e(-c g, S) == 1

(raise both sides to c), so verification pairs with a precomputed -c*g and never needs
H2 * P; signing multiplies h_eff * P by k / c mod r. Both rely on arkworks' G2
multiplication being plain double-and-add on points outside G2, which `self_test`
checks against official vectors before the backend is used.
"""
from __future__ import annotations

from typing import Sequence

from py_arkworks_bls12381 import G1Point, G2Point, GT, Scalar

from beacon.bls.backend import Backend, Point, check_privkey
from beacon.bls.encoding import parse_g1, parse_g2
from beacon.bls.errors import BackendUnavailable, DecodeError
from beacon.bls.fields import H_EFF_FACTOR, H_EFF_TO_H2, R, Z, Fq2, psi
from beacon.bls.hashing import candidates

_ABS_Z = Scalar(-Z)
_G1 = G1Point()
_NEG_C_G1 = -(_G1 * Scalar(H_EFF_FACTOR % R))
_G1_IDENTITY = G1Point.identity()
_G2_IDENTITY = G2Point.identity()
_H2_FROM_HEFF = Scalar(H_EFF_TO_H2)
_COMPRESSED_LARGER_Y = 0xA0  # c_flag | a_flag in the top byte of z1


def _affine(point: G2Point) -> tuple[Fq2, Fq2]:
    b = point.to_xy_bytes_be()
    x0, x1, y0, y1 = (int.from_bytes(b[i:i + 48], "big") for i in range(0, 192, 48))
    return (x0, x1), (y0, y1)


def _from_affine(x: Fq2, y: Fq2) -> G2Point:
    return G2Point.from_xy_bytes_unchecked_be(
        b"".join(c.to_bytes(48, "big") for c in (x[0], x[1], y[0], y[1])))


def _map_to_curve(message_hash: bytes, domain: bytes) -> G2Point:
    for x_re, x_im in candidates(message_hash, domain):
        data = bytearray(x_im.to_bytes(48, "big") + x_re.to_bytes(48, "big"))
        data[0] |= _COMPRESSED_LARGER_Y
        try:
            return G2Point.from_compressed_bytes_unchecked(bytes(data))
        except ValueError:  # x^3 + b is not a square: try x + 1
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _clear_cofactor_heff(p: G2Point) -> G2Point:
    """h_eff * p = (z^2 - z - 1) p + (z - 1) psi(p) + 2 psi^2(p), z negative."""
    x, y = _affine(p)
    x1, y1 = psi(x, y)
    psi_p = _from_affine(x1, y1)
    psi2_p = _from_affine(*psi(x1, y1))
    t1 = -(p * _ABS_Z)                  # z p
    t2 = -((t1 + psi_p) * _ABS_Z)       # z (z p + psi p)
    return t2 + psi2_p + psi2_p - psi_p - t1 - p


class NativeBackend(Backend):
    name = "native"

    def _hash_point(self, message_hash: bytes, domain: bytes) -> Point:
        return _clear_cofactor_heff(_map_to_curve(message_hash, domain))

    def hash_to_g2_affine(self, message_hash: bytes, domain: bytes) -> tuple[Fq2, Fq2]:
        return _affine(self.hash_point(message_hash, domain) * _H2_FROM_HEFF)

    def privtopub(self, privkey: int) -> bytes:
        return (_G1 * Scalar(check_privkey(privkey))).to_compressed_bytes()

    def sign(self, message_hash: bytes, privkey: int, domain: bytes) -> bytes:
        scalar = Scalar(check_privkey(privkey) * H_EFF_TO_H2 % R)
        return (self.hash_point(message_hash, domain) * scalar).to_compressed_bytes()

    def decode_g1(self, data: bytes) -> Point:
        # Flags and ranges first: arkworks reads any set b_flag as infinity.
        if parse_g1(data) is None:
            return _G1_IDENTITY
        try:
            return G1Point.from_compressed_bytes(data)
        except ValueError as e:
            raise DecodeError(f"invalid G1 point: {e}") from None

    def decode_g2(self, data: bytes) -> Point:
        if parse_g2(data) is None:
            return _G2_IDENTITY
        try:
            return G2Point.from_compressed_bytes(data)
        except ValueError as e:
            raise DecodeError(f"invalid G2 point: {e}") from None

    def encode_g1(self, point: Point) -> bytes:
        return point.to_compressed_bytes()

    def encode_g2(self, point: Point) -> bytes:
        return point.to_compressed_bytes()

    def g1_sum(self, points: Sequence[Point]) -> Point:
        acc = _G1_IDENTITY
        for p in points:
            acc = acc + p
        return acc

    def g2_sum(self, points: Sequence[Point]) -> Point:
        acc = _G2_IDENTITY
        for p in points:
            acc = acc + p
        return acc

    def is_g1_identity(self, point: Point) -> bool:
        return point == _G1_IDENTITY

    def pairing_check(self, pubkeys: Sequence[Point], hashes: Sequence[Point],
                      signature: Point) -> bool:
        return GT.pairing_check([*pubkeys, _NEG_C_G1], [*hashes, signature])


# Known answers from the official v0.8.4 vectors (msg_hash_compressed and sign_msg).
_KAT_HASH = (bytes(32), bytes(8), bytes.fromhex(
    "a6ef29e7241e1a1cc60fee328e3290c023d55a6701db500eefab7f91391a8b87"
    "26fd0024121e64637281f907137fe268187b4baca36388e96194b73a7d532f6e"
    "ea6bc098778dbfd3404584613b5ba9da97d5602e31fdbe9270b863876529b254"))
_KAT_SIGN = (0x47B8192D77BF871B62E87859D653922725724A5C031AFEABC60BCEF5FF665138,
             bytes(32), bytes.fromhex("0123456789abcdef"), bytes.fromhex(
    "91070f6745db83c52cd007d1dd884bbd89e1d2e2ee755f2736c9bf057a20994b"
    "1e793284fe121ffc3d79dbf0d3b4a1621844aa56012c79a3d37ad1d40d2da58b"
    "a72317798c84ea238051a92e3f140a454ccf3e1c89d439cc58f50ec8abd74660"))


def self_test(backend: NativeBackend) -> None:
    """Known-answer test of hashing, cofactor clearing, signing and verifying.

    Raises:
        BackendUnavailable: the wheel computes something else than the v0.8 scheme
            (e.g. a GLV multiplication that is wrong outside G2).
    """
    message, domain, expected = _KAT_HASH
    x, y = backend.hash_to_g2_affine(message, domain)
    if _from_affine(x, y).to_compressed_bytes() != expected:
        raise BackendUnavailable("native hash_to_G2 known-answer test failed")
    privkey, message, domain, expected = _KAT_SIGN
    if backend.sign(message, privkey, domain) != expected:
        raise BackendUnavailable("native sign known-answer test failed")
    pubkey = backend.decode_g1(backend.privtopub(privkey))
    signature = backend.decode_g2(expected)
    if not backend.pairing_check([pubkey], [backend.hash_point(message, domain)], signature):
        raise BackendUnavailable("native pairing check rejects a valid signature")
    if backend.pairing_check([pubkey], [backend.hash_point(message, bytes(8))], signature):
        raise BackendUnavailable("native pairing check accepts a wrong domain")
    backend.clear_caches()


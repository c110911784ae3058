"""Pure-Python backend on py_ecc's optimized_bls12_381 primitives.

py_ecc 8 dropped the v0.8 API, so hashing, compression and the verification equation
are written here over its curve and pairing functions. It is the slow reference the
native backend is checked against (tens of milliseconds per operation), and the
fallback when the arkworks wheel is missing. It computes everything the spec's way:
H2 * P by plain scalar multiplication and subgroup membership as r * P == O.
"""
from __future__ import annotations

from typing import Sequence

from py_ecc.optimized_bls12_381 import (
    FQ, FQ2, FQ12, G1, Z1, Z2, add, final_exponentiate, is_inf, multiply, neg, normalize,
)
from py_ecc.optimized_bls12_381.optimized_pairing import pairing

from beacon.bls.backend import Backend, Point, check_privkey
from beacon.bls.encoding import (
    G1_INFINITY, G2_INFINITY, compress_g1, compress_g2, parse_g1, parse_g2,
)
from beacon.bls.errors import DecodeError
from beacon.bls.fields import (
    B1, B2, H2, Q, R, Fq2, fq2_add, fq2_is_larger, fq2_mul, fq2_neg, fq2_sqr, fq2_sqrt, fq_sqrt,
)
from beacon.bls.hashing import map_to_curve

_NEG_G1 = neg(G1)


def _g2_point(x: Fq2, y: Fq2) -> Point:
    return (FQ2([x[0], x[1]]), FQ2([y[0], y[1]]), FQ2.one())


def _g2_affine(point: Point) -> tuple[Fq2, Fq2]:
    x, y = normalize(point)
    return (int(x.coeffs[0]), int(x.coeffs[1])), (int(y.coeffs[0]), int(y.coeffs[1]))


class PureBackend(Backend):
    name = "pure"

    def _hash_point(self, message_hash: bytes, domain: bytes) -> Point:
        return multiply(_g2_point(*map_to_curve(message_hash, domain)), H2)

    def hash_to_g2_affine(self, message_hash: bytes, domain: bytes) -> tuple[Fq2, Fq2]:
        return _g2_affine(self.hash_point(message_hash, domain))

    def privtopub(self, privkey: int) -> bytes:
        return self.encode_g1(multiply(G1, check_privkey(privkey)))

    def sign(self, message_hash: bytes, privkey: int, domain: bytes) -> bytes:
        return self.encode_g2(multiply(self.hash_point(message_hash, domain),
                                       check_privkey(privkey)))

    def decode_g1(self, data: bytes) -> Point:
        parsed = parse_g1(data)
        if parsed is None:
            return Z1
        x, a_flag = parsed
        y = fq_sqrt((x * x * x + B1) % Q)
        if y is None:
            raise DecodeError("G1 x is not on the curve")
        if (2 * y > Q) != a_flag:
            y = Q - y
        point = (FQ(x), FQ(y), FQ.one())
        if not is_inf(multiply(point, R)):
            raise DecodeError("G1 point not in the prime-order subgroup")
        return point

    def decode_g2(self, data: bytes) -> Point:
        parsed = parse_g2(data)
        if parsed is None:
            return Z2
        x, a_flag = parsed
        y = fq2_sqrt(fq2_add(fq2_mul(fq2_sqr(x), x), B2))
        if y is None:
            raise DecodeError("G2 x is not on the curve")
        if fq2_is_larger(y) != a_flag:
            y = fq2_neg(y)
        point = _g2_point(x, y)
        if not is_inf(multiply(point, R)):
            raise DecodeError("G2 point not in the prime-order subgroup")
        return point

    def encode_g1(self, point: Point) -> bytes:
        if is_inf(point):
            return G1_INFINITY
        x, y = normalize(point)
        return compress_g1(int(x), int(y))

    def encode_g2(self, point: Point) -> bytes:
        if is_inf(point):
            return G2_INFINITY
        return compress_g2(*_g2_affine(point))

    def g1_sum(self, points: Sequence[Point]) -> Point:
        acc = Z1
        for p in points:
            acc = add(acc, p)
        return acc

    def g2_sum(self, points: Sequence[Point]) -> Point:
        acc = Z2
        for p in points:
            acc = add(acc, p)
        return acc

    def is_g1_identity(self, point: Point) -> bool:
        return is_inf(point)

    def pairing_check(self, pubkeys: Sequence[Point], hashes: Sequence[Point],
                      signature: Point) -> bool:
        # One final exponentiation for the whole product of Miller loops.
        f = pairing(signature, _NEG_G1, final_exponentiate=False)
        for pk, h in zip(pubkeys, hashes, strict=True):
            f = f * pairing(h, pk, final_exponentiate=False)
        return final_exponentiate(f) == FQ12.one()


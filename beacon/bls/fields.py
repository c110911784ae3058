"""BLS12-381 constants and the little Fq / Fq2 arithmetic the v0.8 scheme needs in Python.

Field elements are plain ints mod `Q`; an Fq2 element `a0 + a1*i` (i^2 = -1) is the tuple
`(a0, a1)`. Both backends share this module: the pure backend for decompression and
try-and-increment, the native one for the psi endomorphism used in cofactor clearing.
Python's built-in `pow` does the exponentiations in C, which is why square roots go
through Fq (the "complex method") instead of an Fq2 exponentiation written in Python.
"""
from __future__ import annotations

Fq2 = tuple[int, int]

Q = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB
R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
# The BLS parameter; negative for BLS12-381.
Z = -0xD201000000010000
# The G2 cofactor used by the v0.8 hash_to_G2 (`G2_cofactor` in bls_signature.md).
H2 = 305502333931268344200999753193121504214466019254188142667664032982267604182971884026507427359259977847832272839041616661285803823378372096355777062779109
# IETF's effective cofactor h_eff = H2 * 3(z^2 - 1); 3(z^2 - 1) is prime to R, so
# H2 * P == H_EFF_TO_H2 * (h_eff * P) for every P on E'(Fq2): h_eff * P lies in G2.
H_EFF_FACTOR = 3 * (Z * Z - 1)
H_EFF_TO_H2 = pow(H_EFF_FACTOR, -1, R)

B1 = 4
B2: Fq2 = (4, 4)  # the twist E': y^2 = x^3 + 4(1 + i)

G1_X = 0x17F1D3A73197D7942695638C4FA9AC0FC3688C4F9774B905A14E3A3F171BAC586C55E83FF97A1AEFFB3AF00ADB22C6BB
G1_Y = 0x08B3F481E3AAA0F1A09E30ED741D8AE4FCF5E095D5D00AF600DB18CB2C04B3EDD03CC744A2888AE40CAA232946C5E7E1

_SQRT_EXP = (Q + 1) // 4  # Q = 3 mod 4
_INV2 = pow(2, -1, Q)


def fq_sqrt(a: int) -> int | None:
    """A square root of `a` in Fq, or None when `a` is not a square."""
    s = pow(a, _SQRT_EXP, Q)
    return s if s * s % Q == a % Q else None


def fq2_add(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] + b[0]) % Q, (a[1] + b[1]) % Q)


def fq2_neg(a: Fq2) -> Fq2:
    return (-a[0] % Q, -a[1] % Q)


def fq2_mul(a: Fq2, b: Fq2) -> Fq2:
    t0 = a[0] * b[0]
    t1 = a[1] * b[1]
    return ((t0 - t1) % Q, ((a[0] + a[1]) * (b[0] + b[1]) - t0 - t1) % Q)


def fq2_sqr(a: Fq2) -> Fq2:
    return ((a[0] + a[1]) * (a[0] - a[1]) % Q, 2 * a[0] * a[1] % Q)


def fq2_inv(a: Fq2) -> Fq2:
    n_inv = pow(a[0] * a[0] + a[1] * a[1], -1, Q)
    return (a[0] * n_inv % Q, -a[1] * n_inv % Q)


def fq2_pow(a: Fq2, e: int) -> Fq2:
    result: Fq2 = (1, 0)
    for bit in bin(e)[2:]:
        result = fq2_sqr(result)
        if bit == "1":
            result = fq2_mul(result, a)
    return result


def fq2_conj(a: Fq2) -> Fq2:
    return (a[0], -a[1] % Q)


def fq2_sqrt(a: Fq2) -> Fq2 | None:
    """A square root of `a` in Fq2 (either sign), or None when `a` is not a square.

    `a` is a square in Fq2 exactly when its norm a0^2 + a1^2 is a square in Fq.
    """
    a0, a1 = a[0] % Q, a[1] % Q
    if a1 == 0:
        s = fq_sqrt(a0)
        if s is not None:
            return (s, 0)
        # -1 is a non-square (Q = 3 mod 4), so -a0 is a square here: sqrt(a0) = i*sqrt(-a0).
        return (0, fq_sqrt(-a0 % Q))
    s = fq_sqrt(a0 * a0 + a1 * a1)
    if s is None:
        return None
    x0 = fq_sqrt((a0 + s) * _INV2 % Q)
    if x0 is None:
        x0 = fq_sqrt((a0 - s) * _INV2 % Q)
    x1 = a1 * pow(2 * x0, -1, Q) % Q
    return (x0, x1)


def fq2_is_larger(y: Fq2) -> bool:
    """True when y is the larger of {y, -y}: imaginary part first, then real part.

    This is the root `modular_squareroot` favours and the meaning of the a_flag of a
    compressed G2 point.
    """
    if y[1]:
        return 2 * y[1] > Q
    return 2 * y[0] > Q


def fq2_sqrt_larger(a: Fq2) -> Fq2 | None:
    """The v0.8 `modular_squareroot`: the favoured root of `a`, or None."""
    y = fq2_sqrt(a)
    if y is None:
        return None
    return y if fq2_is_larger(y) else fq2_neg(y)


# psi = untwist o Frobenius o twist, an endomorphism of the whole group E'(Fq2)
# (constants from the IETF hash-to-curve draft, clear_cofactor_bls12381_g2).
PSI_CX = fq2_inv(fq2_pow((1, 1), (Q - 1) // 3))
PSI_CY = fq2_inv(fq2_pow((1, 1), (Q - 1) // 2))


def psi(x: Fq2, y: Fq2) -> tuple[Fq2, Fq2]:
    """psi on an affine point of E'(Fq2)."""
    return fq2_mul(fq2_conj(x), PSI_CX), fq2_mul(fq2_conj(y), PSI_CY)

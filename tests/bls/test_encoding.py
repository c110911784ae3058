"""Strict decoding: every malformed point is rejected by both backends, and by verify*."""
from __future__ import annotations

import pytest

from beacon import bls
from beacon.bls.encoding import compress_g2
from beacon.bls.fields import B2, Q, fq2_add, fq2_mul, fq2_sqr, fq2_sqrt, fq_sqrt
from beacon.bls.hashing import map_to_curve
from tests.bls.conftest import DOMAIN, message

_KEY = 0x263DBD792F5B1BE47ED85F8938C0F29586AF0D3AC7B977F21C278FE1462040E3


def _with_top_byte(data: bytes, value: int) -> bytes:
    return bytes([value]) + data[1:]


def _first_x(is_valid) -> int:
    x = 1
    while not is_valid(x):
        x += 1
    return x


def _plus_q(data: bytes, offset: int) -> bytes:
    """`data` with the 381-bit x word at `offset` replaced by x + q (needs x + q < 2^381)."""
    word = int.from_bytes(data[offset:offset + 48], "big")
    x = word & ((1 << 381) - 1)
    assert x + Q < 1 << 381
    return data[:offset] + (word + Q).to_bytes(48, "big") + data[offset + 48:]


def _small_x(data: bytes) -> bool:
    return all(int.from_bytes(data[i:i + 48], "big") & ((1 << 381) - 1) < (1 << 381) - Q
               for i in range(0, len(data), 48))


def _g1_cases(pk: bytes) -> dict[str, bytes]:
    x_off_curve = _first_x(lambda x: fq_sqrt((x ** 3 + 4) % Q) is None)
    return {
        "no c_flag": _with_top_byte(pk, pk[0] & 0x7F),
        "b_flag with x": _with_top_byte(pk, pk[0] | 0x40),
        "infinity with a_flag": b"\xe0" + bytes(47),
        "infinity without c_flag": b"\x40" + bytes(47),
        "x == q": ((1 << 383) | Q).to_bytes(48, "big"),
        "x > q": ((1 << 383) | (Q + 5)).to_bytes(48, "big"),
        "x + q, same point mod q": _plus_q(pk, 0),
        "not on curve": ((1 << 383) | x_off_curve).to_bytes(48, "big"),
        # (0, 2) is on the curve but has order 3: the cofactor part only.
        "not in subgroup": ((1 << 383) | (1 << 381)).to_bytes(48, "big"),
        "too short": pk[:47],
        "too long": pk + b"\x00",
        "empty": b"",
    }


def _g2_cases(sig: bytes) -> dict[str, bytes]:
    def on_curve(x_re: int) -> bool:
        x = (x_re, 1)
        return fq2_sqrt(fq2_add(fq2_mul(fq2_sqr(x), x), B2)) is not None
    x_off = _first_x(lambda x: not on_curve(x))
    z1_flags = (1 << 383).to_bytes(48, "big")
    return {
        "no c_flag": _with_top_byte(sig, sig[0] & 0x7F),
        "b_flag with x": _with_top_byte(sig, sig[0] | 0x40),
        "infinity with a_flag": b"\xe0" + bytes(95),
        "infinity with x_re": b"\xc0" + bytes(94) + b"\x01",
        "flag in z2": sig[:48] + _with_top_byte(sig[48:], sig[48] | 0x80),
        "x_im == q": ((1 << 383) | Q).to_bytes(48, "big") + sig[48:],
        "x_re == q": sig[:48] + Q.to_bytes(48, "big"),
        "x_im + q, same point mod q": _plus_q(sig, 0),
        "x_re + q, same point mod q": _plus_q(sig, 48),
        "not on curve": ((1 << 383) | 1).to_bytes(48, "big") + x_off.to_bytes(48, "big"),
        # The try-and-increment point before cofactor clearing lies outside G2.
        "not in subgroup": compress_g2(*map_to_curve(message(9), DOMAIN)),
        "too short": sig[:95],
        "too long": sig + b"\x00",
        "z1 only": z1_flags,
    }


@pytest.fixture(scope="module")
def valid():
    """A key pair and signature whose x words are small enough for the x + q cases."""
    key, sig = _KEY, b""
    while not (_small_x(bls.privtopub(key)) and _small_x(sig := bls.sign(message(1), key, DOMAIN))):
        key += 1
    return bls.privtopub(key), sig


@pytest.mark.parametrize("backend", ["native", "pure"])
def test_malformed_pubkeys_rejected(backend, on_backend, valid):
    on_backend(backend)
    from beacon.bls import _backend
    pk, sig = valid
    for name, data in _g1_cases(pk).items():
        with pytest.raises(bls.DecodeError):
            _backend.decode_g1(data)
        assert not bls.verify(data, message(1), sig, DOMAIN), name
        assert not bls.fast_aggregate_verify([pk, data], message(1), sig, DOMAIN), name


@pytest.mark.parametrize("backend", ["native", "pure"])
def test_malformed_signatures_rejected(backend, on_backend, valid):
    on_backend(backend)
    from beacon.bls import _backend
    pk, _ = valid
    for name, data in _g2_cases(valid[1]).items():
        with pytest.raises(bls.DecodeError):
            _backend.decode_g2(data)
        assert not bls.verify(pk, message(1), data, DOMAIN), name


@pytest.mark.parametrize("backend", ["native", "pure"])
def test_valid_encodings_roundtrip(backend, on_backend, valid):
    on_backend(backend)
    from beacon.bls import _backend
    pk, sig = valid
    assert _backend.encode_g1(_backend.decode_g1(pk)) == pk
    assert _backend.encode_g2(_backend.decode_g2(sig)) == sig
    assert _backend.encode_g1(_backend.decode_g1(bls.G1_INFINITY)) == bls.G1_INFINITY
    assert _backend.encode_g2(_backend.decode_g2(bls.G2_INFINITY)) == bls.G2_INFINITY

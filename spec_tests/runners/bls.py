"""Runner for the `bls` format (test_formats/bls): six handlers, all in data.yaml.

Runs against whichever beacon.bls backend is active (`--bls-backend`). The
msg_hash_uncompressed outputs are homogeneous projective (X, Y, Z), each coordinate an
Fq2 as [re, im]; they are normalised to affine before comparing.
"""
from __future__ import annotations

from beacon import bls
from beacon.bls.encoding import compress_g2
from beacon.bls.fields import Fq2, fq2_inv, fq2_mul
from beacon.config import Config
from spec_tests.case import Case, CaseFailure


def _b(hex_str: str) -> bytes:
    if not hex_str.startswith("0x"):
        raise CaseFailure(f"malformed hex in vector: {hex_str!r}")
    return bytes.fromhex(hex_str[2:])


def _fq2(pair: list[str]) -> Fq2:
    return (int(pair[0], 16), int(pair[1], 16))


def _expect(actual, expected, what: str) -> None:
    if actual != expected:
        raise CaseFailure(f"{what}: expected {expected!r}, got {actual!r}")


def _aggregate_pubkeys(data: dict) -> None:
    _expect(bls.aggregate_pubkeys([_b(p) for p in data["input"]]), _b(data["output"]), "pubkey")


def _aggregate_sigs(data: dict) -> None:
    _expect(bls.aggregate_signatures([_b(s) for s in data["input"]]), _b(data["output"]),
            "signature")


def _msg_hash_compressed(data: dict) -> None:
    point = bls.hash_to_G2(_b(data["input"]["message"]), _b(data["input"]["domain"]))
    compressed = compress_g2(*point)
    _expect([compressed[:48], compressed[48:]], [_b(z) for z in data["output"]], "compressed hash")


def _msg_hash_uncompressed(data: dict) -> None:
    point = bls.hash_to_G2(_b(data["input"]["message"]), _b(data["input"]["domain"]))
    x, y, z = (_fq2(c) for c in data["output"])
    z_inv = fq2_inv(z)
    _expect(point, (fq2_mul(x, z_inv), fq2_mul(y, z_inv)), "affine hash")


def _priv_to_pub(data: dict) -> None:
    _expect(bls.privtopub(int.from_bytes(_b(data["input"]), "big")), _b(data["output"]), "pubkey")


def _sign_msg(data: dict) -> None:
    inp = data["input"]
    privkey = int.from_bytes(_b(inp["privkey"]), "big")
    message, domain = _b(inp["message"]), _b(inp["domain"])
    signature = bls.sign(message, privkey, domain)
    _expect(signature, _b(data["output"]), "signature")
    # Not part of the format, but every signature the vectors give us should verify.
    if not bls.verify(bls.privtopub(privkey), message, signature, domain):
        raise CaseFailure("the expected signature does not verify")


_HANDLERS = {
    "aggregate_pubkeys": _aggregate_pubkeys,
    "aggregate_sigs": _aggregate_sigs,
    "msg_hash_compressed": _msg_hash_compressed,
    "msg_hash_uncompressed": _msg_hash_uncompressed,
    "priv_to_pub": _priv_to_pub,
    "sign_msg": _sign_msg,
}


def run(case: Case, config: Config) -> None:
    handler = _HANDLERS.get(case.handler)
    if handler is None:
        raise CaseFailure(f"unknown bls handler {case.handler!r}")
    handler(case.load_yaml("data.yaml"))

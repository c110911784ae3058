"""BLS signatures of spec v0.8.4 (bls_signature.md): the pre-IETF scheme with the old
try-and-increment `hash_to_G2(message_hash, domain)` and an 8-byte domain.

Two backends compute the same results: "native" (arkworks via py-arkworks-bls12381,
the default) and "pure" (py_ecc, slow, the reference and the fallback). Pick one with
BEACON_BLS_BACKEND=native|pure or `use_backend`; when the native wheel cannot be
imported or fails its known-answer self-test, the pure one is used with a warning.

Data flow of a verification: pubkey bytes -> cached point (subgroup-checked once per
key) -> aggregated per message in point form -> one multi-pairing with the cached
hash points. The verify* functions return False, never raise, on malformed input;
sign/aggregate raise a `BLSError` subclass. Budget (native, 2 busy cores): one verify
~1.6 ms, a 128-key same-message aggregate verify ~1.9 ms, both with a cached hash.
"""
from __future__ import annotations

import logging
import os
from typing import Sequence

from beacon.bls.backend import Backend
from beacon.bls.encoding import G1_INFINITY, G2_INFINITY
from beacon.bls.errors import (
    BackendUnavailable, BLSError, DecodeError, InvalidInput, InvalidPrivateKey,
)
from beacon.bls.fields import Fq2
from beacon.bls.hashing import check_domain, check_message

__all__ = [
    "privtopub", "sign", "verify", "verify_multiple", "verify_multiple_aggregate",
    "fast_aggregate_verify", "aggregate_pubkeys", "aggregate_signatures", "hash_to_G2",
    "use_backend", "backend_name", "BACKENDS", "G1_INFINITY", "G2_INFINITY",
    "BLSError", "DecodeError", "InvalidInput", "InvalidPrivateKey", "BackendUnavailable",
]

BACKENDS = ("native", "pure")
_log = logging.getLogger(__name__)
_loaded: dict[str, Backend] = {}


def _load(name: str) -> Backend:
    if name in _loaded:
        return _loaded[name]
    if name == "pure":
        from beacon.bls.pure import PureBackend
        backend: Backend = PureBackend()
    elif name == "native":
        try:
            from beacon.bls import native
        except ImportError as e:
            raise BackendUnavailable(f"cannot import py_arkworks_bls12381: {e}") from e
        backend = native.NativeBackend()
        native.self_test(backend)
    else:
        raise BackendUnavailable(f"unknown BLS backend {name!r}; choose from {BACKENDS}")
    _loaded[name] = backend
    return backend


def use_backend(name: str) -> None:
    """Switch the process-wide backend.

    Raises:
        BackendUnavailable: unknown name, or the backend cannot be loaded.
    """
    global _backend
    _backend = _load(name)


def backend_name() -> str:
    return _backend.name


def _initial_backend() -> Backend:
    requested = os.environ.get("BEACON_BLS_BACKEND", "native").strip().lower() or "native"
    try:
        return _load(requested)
    except BackendUnavailable as e:
        _log.warning("BLS backend %r unavailable (%s); falling back to pure", requested, e)
        return _load("pure")


_backend: Backend = _initial_backend()


def privtopub(privkey: int) -> bytes:
    """The 48-byte compressed pubkey. Raises InvalidPrivateKey unless 0 < privkey < r."""
    return _backend.privtopub(privkey)


def sign(message_hash: bytes, privkey: int, domain: bytes) -> bytes:
    """The 96-byte compressed signature. Raises InvalidInput / InvalidPrivateKey."""
    message_hash, domain = check_message(message_hash, domain)
    return _backend.sign(message_hash, privkey, domain)


def hash_to_G2(message_hash: bytes, domain: bytes) -> tuple[Fq2, Fq2]:  # noqa: N802 - spec name
    """The v0.8 hash as affine ((x_re, x_im), (y_re, y_im)) ints."""
    message_hash, domain = check_message(message_hash, domain)
    return _backend.hash_to_g2_affine(message_hash, domain)


def aggregate_pubkeys(pubkeys: Sequence[bytes]) -> bytes:
    """Sum of the pubkeys; the point at infinity for none. Raises DecodeError."""
    points = []
    for pk in pubkeys:
        point = _backend.pubkey_point(bytes(pk))
        if point is None:
            raise DecodeError(f"invalid pubkey 0x{bytes(pk).hex()}")
        points.append(point)
    return _backend.encode_g1(_backend.g1_sum(points))


def aggregate_signatures(signatures: Sequence[bytes]) -> bytes:
    """Sum of the signatures; the point at infinity for none. Raises DecodeError."""
    return _backend.encode_g2(_backend.g2_sum([_backend.decode_g2(bytes(s)) for s in signatures]))


def verify(pubkey: bytes, message_hash: bytes, signature: bytes, domain: bytes) -> bool:
    return verify_multiple_aggregate([[pubkey]], [message_hash], signature, domain)


def verify_multiple(pubkeys: Sequence[bytes], message_hashes: Sequence[bytes],
                    signature: bytes, domain: bytes) -> bool:
    return verify_multiple_aggregate([[pk] for pk in pubkeys], message_hashes, signature, domain)


def fast_aggregate_verify(pubkeys: Sequence[bytes], message_hash: bytes,
                          signature: bytes, domain: bytes) -> bool:
    """All `pubkeys` signed the same message (one aggregated pubkey, one pairing)."""
    return verify_multiple_aggregate([pubkeys], [message_hash], signature, domain)


def verify_multiple_aggregate(pubkey_groups: Sequence[Sequence[bytes]],
                              message_hashes: Sequence[bytes],
                              signature: bytes, domain: bytes) -> bool:
    """bls_verify_multiple with pubkeys[i] = the sum of pubkey_groups[i], summed as points.

    An empty group is the point at infinity. False on any invalid input.
    """
    try:
        return _verify(_backend, pubkey_groups, message_hashes, signature, domain)
    except (BLSError, TypeError):
        return False


def _verify(backend: Backend, pubkey_groups, message_hashes, signature, domain) -> bool:
    pubkey_groups, message_hashes = list(pubkey_groups), list(message_hashes)
    if len(pubkey_groups) != len(message_hashes):
        return False
    domain = check_domain(domain)
    signature_point = backend.decode_g2(bytes(signature))
    # e(A, H) * e(B, H) == e(A + B, H): one Miller loop per distinct message.
    by_message: dict[bytes, list] = {}
    for group, message_hash in zip(pubkey_groups, message_hashes):
        message_hash, _ = check_message(message_hash, domain)
        points = by_message.setdefault(message_hash, [])
        for pk in group:
            point = backend.pubkey_point(bytes(pk))
            if point is None:
                return False
            points.append(point)
    pubkeys, hashes = [], []
    for message_hash, points in by_message.items():
        aggregate = backend.g1_sum(points)
        if backend.is_g1_identity(aggregate):
            continue  # e(O, H) == 1, so the hash is not even needed
        pubkeys.append(aggregate)
        hashes.append(backend.hash_point(message_hash, domain))
    return backend.pairing_check(pubkeys, hashes, signature_point)

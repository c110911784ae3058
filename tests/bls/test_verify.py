"""Sign/verify behaviour of the native backend: accepts valid, rejects everything else."""
from __future__ import annotations

import pytest

from beacon import bls
from tests.bls.conftest import DOMAIN, message

pytestmark = pytest.mark.usefixtures("native")


def test_sign_verify_roundtrip(keys):
    for k in keys[:4]:
        sig = bls.sign(message(k % 7), k, DOMAIN)
        assert len(sig) == 96
        assert bls.verify(bls.privtopub(k), message(k % 7), sig, DOMAIN)


def test_verify_rejects_wrong_message_domain_key(keys):
    sig = bls.sign(message(1), keys[0], DOMAIN)
    pk = bls.privtopub(keys[0])
    assert bls.verify(pk, message(1), sig, DOMAIN)
    assert not bls.verify(pk, message(2), sig, DOMAIN)
    assert not bls.verify(pk, message(1), sig, bytes(8))
    assert not bls.verify(bls.privtopub(keys[1]), message(1), sig, DOMAIN)
    assert not bls.verify(pk, message(1), bls.sign(message(1), keys[1], DOMAIN), DOMAIN)


def test_verify_rejects_bad_lengths_and_types(keys):
    sig = bls.sign(message(1), keys[0], DOMAIN)
    pk = bls.privtopub(keys[0])
    assert not bls.verify(pk[:47], message(1), sig, DOMAIN)
    assert not bls.verify(pk, message(1), sig[:95], DOMAIN)
    assert not bls.verify(pk, message(1)[:31], sig, DOMAIN)
    assert not bls.verify(pk, message(1), sig, DOMAIN + b"\x00")
    assert not bls.verify(None, message(1), sig, DOMAIN)
    assert not bls.verify(pk, message(1), "00" * 96, DOMAIN)


def test_verify_multiple(keys):
    sig = bls.aggregate_signatures([bls.sign(message(1), keys[0], DOMAIN),
                                    bls.sign(message(2), keys[1], DOMAIN)])
    pks = [bls.privtopub(keys[0]), bls.privtopub(keys[1])]
    assert bls.verify_multiple(pks, [message(1), message(2)], sig, DOMAIN)
    assert not bls.verify_multiple(pks, [message(2), message(1)], sig, DOMAIN)
    assert not bls.verify_multiple(pks, [message(1)], sig, DOMAIN)
    assert not bls.verify_multiple(pks[:1], [message(1)], sig, DOMAIN)


def test_verify_multiple_aggregate_with_empty_group(keys):
    sig = bls.aggregate_signatures([bls.sign(message(3), k, DOMAIN) for k in keys[:3]])
    group = [bls.privtopub(k) for k in keys[:3]]
    assert bls.verify_multiple_aggregate([group, []], [message(3), message(4)], sig, DOMAIN)
    assert bls.verify_multiple_aggregate([[], group], [message(4), message(3)], sig, DOMAIN)
    assert not bls.verify_multiple_aggregate([group[:2], []], [message(3), message(4)], sig, DOMAIN)
    assert not bls.verify_multiple_aggregate([[], group], [message(3), message(4)], sig, DOMAIN)
    # Nothing signed at all: only the empty signature (the point at infinity) matches.
    assert bls.verify_multiple_aggregate([[], []], [message(3), message(4)], bls.G2_INFINITY, DOMAIN)
    assert not bls.verify_multiple_aggregate([[], []], [message(3), message(4)], sig, DOMAIN)


def test_fast_aggregate_verify_and_aggregate_pubkeys(keys):
    sig = bls.aggregate_signatures([bls.sign(message(5), k, DOMAIN) for k in keys])
    pks = [bls.privtopub(k) for k in keys]
    assert bls.fast_aggregate_verify(pks, message(5), sig, DOMAIN)
    assert bls.verify(bls.aggregate_pubkeys(pks), message(5), sig, DOMAIN)
    assert not bls.fast_aggregate_verify(pks[1:], message(5), sig, DOMAIN)
    assert not bls.fast_aggregate_verify(pks + pks[:1], message(5), sig, DOMAIN)


def test_empty_aggregates_are_infinity():
    assert bls.aggregate_pubkeys([]) == bls.G1_INFINITY == b"\xc0" + bytes(47)
    assert bls.aggregate_signatures([]) == bls.G2_INFINITY == b"\xc0" + bytes(95)


def test_infinity_pubkey_and_signature_verify_as_the_spec_says():
    # bls_signature.md v0.8 accepts the point at infinity as a G1/G2 point, and
    # e(O, H) == e(g, O) == 1. Pinned so a change of this behaviour is deliberate.
    assert bls.verify(bls.G1_INFINITY, message(1), bls.G2_INFINITY, DOMAIN)


def test_signing_errors(keys):
    with pytest.raises(bls.InvalidPrivateKey):
        bls.sign(message(1), 0, DOMAIN)
    with pytest.raises(bls.InvalidPrivateKey):
        bls.privtopub(bls.fields.R)
    with pytest.raises(bls.InvalidInput):
        bls.sign(message(1)[:31], keys[0], DOMAIN)
    with pytest.raises(bls.InvalidInput):
        bls.sign(message(1), keys[0], DOMAIN[:7])
    with pytest.raises(bls.DecodeError):
        bls.aggregate_pubkeys([bls.privtopub(keys[0]), b"\x00" * 48])
    with pytest.raises(bls.DecodeError):
        bls.aggregate_signatures([b"\xc0" * 96])


def test_pubkey_cache_is_used(keys):
    from beacon.bls import _backend
    pk = bls.privtopub(keys[2])
    sig = bls.sign(message(6), keys[2], DOMAIN)
    bls.verify(pk, message(6), sig, DOMAIN)
    hits = _backend.pubkey_point.cache_info().hits
    assert bls.verify(pk, message(6), sig, DOMAIN)
    assert _backend.pubkey_point.cache_info().hits == hits + 1

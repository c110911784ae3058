"""The two backends agree, and the native one guards itself with a self-test.

The pure backend costs tens of milliseconds per point operation and about 0.3 s per
pairing check, so it gets few keys here; the official vectors cover it more.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from beacon import bls
from beacon.bls import native
from beacon.bls.errors import BackendUnavailable
from beacon.bls.fields import B2, H2, H_EFF_FACTOR, R, fq2_add, fq2_mul, fq2_sqr
from beacon.bls.hashing import candidates, map_to_curve
from tests.bls.conftest import DOMAIN, message

ROOT = Path(__file__).resolve().parents[2]


def test_backends_agree_on_keys_signatures_and_aggregates(keys, on_backend):
    results = {}
    for name in ("native", "pure"):
        on_backend(name)
        pks = [bls.privtopub(k) for k in keys[:3]]
        sigs = [bls.sign(message(i % 2), k, DOMAIN) for i, k in enumerate(keys[:3])]
        results[name] = (pks, sigs, bls.aggregate_pubkeys(pks), bls.aggregate_signatures(sigs),
                         bls.hash_to_G2(message(7), DOMAIN))
    assert results["native"] == results["pure"]


def test_backends_agree_on_verification(keys, on_backend):
    on_backend("native")
    pks = [bls.privtopub(k) for k in keys[:3]]
    sig = bls.aggregate_signatures([bls.sign(message(0), keys[0], DOMAIN),
                                    bls.sign(message(0), keys[1], DOMAIN),
                                    bls.sign(message(1), keys[2], DOMAIN)])
    cases = [([pks[:2], pks[2:]], [message(0), message(1)], True),
             ([pks[:2], pks[2:]], [message(1), message(0)], False),
             ([pks[:2], pks[2:], []], [message(0), message(1), message(2)], True)]
    for name in ("native", "pure"):
        on_backend(name)
        for groups, messages, expected in cases:
            assert bls.verify_multiple_aggregate(groups, messages, sig, DOMAIN) is expected, name


def test_native_try_and_increment_matches_python():
    # The native backend lets arkworks' decompression pick the square root; the pure
    # one computes it in Python. They must agree on the pre-clearing point.
    for i in range(20):
        x, y = map_to_curve(message(i), DOMAIN)
        assert fq2_mul(y, y) == fq2_add(fq2_mul(fq2_sqr(x), x), B2)
        point = native._map_to_curve(message(i), DOMAIN)
        assert native._affine(point) == (x, y)
        assert x[1] == next(candidates(message(i), DOMAIN))[1]


def test_self_test_passes_on_the_real_backend():
    native.self_test(native.NativeBackend())


def test_self_test_catches_a_reduced_scalar_multiplication():
    # A multiplication that is only right on G2 (e.g. GLV, or a scalar reduced mod r)
    # gives another point off the subgroup, so the hash known-answer test fails.
    class ReducedMod(native.NativeBackend):
        def _hash_point(self, message_hash, domain):
            p = native._map_to_curve(message_hash, domain)
            return p * native.Scalar(H2 * H_EFF_FACTOR % R)

    with pytest.raises(BackendUnavailable, match="hash_to_G2"):
        native.self_test(ReducedMod())


def test_self_test_catches_a_pairing_check_that_accepts_anything():
    class Lenient(native.NativeBackend):
        def pairing_check(self, pubkeys, hashes, signature):
            return True

    with pytest.raises(BackendUnavailable, match="wrong domain"):
        native.self_test(Lenient())


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_fallback_to_pure_when_native_cannot_import():
    code = ("import sys; sys.modules['py_arkworks_bls12381'] = None\n"
            "from beacon import bls; print(bls.backend_name())")
    done = _run(code, BEACON_BLS_BACKEND="native")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "pure"
    warning = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(warning) == 1 and "falling back to pure" in warning[0]


def test_env_selects_backend_and_unknown_names_are_refused():
    done = _run("from beacon import bls; print(bls.backend_name())", BEACON_BLS_BACKEND="pure")
    assert done.stdout.strip() == "pure" and not done.stderr.strip()
    with pytest.raises(BackendUnavailable):
        bls.use_backend("milagro")

"""Our speed patch of Lodestar 2019's BLS (interop/patches/lodestar-2019-bls-speed.patch:
hash-to-G2 memoised, infinity-key groups skipped, one final exponentiation) must give
the verdicts and signatures of the v0.8 scheme: here checked against our own BLS, which
passes the v0.8 vectors. Needs the built peer (`interop/build-peers.sh lodestar`; CI
builds it before the tests)."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from beacon import bls

ROOT = Path(__file__).resolve().parents[2]
LODESTAR_BLS = ROOT / ".peers" / "lodestar" / "packages" / "bls"
SCRIPT = Path(__file__).with_name("lodestar_bls_verdicts.js")
INFINITY_G1 = bytes([0xC0]) + bytes(47)
INFINITY_G2 = bytes([0xC0]) + bytes(95)

pytestmark = pytest.mark.skipif(
    not (LODESTAR_BLS / "lib" / "index.js").exists() or shutil.which("node") is None,
    reason="Lodestar 2019 not built here (interop/build-peers.sh lodestar)")


def _cases():
    sks = [1000 + 7919 * i for i in range(5)]
    pks = [bls.privtopub(k) for k in sks]
    d, other_d = bytes.fromhex("0100000000000000"), bytes.fromhex("0100000000000001")
    m0, m1 = bytes(range(32)), bytes(range(1, 33))
    sig0 = bls.aggregate_signatures([bls.sign(m0, k, d) for k in sks[:3]])
    sig01 = bls.aggregate_signatures([sig0] + [bls.sign(m1, k, d) for k in sks[3:]])
    agg0, agg1 = bls.aggregate_pubkeys(pks[:3]), bls.aggregate_pubkeys(pks[3:])
    one = bls.sign(m0, sks[0], d)
    verifies = [  # (pubkeys, messages, signature, domain)
        ([pks[0]], [m0], one, d), ([pks[1]], [m0], one, d), ([pks[0]], [m1], one, d),
        ([pks[0]], [m0], one, other_d), ([pks[0]], [m0], INFINITY_G2, d),
        ([pks[0]], [m0], bytes(96), d),
    ]
    multiples = [
        ([agg0, INFINITY_G1], [m0, m1], sig0, d),     # a phase-0 attestation
        ([agg0, INFINITY_G1], [m0, m1], sig01, d),
        ([agg0, agg1], [m0, m1], sig01, d),           # both custody bits signed
        ([agg0, agg1], [m0, m1], sig0, d),
        ([agg0, agg1], [m1, m0], sig01, d),
        ([INFINITY_G1, agg0], [m1, m0], sig0, d),
        (pks[:3], [m0, m0, m0], sig0, d),              # equal messages: keys summed
        (pks[:3], [m0, m0, m1], sig0, d),
        ([agg0, INFINITY_G1], [m0, m1], sig0, other_d),
    ]
    cases, expected = [], []
    for sk in sks[:2] * 2:                             # the second round hits the cache
        for msg in (m0, m1):
            cases.append({"op": "sign", "sk": sk.to_bytes(32, "big").hex(),
                          "msg": msg.hex(), "domain": d.hex()})
            expected.append(bls.sign(msg, sk, d).hex())
    for op, table in (("verify", verifies), ("verify_multiple", multiples)):
        for keys, msgs, sig, dom in table * 2:
            cases.append({"op": op, "pks": [k.hex() for k in keys],
                          "msgs": [m.hex() for m in msgs], "sig": sig.hex(), "domain": dom.hex()})
            expected.append(bls.verify_multiple(keys, msgs, sig, dom))
    return cases, expected


def test_patched_lodestar_bls_agrees_with_ours():
    cases, expected = _cases()
    assert True in expected and False in expected
    proc = subprocess.run(["node", str(SCRIPT), str(LODESTAR_BLS)], input=json.dumps(cases),
                          capture_output=True, text=True, timeout=600, check=True)
    got = json.loads(proc.stdout)
    mismatches = [(c, e, g) for c, e, g in zip(cases, expected, got) if e != g]
    assert not mismatches, mismatches[:3]
    assert len(got) == len(cases)

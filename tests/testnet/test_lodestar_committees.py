"""Our memoising patch of Lodestar 2019's committees
(interop/patches/lodestar-2019-committee-cache.patch) must give the committees of the
spec: here checked against our node's shuffling and committee cut, which pass the v0.8
vectors, with every case asked twice (the second answer comes from the cache) and one
caller changing its result. Needs the built peer (`interop/build-peers.sh lodestar`; CI
builds it)."""
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from beacon.state_transition.helpers import Shuffling
from beacon.state_transition.shuffling import shuffled_positions

ROOT = Path(__file__).resolve().parents[2]
LODESTAR = ROOT / ".peers" / "lodestar"
COMMITTEE_JS = LODESTAR / "packages/lodestar/lib/chain/stateTransition/util/committee.js"
SCRIPT = Path(__file__).with_name("lodestar_committees.js")
ROUNDS = 10  # SHUFFLE_ROUND_COUNT of the minimal preset the script loads

pytestmark = pytest.mark.skipif(
    not COMMITTEE_JS.exists() or shutil.which("node") is None,
    reason="Lodestar 2019 not built here (interop/build-peers.sh lodestar)")


def _committee(indices, seed, index, count):
    """The committee as our node cuts it from its epoch shuffling."""
    shuffled = np.array(indices)[shuffled_positions(len(indices), seed, ROUNDS)]
    return Shuffling(shuffled, count).committee(index).tolist()


def test_patched_lodestar_committees_agree_with_ours():
    cases = []
    for n, seed_byte in ((16, 1), (32, 2), (33, 2), (64, 3)):
        seed = bytes([seed_byte]) * 32
        indices = [3 * i + 1 for i in range(n)]      # not 0..n-1, so lookups show
        count = max(1, n // 4)
        for index in range(count):
            cases.append({"indices": indices, "seed": seed.hex(), "index": index, "count": count})
    # Same seed and index over a different validator set: must not hit the cache.
    cases.append({"indices": list(range(31)), "seed": (bytes([2]) * 32).hex(), "index": 0, "count": 8})
    cases = cases * 2
    expected = [_committee(c["indices"], bytes.fromhex(c["seed"]), c["index"], c["count"]) for c in cases]
    proc = subprocess.run(["node", str(SCRIPT), str(LODESTAR)], input=json.dumps(cases),
                          capture_output=True, text=True, timeout=300, check=True)
    got = json.loads(proc.stdout)
    assert len(got) == len(cases)
    mismatches = [(c, e, g) for c, e, g in zip(cases, expected, got) if e != g]
    assert not mismatches, mismatches[:3]

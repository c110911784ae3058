"""Decodable but invalid blocks fail with a typed transition error, never another exception.

Random single-field corruptions of the blocks of the official sanity vectors are applied;
each must either be accepted (a harmless field such as graffiti) or rejected with a
`StateTransitionError`.
"""
from __future__ import annotations

import random

import pytest

from beacon.config import minimal
from beacon.state_transition import Signatures, StateTransitionError, state_transition
from beacon.types import get_types
from spec_tests.discovery import default_root
from ssz.codec import decode

CASES = default_root() / "minimal" / "phase0" / "sanity" / "blocks" / "pyspec_tests"
T = get_types(minimal)


def _valid_cases():
    if not CASES.is_dir():
        return []
    return sorted(p for p in CASES.iterdir() if (p / "post.ssz").exists())


def _corrupt(rng: random.Random, data: bytes) -> bytes:
    """Flip one bit outside the slot field.

    A corrupted slot makes the spec's transition process up to 2**64 empty slots: that
    is bounded by the chain's future-slot check (tests/chain), not by the transition.
    """
    buf = bytearray(data)
    i = rng.randrange(8, len(buf))
    buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf)


@pytest.mark.skipif(not CASES.is_dir(), reason=f"spec test vectors not found at {CASES}")
@pytest.mark.parametrize("case", _valid_cases(), ids=lambda p: p.name)
def test_corrupted_blocks_fail_typed(case):
    rng = random.Random(case.name)
    pre = decode(T.BeaconState, (case / "pre.ssz").read_bytes())
    block_bytes = (case / "blocks_0.ssz").read_bytes()
    tried = 0
    for _ in range(40):
        try:
            block = decode(T.BeaconBlock, _corrupt(rng, block_bytes))
        except Exception:  # noqa: BLE001 - undecodable corruptions are out of scope here
            continue
        tried += 1
        for signatures in (Signatures.VERIFY, Signatures.OFF):
            state = pre.copy()
            try:
                state_transition(minimal, state, block, signatures=signatures)
            except StateTransitionError:
                pass
    assert tried > 0

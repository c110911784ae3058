"""Runner for `shuffling`: the whole-list shuffle and the single-index shuffle agree with `mapping`."""
from __future__ import annotations

import random

from beacon.config import Config
from beacon.state_transition.shuffling import compute_shuffled_index, shuffled_positions
from spec_tests.case import Case, CaseFailure


def run(case: Case, config: Config) -> None:
    data = case.load_yaml("mapping.yaml")
    seed = bytes.fromhex(str(data["seed"])[2:])
    count = int(data["count"])
    expected = [int(x) for x in data["mapping"]]
    rounds = config.SHUFFLE_ROUND_COUNT
    got = shuffled_positions(count, seed, rounds).tolist()
    if got != expected:
        raise CaseFailure("whole-list shuffle differs from mapping")
    # The single-index version is the reference; check a sample of it too.
    for i in random.Random(count).sample(range(count), min(count, 8)):
        if compute_shuffled_index(i, count, seed, rounds) != expected[i]:
            raise CaseFailure(f"compute_shuffled_index({i}) differs from mapping")

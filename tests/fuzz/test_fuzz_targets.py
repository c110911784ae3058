"""The fuzz targets in CI: every target replays its seeds, every crash input ever kept
under crashes/<target>/, and a short seeded mutation budget (fuzz/mutate.py; 2,000
inputs, fewer for the slow big-type targets). `make fuzz` runs the long atheris budget."""
import random
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from fuzz.mutate import mutate
from fuzz.targets import all_targets, crash_dir_name

TARGETS = all_targets()
CRASHES = Path(__file__).parent / "crashes"
CI_RUNS = 2000
# Per-input cost is ms to tens of ms for these: a smaller budget keeps `make test` short.
SLOW = {"ssz:BeaconState": 40, "ssz:BeaconBlock": 200, "ssz:BeaconBlockBody": 200,
        "ssz:HistoricalBatch": 200, "gossip:beacon_block": 300, "http:api": 500}


def test_every_crash_dir_names_a_target():
    known = {crash_dir_name(n) for n in TARGETS}
    if CRASHES.is_dir():
        assert {d.name for d in CRASHES.iterdir()} <= known


def test_there_is_a_target_per_ssz_static_type_and_topic():
    from fuzz.ssz_targets import type_names
    names = set(TARGETS)
    assert {f"ssz:{t}" for t in type_names()} <= names
    assert len([n for n in names if n.startswith("ssz:")]) >= 22
    assert len([n for n in names if n.startswith("gossip:")]) == 5
    assert len([n for n in names if n.startswith("reqresp:req:")]) == 7


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_target(name):
    target = TARGETS[name]
    one = target.make()
    seeds = target.seeds()
    for seed in seeds:
        one(seed)
    crash_dir = CRASHES / crash_dir_name(name)
    for f in sorted(crash_dir.iterdir()) if crash_dir.is_dir() else []:
        one(f.read_bytes())
    rng = random.Random(zlib.crc32(name.encode()))
    corpus = seeds or [b""]
    runs = SLOW.get(name, 500 if name.startswith("reqresp:resp:") else CI_RUNS)
    for _ in range(runs):
        one(mutate(rng, rng.choice(corpus), corpus, target.max_len))


def test_atheris_runs_a_target(tmp_path):
    pytest.importorskip("atheris", reason="atheris is the optional `fuzz` extra")
    proc = subprocess.run(
        [sys.executable, "-m", "fuzz", "--runs", "300", "--only", "reqresp:req:status",
         "--log-dir", str(tmp_path)], capture_output=True, text=True, timeout=300,
        cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "300 inputs" in proc.stdout

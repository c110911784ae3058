"""SIGKILL an importing `db import` at random points; the database must always reopen
with a head whose state can be produced and every block reported imported present."""
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from beacon.chain import Chain
from beacon.storage import ChainDB
from ssz.codec import encode
from ssz.signing import hash_tree_root

REPO = Path(__file__).resolve().parents[2]
KILLS = 20


@pytest.fixture(scope="module")
def chain_files(harness, tmp_path_factory):
    """Five epochs of blocks (finalizing) plus two forks, as files in import order."""
    h = harness
    d = tmp_path_factory.mktemp("crash_chain")
    main = h.build_chain(h.genesis_root, range(1, 41))
    forks = [h.make_block(h.root(main[2]), 5, graffiti=b"f" * 32),
             h.make_block(h.root(main[20]), 23, graffiti=b"g" * 32)]
    order = main[:4] + [forks[0]] + main[4:21] + [forks[1]] + main[21:]
    paths = []
    for i, b in enumerate(order):
        p = d / f"block_{i:03d}.ssz"
        p.write_bytes(encode(b))
        paths.append(str(p))
    (d / "genesis.ssz").write_bytes(encode(h.genesis))
    return d / "genesis.ssz", paths, {h.root(b) for b in forks}


def _parse(line: str, reported: set) -> None:
    parts = line.split()
    if line.endswith("\n") and parts and parts[0] in ("imported", "known"):
        reported.add(bytes.fromhex(parts[1][2:]))


def run_and_kill(datadir, genesis, blocks, rng):
    """Start `db import` and SIGKILL it at a random point of its progress.

    The kill point is counted in progress lines, not seconds, so it lands inside the
    import however loaded the machine is: either during start-up (after a random delay)
    or just after the k-th block is reported, plus a random few milliseconds so that it
    also falls inside the next block's write. Returns (roots reported, was_killed).
    """
    cmd = [sys.executable, "-m", "beacon.cli.main", "db", "import", "--datadir", str(datadir),
           "--anchor-state", str(genesis), *blocks]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    reported: set = set()
    killed = False
    target = rng.randrange(0, 12)
    try:
        if target == 0:
            try:
                proc.wait(timeout=rng.uniform(0.05, 1.5))
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                killed = True
        else:
            seen = 0
            for raw in proc.stdout:
                _parse(raw.decode(), reported)
                seen += 1
                if seen >= target:
                    time.sleep(rng.uniform(0, 0.05))
                    if proc.poll() is None:
                        proc.send_signal(signal.SIGKILL)
                        killed = True
                    break
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if not killed and proc.returncode != 0:
        # Re-importing a fork that finalization pruned is the only acceptable rejection.
        lines = err.decode().splitlines()
        assert proc.returncode == 1 and lines, err.decode()
        assert all("FinalizedConflict" in line for line in lines), err.decode()
    for line in out.decode().splitlines(keepends=True):
        _parse(line, reported)
    return reported, killed


def check_database(h, datadir, reported, fork_roots):
    db = ChainDB.open(str(datadir))
    try:
        if not db.initialized:  # killed before the anchor batch: an empty database
            assert not reported
            return 0
        chain = Chain.open(h.config, db, now=h.now, hot_states=4)
        state = chain.head_state()
        head_block = chain.block_by_root(chain.head_root)
        assert head_block is not None
        assert hash_tree_root(state) == bytes(head_block.state_root)
        fin_slot = chain.finalized_checkpoint.epoch * h.config.SLOTS_PER_EPOCH
        for root in reported:
            if not db.has_block(root):
                # Only a fork that finalization made irrelevant may have been dropped.
                assert root in fork_roots and fin_slot > 0, f"lost block 0x{root.hex()}"
        return chain.head_slot
    finally:
        db.close()


def test_sigkill_during_import(harness, chain_files, tmp_path):
    genesis, blocks, fork_roots = chain_files
    seed = int(time.time())
    print(f"kill-delay seed {seed}")  # shown by pytest if the test fails
    rng = random.Random(seed)
    kills, run, datadir, reported = 0, 0, None, set()
    mid_import = 0  # kills that landed after at least one block was reported
    for attempt in range(120):
        if kills >= KILLS:
            break
        if datadir is None:
            run += 1
            datadir, reported = tmp_path / f"db{run}", set()
        got, killed = run_and_kill(datadir, genesis, blocks, rng)
        reported |= got
        kills += killed
        mid_import += killed and bool(got)
        check_database(harness, datadir, reported, fork_roots)
        if not killed:  # the whole chain is in: start over on a fresh database
            assert len(reported | fork_roots) == len(blocks)
            datadir = None
    assert kills >= KILLS
    assert mid_import >= KILLS // 2, f"only {mid_import} kills landed mid-import"

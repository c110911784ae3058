"""One node as a subprocess: API up, clean SIGTERM shutdown, resume, wrong genesis refused."""
import subprocess
import sys
import time

from tests.node.cluster import ROOT, Node, make_genesis, wait_for


def test_start_stop_resume_and_refuse_other_genesis(tmp_path):
    genesis = tmp_path / "genesis.ssz"
    make_genesis(genesis, 16, delay=2)
    node = Node("solo", tmp_path, genesis, validators=None, seconds_per_slot=1).start()
    try:
        g = wait_for(lambda: node.get("/eth/v1/beacon/genesis"), 30, node)
        assert int(g["data"]["genesis_time"]) > 0
        started = time.monotonic()
        assert node.stop(timeout=10) == 0
        assert time.monotonic() - started < 5, "shutdown took too long"
        # Resume from the datadir alone (no --genesis-state).
        node.genesis = None
        node.start()
        wait_for(lambda: node.get("/eth/v1/beacon/genesis"), 30, node)
        assert node.stop(timeout=10) == 0
    finally:
        node.kill()
    # A different genesis for the same datadir is refused with one line and exit code 2.
    other = tmp_path / "other.ssz"
    make_genesis(other, 16, delay=100)
    r = subprocess.run([sys.executable, "-m", "beacon.cli.main", "run", "--datadir",
                        str(node.datadir), "--genesis-state", str(other), "--no-http",
                        "--no-metrics"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1

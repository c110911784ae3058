"""`beacon-node run` refuses what it cannot do (issue 12 findings): a missing key file,
validators the genesis does not have, a p2p port it cannot listen on. Each exits 2 with
the error as the last line and no INFO "stopped" line before it."""
import socket

import pytest

from tests.cli.helpers import beacon_node


@pytest.fixture(scope="module")
def genesis_file(tmp_path_factory):
    from beacon.config import minimal
    from beacon.genesis.quickstart import quickstart_state
    from ssz.codec import encode
    path = tmp_path_factory.mktemp("genesis") / "genesis.ssz"
    path.write_bytes(encode(quickstart_state(minimal, 1567777777, 16)))
    return path


def _run(tmp_path, genesis_file, *args):
    return beacon_node("run", "--datadir", tmp_path / "d", "--genesis-state", genesis_file,
                       "--no-http", "--no-metrics", "--listen", "/ip4/127.0.0.1/tcp/0",
                       *args, timeout=90)


def _refused(proc, *needles):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("beacon-node: error:"), proc.stderr
    assert not any("stopped" in line for line in lines), proc.stderr
    for needle in needles:
        assert needle in lines[-1], (needle, lines[-1])


def test_missing_p2p_key_file(tmp_path, genesis_file):
    _refused(_run(tmp_path, genesis_file, "--p2p-key", "/nonexistent"), "no such file")


def test_validators_beyond_the_genesis_count(tmp_path, genesis_file):
    _refused(_run(tmp_path, genesis_file, "--validators", "10:10"), "16", "does not exist")


def test_busy_p2p_port(tmp_path, genesis_file):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = _run(tmp_path, genesis_file, "--listen", f"/ip4/127.0.0.1/tcp/{port}")
    _refused(proc, "cannot listen", str(port))

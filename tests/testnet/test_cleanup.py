"""Nothing is left behind: after a run, after Ctrl-C of the runner, and after a SIGKILL
of the runner followed by `beacon-node testnet clean`.

Uses network namespaces when running as root with `ip` (else loopback). Processes are
looked up by this test's run tag, so other testnet runs' processes are left alone; but
namespaces are shared: don't run a namespace scenario meanwhile.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testnet.clean import clean, leftovers
from testnet.net import namespaces_possible

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
NET = "netns" if namespaces_possible() is None else "loopback"
TAG = f"pytest{os.getpid()}"
ENV = {**os.environ, "BEACON_TESTNET_TAG": TAG}


@pytest.fixture(autouse=True)
def safety_net():
    if NET == "netns" and leftovers()["namespaces"]:
        pytest.skip("another testnet run is using network namespaces")
    yield
    clean(tag=TAG)


def runner(tmp_path, scenario):
    return subprocess.Popen([sys.executable, "-m", "beacon.cli.main", "testnet", "run",
                             scenario, "--net", NET, "--report", str(tmp_path)],
                            cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def wait_for_nodes(proc, count, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = leftovers(TAG)
        if len(left["processes"]) >= count and (NET == "loopback" or left["namespaces"]):
            return left
        assert proc.poll() is None, proc.stdout.read()
        time.sleep(0.5)
    raise AssertionError("nodes did not start")


def _output_within(p, seconds):
    """The runner's output once it exits; if it does not within `seconds`, fail with
    the stacks of its threads (the runner dumps them on SIGUSR1), then kill it."""
    try:
        return p.communicate(timeout=seconds)[0]
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGUSR1)
        time.sleep(2)
        p.kill()
        out = p.communicate()[0]
        raise AssertionError(f"runner still up {seconds} s after the signal:\n{out[-8000:]}")


def test_nothing_left_after_a_run(tmp_path):
    p = runner(tmp_path, "ex1")
    out = _output_within(p, 180)
    assert p.returncode == 0, out
    assert not any(leftovers(TAG).values()), leftovers(TAG)
    assert (tmp_path / "REPORT.md").exists() and (tmp_path / "report.html").exists()


def test_nothing_left_after_ctrl_c(tmp_path):
    p = runner(tmp_path, "ex2")
    wait_for_nodes(p, 2)
    time.sleep(2)
    p.send_signal(signal.SIGINT)
    out = _output_within(p, 60)
    assert p.returncode == 130, out
    assert not any(leftovers(TAG).values()), leftovers(TAG)
    assert (tmp_path / "ex2" / "A.log").exists()          # logs and datadirs are kept
    assert (tmp_path / "ex2" / "A").is_dir()


def test_clean_after_runner_sigkill(tmp_path):
    p = runner(tmp_path, "ex2")
    wait_for_nodes(p, 2)
    p.kill()
    p.communicate(timeout=10)
    assert leftovers(TAG)["processes"], "the nodes should outlive a SIGKILLed runner"
    r = subprocess.run([sys.executable, "-m", "beacon.cli.main", "testnet", "clean",
                        "--tag", TAG], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not any(leftovers(TAG).values()), leftovers(TAG)

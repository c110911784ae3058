"""Running the real `beacon-node` console script in a subprocess."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def beacon_node(*args, timeout=120, **kw) -> subprocess.CompletedProcess:
    """`python -m beacon.cli.main ARGS` (the console script's code) from the project root."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "beacon.cli.main", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env,
                          **kw)


def assert_user_error(proc, *needles):
    """Exit 2, exactly one line on stderr mentioning every needle, no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])

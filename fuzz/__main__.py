"""`python -m fuzz` (make fuzz): every target for a fixed number of inputs.

    python -m fuzz [--runs N] [--max-time SECONDS] [--seed S] [--only SUBSTRING] [--from NAME]

Each target runs in its own process (libFuzzer exits the process when done), from a
corpus of its seeds, for N inputs (FUZZ_RUNS, default 1,000,000), or until
--max-time seconds (FUZZ_MAX_TIME, default none) if that comes first. One line per target:
inputs run, seconds, and OK or the crash file. A crashing input is copied to
tests/fuzz/crashes/<target>/ so tests/fuzz/ replays it from then on. Exit 1 on any crash.
At the default budget the 45 targets need hours of one core, so a run can resume: --from
starts at a target (in the printed order) and skips the ones before it.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fuzz.targets import all_targets, crash_dir_name

ROOT = Path(__file__).resolve().parents[1]
CRASHES = ROOT / "tests" / "fuzz" / "crashes"
_DONE = re.compile(r"Done (\d+) runs in (\d+) second")
_PROGRESS = re.compile(r"^#(\d+)\s", re.M)


def run_target(name: str, runs: int, seed: int, max_len: int, seeds: list[bytes],
               log_dir: Path, max_time: int = 0) -> tuple[int, float, str | None]:
    """(inputs run, seconds, crash file or None)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        corpus, artifacts = Path(tmp) / "corpus", Path(tmp) / "artifacts"
        corpus.mkdir()
        artifacts.mkdir()
        for i, s in enumerate(seeds):
            (corpus / f"seed-{i:03d}").write_bytes(s)
        log = log_dir / f"{crash_dir_name(name)}.log"
        start = time.monotonic()
        with open(log, "wb") as out:
            proc = subprocess.run(
                [sys.executable, "-m", "fuzz.run_one", name, f"-runs={runs}", f"-seed={seed}",
                 f"-max_len={max_len}", f"-artifact_prefix={artifacts}/", "-print_final_stats=1",
                 *([f"-max_total_time={max_time}"] if max_time else []),
                 str(corpus)],
                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                env=dict(os.environ, PYTHONPATH=str(ROOT)))
        took = time.monotonic() - start
        text = log.read_text(errors="replace")
        done = _DONE.search(text)
        count = int(done.group(1)) if done else max(map(int, _PROGRESS.findall(text)), default=0)
        crash = None
        found = sorted(artifacts.iterdir())
        if found or proc.returncode != 0:
            dest = CRASHES / crash_dir_name(name)
            dest.mkdir(parents=True, exist_ok=True)
            for f in found:
                shutil.copy(f, dest / f.name)
            crash = str(dest / found[0].name) if found else f"exit {proc.returncode}, see {log}"
        return count, took, crash


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=int(os.environ.get("FUZZ_RUNS", 1_000_000)))
    p.add_argument("--max-time", type=int, default=int(os.environ.get("FUZZ_MAX_TIME") or 0),
                   help="stop a target after this many seconds even if short of --runs")
    p.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", 1)))
    p.add_argument("--only", default=os.environ.get("FUZZ_ONLY", ""),
                   help="run the targets whose name contains this")
    p.add_argument("--from", dest="start", default=os.environ.get("FUZZ_FROM", ""),
                   help="start at this target, skipping the ones listed before it")
    p.add_argument("--log-dir", default=os.environ.get(
        "FUZZ_LOG_DIR", str(Path(tempfile.gettempdir()) / "pybeacon-fuzz-logs")))
    args = p.parse_args(argv)
    log_dir = Path(args.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    ordered = list(all_targets().items())
    names = [n for n, _ in ordered]
    if args.start and args.start not in names:
        p.error(f"--from: no target {args.start!r}; targets: {', '.join(names)}")
    first = names.index(args.start) if args.start else 0
    targets = [t for n, t in ordered[first:] if args.only in n]
    cap = f" (at most {args.max_time} s each)" if args.max_time else ""
    print(f"{len(targets)} targets, {args.runs:,d} inputs each{cap}, seed {args.seed}", flush=True)
    crashes = total = 0
    for t in targets:
        count, took, crash = run_target(t.name, args.runs, args.seed, t.max_len, t.seeds(),
                                        log_dir, args.max_time)
        total += count
        crashes += crash is not None
        status = "OK" if crash is None else f"CRASH {crash}"
        print(f"{t.name:44s} {count:>10,d} inputs {took:8.1f} s  {status}", flush=True)
    print(f"total {total:,d} inputs, {crashes} crashing targets", flush=True)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())

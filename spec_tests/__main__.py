"""Run the official v0.8.4 test vectors.

    python -m spec_tests [--root DIR] [--config minimal|mainnet] [--runner NAME] [-v]

Prints counts per handler and ends with `N passed, N failed, N skipped`; exits 1 on any
failure or skip (a skipped vector is a failing vector).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from beacon.config import load_preset
from spec_tests.discovery import default_root, iter_cases
from spec_tests.execute import Tally, run_case
from spec_tests.runners import RUNNER_NAMES


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m spec_tests", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", type=Path, default=None,
                   help="tests root (default: $SPEC_TESTS_DIR, else ../shared/spec-tests/v0.8.4/tests)")
    p.add_argument("--config", choices=("minimal", "mainnet"), default="minimal")
    p.add_argument("--runner", choices=RUNNER_NAMES, default=None, help="run only this format")
    p.add_argument("--bls-backend", choices=("native", "pure"), default=None,
                   help="BLS backend to use (default: native where available)")
    p.add_argument("-v", "--verbose", action="store_true", help="print every failure in full")
    args = p.parse_args(argv)

    root = args.root or default_root()
    if not root.is_dir():
        print(f"spec tests root {root} not found: set SPEC_TESTS_DIR or pass --root")
        print("0 passed, 0 failed, 0 skipped")
        return 1
    if args.bls_backend:
        from beacon import bls
        bls.use_backend(args.bls_backend)
    config = load_preset(args.config)
    tally = Tally()
    start = time.perf_counter()
    for case in iter_cases(root, args.config, args.runner):
        outcome = run_case(case, config)
        tally.add(outcome)
        if outcome.status != "passed":
            detail = outcome.detail if args.verbose else outcome.detail.splitlines()[0]
            print(f"{outcome.status.upper()}: {case.id}: {detail}")
    for key in sorted(tally.per_handler):
        c = tally.per_handler[key]
        print(f"  {key:55s} {c['passed']:5d} passed {c['failed']:4d} failed {c['skipped']:4d} skipped")
    print(f"({time.perf_counter() - start:.1f}s)")
    print(tally.summary_line())
    return 0 if tally.totals["failed"] == 0 and tally.totals["skipped"] == 0 and tally.totals["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())

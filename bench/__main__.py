"""Run every benchmark and print one table, measured in one run.

Each module in BENCH_MODULES exposes `rows() -> Iterable[Row]`; figures that compare
two implementations carry the ratio in their note.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time

BENCH_MODULES = (
    "bench.bls_bench",
    "bench.genesis_bench",
    "bench.transition_bench",
    "bench.state_load_bench",
    "bench.chain_bench",
    "bench.sync_bench",
    "bench.p2p_bench",
    "bench.gossip_forward_bench",
    "bench.api_bench",
)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--only", action="append", default=None,
                   help="run only modules whose name contains this (repeatable)")
    args = p.parse_args(argv)
    print(f"{'benchmark':60s} {'value':>12s}  unit      note")
    for name in BENCH_MODULES:
        if args.only and not any(o in name for o in args.only):
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                print(f"{name}: not present")
                continue
            raise
        start = time.perf_counter()
        for row in module.rows():
            label, value, unit, note = row
            print(f"{label:60s} {value:12.3f}  {unit:8s}  {note}", flush=True)
        print(f"  ({name} took {time.perf_counter() - start:.1f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

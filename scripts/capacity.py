"""Validators one node carries: the largest count at which a node finalizes every epoch.

    .venv/bin/python scripts/capacity.py [--counts 4096,10000,16384] [--seconds-per-slot 6]

For each count, smallest first, until one fails: a fresh quick-start genesis (minimal
preset), one `beacon-node run` holding all the validators (loopback, metrics off, no
peers), and a sample over its Beacon API in the middle of every epoch. A count passes
when the node finalizes every epoch, as early as v0.8 allows, for `--epochs` epochs in a
row: at epoch e >= 4 its head state's finalized epoch is e - 2. The table gives per
sample the head slot, the finalized epoch, the RSS, and the node's CPU over that epoch as
a share of one core (all its threads; the machine has 2 cores).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
from rss_soak import cpu_seconds, free_port, get, proc_mem, sleep_until, stop_node  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SLOTS_PER_EPOCH = 8
FIRST_CHECKED = 4  # justification needs epochs 1-2, so epoch 2 is finalized during epoch 4


def set_genesis_time(path: Path, genesis_time: int) -> None:
    from beacon.config import minimal
    from beacon.types import get_types
    from ssz.codec import decode, encode
    state = decode(get_types(minimal).BeaconState, path.read_bytes())
    state.genesis_time = genesis_time
    path.write_bytes(encode(state))


def trial(count: int, a, work: Path) -> tuple[bool, list[dict]]:
    work.mkdir(parents=True, exist_ok=True)
    bn = [sys.executable, "-m", "beacon.cli.main"]
    started = time.time()
    subprocess.run([*bn, "genesis", "quickstart", "--validator-count", str(count),
                    "--genesis-time", str(int(started)), "--config", "minimal",
                    "--out", str(work / "genesis.ssz")], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    # The quick-start signs a deposit per validator (minutes at 16,384 on a loaded
    # machine), so the genesis time is set once the state exists, leaving the node time
    # to start (about 1 s per 1,000 validators here) before its first slot.
    genesis = int(time.time()) + 20 + count // 500
    set_genesis_time(work / "genesis.ssz", genesis)
    port = free_port()
    log = open(work / "node.log", "ab")
    proc = subprocess.Popen([*bn, "run", "--datadir", str(work / "node"),
                             "--genesis-state", str(work / "genesis.ssz"), "--config", "minimal",
                             "--seconds-per-slot", str(a.seconds_per_slot),
                             "--validators", f"0:{count}",
                             "--listen", f"/ip4/127.0.0.1/tcp/{free_port()}",
                             "--http-port", str(port), "--no-metrics", "--log-level", "warning"],
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    epoch_s = SLOTS_PER_EPOCH * a.seconds_per_slot
    rows: list[dict] = []
    ok = True
    last_cpu = None
    try:
        for epoch in range(1, FIRST_CHECKED + a.epochs):
            wake = genesis + epoch * epoch_s + epoch_s / 2
            sleep_until(wake, [("node", proc, f"{work}/node.log")])
            head = get(port, "/eth/v1/beacon/headers/head")
            fin = get(port, "/eth/v1/beacon/states/head/finality_checkpoints")
            cpu = cpu_seconds(proc.pid)
            row = {"count": count, "epoch": epoch,
                   "head_slot": int(head["data"]["header"]["message"]["slot"]) if head else -1,
                   "finalized": int(fin["data"]["finalized"]["epoch"]) if fin else -1,
                   "rss_mb": round(proc_mem(proc.pid).get("VmRSS", 0) / 1024, 1),
                   "cpu_core": round((cpu - last_cpu) / epoch_s, 2) if last_cpu is not None else "",
                   }
            last_cpu = cpu
            if epoch >= FIRST_CHECKED and row["finalized"] < epoch - 2:
                row["verdict"] = "late"
                ok = False
            rows.append(row)
            print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
            if not ok:
                break
    except SystemExit as e:
        print(e, flush=True)
        ok = False
    finally:
        stop_node(proc)
        log.close()
    return ok, rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--counts", default="1024,4096,10000,16384",
                   help="validator counts to try, in increasing order (comma-separated)")
    p.add_argument("--seconds-per-slot", type=int, default=6)
    p.add_argument("--epochs", type=int, default=4, help="epochs finalized in a row to pass")
    p.add_argument("--out", default=None, help="folder for genesis, datadirs and logs")
    a = p.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(a.out or f"/tmp/capacity-{os.getpid()}")
    best = None
    summary = []
    for count in sorted(int(c) for c in a.counts.split(",")):
        ok, rows = trial(count, a, work / str(count))
        cpu = [r["cpu_core"] for r in rows if r["cpu_core"] != ""]
        summary.append(f"{count:>6} validators: {'PASS' if ok else 'FAIL'}; CPU "
                       f"{max(cpu, default=0):.2f} of a core at most, RSS "
                       f"{max((r['rss_mb'] for r in rows), default=0)} MB at most")
        if not ok:
            break
        best = count
    print("---")
    for line in summary:
        print(line)
    print(f"largest count finalizing every epoch at {a.seconds_per_slot} s slots: {best}")
    return 0 if best is not None else 1


if __name__ == "__main__":
    sys.exit(main())

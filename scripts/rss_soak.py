"""Memory soak: one node with N interop validators, its RSS sampled once per epoch.

    .venv/bin/python scripts/rss_soak.py --validators 64 --epochs 100 --out rss.csv [-- NODE FLAGS]

Starts `beacon-node run` on a fresh quick-start genesis (minimal preset, 1 s slots by
default, loopback only, metrics off), then once per epoch reads VmRSS/VmHWM and the
anonymous part (/proc/PID/smaps_rollup), the CPU seconds used, and the node's head and
finalized epoch over the Beacon API. Prints a table and writes it as CSV; stops the node on
exit, failures included. `--prefix` runs the node through a wrapper (pi-check uses it to
start the node inside the emulated arm64 root).
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_mem(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (kB) and the anonymous share of the RSS (kB) of `pid`."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Anonymous:"):
                out["Anon"] = int(line.split()[1])
    except OSError:
        pass
    return out


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime, all threads


def stop_node(proc: subprocess.Popen, grace: float = 30) -> None:
    """SIGTERM, then SIGKILL if the node has not exited within `grace` seconds."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def sleep_until(wake: float, nodes: list[tuple[str, subprocess.Popen, object]]) -> None:
    """Sleep until `wake` (Unix time), checking about once a second that each (label,
    process, log path) is still running: SystemExit naming the one that exited."""
    while time.time() < wake:
        for label, proc, log in nodes:
            if proc.poll() is not None:
                raise SystemExit(f"{label} exited with {proc.returncode}; see {log}")
        time.sleep(min(1.0, max(0.05, wake - time.time())))


def get(port: int, path: str):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=3) as r:
            return json.loads(r.read())
    except (OSError, ValueError):
        return None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--validators", type=int, default=64)
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--seconds-per-slot", type=int, default=1)
    p.add_argument("--workdir", default=None, help="default: a fresh folder under /tmp")
    p.add_argument("--guest-workdir", default=None,
                   help="the workdir as the wrapped node sees it (with --prefix)")
    p.add_argument("--prefix", default="", help="wrapper command, e.g. 'chroot ROOT env ...'")
    p.add_argument("--bin", default=str(ROOT / ".venv/bin/beacon-node"),
                   help="node command (split like a shell would)")
    p.add_argument("--cwd", default=None, help="run the node here (e.g. another checkout, "
                   "with --bin '.venv/bin/python -m beacon.cli.main')")
    p.add_argument("--genesis-delay", type=int, default=15)
    p.add_argument("--out", default=None, help="CSV file")
    p.add_argument("node_args", nargs="*", help="extra `run` flags, after --")
    a = p.parse_args()
    # SIGTERM (pi-check's cleanup, kill PID) unwinds like Ctrl-C, so the nodes get stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    work = Path(a.workdir or f"/tmp/rss-soak-{os.getpid()}")
    work.mkdir(parents=True, exist_ok=True)
    guest = Path(a.guest_workdir or work)
    genesis_time = int(time.time()) + a.genesis_delay
    subprocess.run([str(ROOT / ".venv/bin/beacon-node"), "genesis", "quickstart",
                    "--validator-count", str(a.validators), "--genesis-time", str(genesis_time),
                    "--config", "minimal", "--out", str(work / "genesis.ssz")], check=True)
    port = free_port()
    cmd = shlex.split(a.prefix) + shlex.split(a.bin) + [
        "run", "--datadir", str(guest / "node"), "--genesis-state",
        str(guest / "genesis.ssz"), "--config", "minimal", "--seconds-per-slot",
        str(a.seconds_per_slot), "--validators", f"0:{a.validators}",
        "--listen", f"/ip4/127.0.0.1/tcp/{free_port()}", "--http-port", str(port),
        "--no-metrics", "--log-level", "warning", *a.node_args]
    log = open(work / "node.log", "ab")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=a.cwd)
    rows = []
    slots_per_epoch = 8
    try:
        for epoch in range(1, a.epochs + 1):
            wake = genesis_time + epoch * slots_per_epoch * a.seconds_per_slot + 0.5
            sleep_until(wake, [("node", proc, f"{work}/node.log")])
            head = get(port, "/eth/v1/beacon/headers/head")
            fin = get(port, "/eth/v1/beacon/states/head/finality_checkpoints")
            mem = proc_mem(proc.pid)
            row = {"epoch": epoch,
                   "head_slot": int(head["data"]["header"]["message"]["slot"]) if head else -1,
                   "finalized": int(fin["data"]["finalized"]["epoch"]) if fin else -1,
                   "rss_mb": round(mem.get("VmRSS", 0) / 1024, 1),
                   "hwm_mb": round(mem.get("VmHWM", 0) / 1024, 1),
                   "anon_mb": round(mem.get("Anon", 0) / 1024, 1),
                   "cpu_s": round(cpu_seconds(proc.pid), 1)}
            rows.append(row)
            print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    finally:
        stop_node(proc)
        if a.out and rows:
            with open(a.out, "w") as f:
                f.write(",".join(rows[0]) + "\n")
                for r in rows:
                    f.write(",".join(str(v) for v in r.values()) + "\n")
    last = rows[-1]
    # A busy node (emulation) can miss the 3 s API timeout at any one sample: report the
    # newest chain figures it did answer, and how often it answered.
    answered = [r for r in rows if r["head_slot"] >= 0 and r["finalized"] >= 0]
    seen = answered[-1] if answered else {"epoch": "-", "head_slot": -1, "finalized": -1}
    slots = a.epochs * slots_per_epoch
    print(f"after {a.epochs} epochs: RSS {last['rss_mb']} MB (peak {last['hwm_mb']} MB), "
          f"first sample {rows[0]['rss_mb']} MB; finalized epoch {seen['finalized']} and head "
          f"slot {seen['head_slot']}/{slots} at epoch {seen['epoch']} (API answered "
          f"{len(answered)}/{len(rows)} samples); CPU {last['cpu_s'] / slots:.3f} s per slot")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The node part of `make pi-check`: emulated arm64 nodes, driven and measured from the host.

Run by scripts/pi-check.sh with the host's venv once the arm64 root is built, installed and
mounted. The root shares the host's network namespace, so nodes talk over 127.0.0.1.

1. single: an emulated node with all 16 interop validators of a fresh quick-start genesis
   runs until it sees epoch 2 finalized. Its RSS (VmRSS/VmHWM of the qemu-user process: the
   guest's memory plus qemu's translation cache) and CPU seconds per slot are read from
   /proc on the host.
2. pair, interop exercise 2: a host node runs all 16 validators; an emulated node with none,
   statically peered to it, follows. Both must see epoch 2 finalized, on the same root.

Writes a few summary lines to --report; exits 1 when a phase fails. Every node it starts is
stopped on the way out, failures included.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROJ = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJ), str(PROJ / "scripts")]

from rss_soak import cpu_seconds, free_port, get, proc_mem, stop_node  # noqa: E402

KEY_A = "11" * 32
SLOTS_PER_EPOCH = 8  # minimal preset
TARGET_EPOCH = 2
# Emulated startup (imports: libp2p alone takes ~4 s natively) can outlast the genesis
# delay on a loaded machine; a node that starts after genesis simply catches up.
STARTUP_TIMEOUT = 900


class Node:
    """One `beacon-node run` subprocess, on the host or (with `root`) inside the arm64 root."""

    def __init__(self, name: str, log: Path, argv: list[str], *, root: Path | None = None,
                 guest: str = "", http_port: int):
        self.name, self.log_path, self.http_port = name, log, http_port
        if root is None:
            cmd = [str(PROJ / ".venv/bin/beacon-node"), *argv]
        else:
            cmd = ["chroot", str(root), "/usr/bin/env", "-i", "HOME=/root", "LANG=C.UTF-8",
                   "PYTHONUNBUFFERED=1", f"QEMU_CPU={os.environ.get('QEMU_CPU', 'cortex-a72')}",
                   "PATH=/usr/sbin:/usr/bin:/sbin:/bin", f"{guest}/.venv/bin/beacon-node", *argv]
        self.started = time.time()
        # chroot and env exec in place: this pid becomes the (emulated) python process
        self.proc = subprocess.Popen(cmd, stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def alive(self) -> bool:
        return self.proc.poll() is None

    def finalized(self) -> tuple[int, str] | None:
        r = get(self.http_port, "/eth/v1/beacon/states/head/finality_checkpoints")
        return None if r is None else (int(r["data"]["finalized"]["epoch"]),
                                       r["data"]["finalized"]["root"])

    def head_slot(self) -> int:
        r = get(self.http_port, "/eth/v1/beacon/headers/head")
        return -1 if r is None else int(r["data"]["header"]["message"]["slot"])

    def peers(self) -> int:
        r = get(self.http_port, "/eth/v1/node/peers")
        return 0 if r is None else int(r["meta"]["count"])

    def stop(self) -> int | None:
        if self.alive():
            stop_node(self.proc, grace=60)
        return self.proc.returncode

    def tail(self, n: int = 25) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])


def wait_for(predicate, timeout: float, *nodes: Node, interval: float = 2.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for n in nodes:
            if not n.alive():
                raise RuntimeError(f"{n.name} exited with {n.proc.returncode}:\n{n.tail()}")
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f} s\n" +
                       "\n".join(f"--- {n.name} ---\n{n.tail()}" for n in nodes))


def make_genesis(path: Path, delay: int) -> int:
    t = int(time.time()) + delay
    subprocess.run([str(PROJ / ".venv/bin/beacon-node"), "genesis", "quickstart",
                    "--validator-count", "16", "--genesis-time", str(t), "--config", "minimal",
                    "--out", str(path)], check=True, stdout=subprocess.DEVNULL)
    return t


def node_argv(datadir: str, genesis: str, slot: int, p2p: int, http: int, *extra) -> list[str]:
    return ["run", "--datadir", datadir, "--genesis-state", genesis, "--config", "minimal",
            "--seconds-per-slot", str(slot), "--listen", f"/ip4/127.0.0.1/tcp/{p2p}",
            "--http-port", str(http), "--no-metrics", *extra]


class Meter:
    """CPU per slot and peak RSS of one process, between two clock slots."""

    def __init__(self, node: Node, genesis_time: int, slot: int):
        self.node, self.genesis_time, self.slot = node, genesis_time, slot
        self.start = None

    def clock_slot(self) -> float:
        return (time.time() - self.genesis_time) / self.slot

    def mark(self) -> None:
        self.start = (self.clock_slot(), cpu_seconds(self.node.proc.pid))

    def read(self) -> dict:
        s, c = self.clock_slot(), cpu_seconds(self.node.proc.pid)
        mem = proc_mem(self.node.proc.pid)
        return {"cpu_per_slot": (c - self.start[1]) / max(1e-9, s - self.start[0]),
                "rss_mb": mem["VmRSS"] / 1024, "hwm_mb": mem["VmHWM"] / 1024,
                "clock_slot": int(s)}


def timeout_for(delay: int, slot: int) -> float:
    # epoch 2 is finalized at the start of epoch 4 (slot 32); allow two more epochs
    return delay + (TARGET_EPOCH + 4) * SLOTS_PER_EPOCH * slot + 60


def single(a, run: Path, guest_run: str) -> str:
    genesis_time = make_genesis(run / "genesis.ssz", a.genesis_delay)
    http = free_port()
    node = Node("emulated", run / "single.log", node_argv(
        f"{guest_run}/single", f"{guest_run}/genesis.ssz", a.seconds_per_slot, free_port(),
        http, "--validators", "0:16"), root=a.root, guest=a.guest, http_port=http)
    try:
        wait_for(lambda: get(http, "/eth/v1/node/version"), STARTUP_TIMEOUT, node, interval=1)
        startup = time.time() - node.started
        meter = Meter(node, genesis_time, a.seconds_per_slot)
        wait_for(lambda: meter.clock_slot() >= 1, a.genesis_delay + a.seconds_per_slot, node, interval=0.2)
        meter.mark()
        fin = wait_for(lambda: (f := node.finalized()) and f[0] >= TARGET_EPOCH and f,
                       timeout_for(a.genesis_delay, a.seconds_per_slot), node)
        m = meter.read()
        head = node.head_slot()
    finally:
        rc = node.stop()
    return (f"single emulated node, 16 validators, {a.seconds_per_slot} s slots: finalized epoch "
            f"{fin[0]} at clock slot {m['clock_slot']} (head {head}); startup {startup:.0f} s; "
            f"RSS {m['rss_mb']:.0f} MB (peak {m['hwm_mb']:.0f} MB); CPU "
            f"{m['cpu_per_slot']:.2f} s per slot ({100 * m['cpu_per_slot'] / a.seconds_per_slot:.0f}"
            f"% of a core); exit code {rc}")


def pair(a, run: Path, guest_run: str) -> str:
    from p2p.identity import parse_key

    genesis_time = make_genesis(run / "genesis2.ssz", a.genesis_delay)
    p2p_a, http_a, http_b = free_port(), free_port(), free_port()
    host = Node("host", run / "host.log", node_argv(
        str(run / "host"), str(run / "genesis2.ssz"), a.seconds_per_slot, p2p_a, http_a,
        "--validators", "0:16", "--p2p-key", KEY_A), http_port=http_a)
    peer = f"/ip4/127.0.0.1/tcp/{p2p_a}/p2p/{parse_key(KEY_A).peer_id}"
    emu = Node("emulated-follower", run / "follower.log", node_argv(
        f"{guest_run}/follower", f"{guest_run}/genesis2.ssz", a.seconds_per_slot, free_port(),
        http_b, "--peer", peer), root=a.root, guest=a.guest, http_port=http_b)
    try:
        wait_for(lambda: get(http_b, "/eth/v1/node/version"), STARTUP_TIMEOUT, host, emu, interval=1)
        meter = Meter(emu, genesis_time, a.seconds_per_slot)
        wait_for(lambda: meter.clock_slot() >= 1, a.genesis_delay + a.seconds_per_slot, host, emu, interval=0.2)
        meter.mark()

        def both():
            fa, fb = host.finalized(), emu.finalized()
            return fa and fb and fa[0] >= TARGET_EPOCH and fb[0] >= TARGET_EPOCH and (fa, fb)
        fa, fb = wait_for(both, timeout_for(a.genesis_delay, a.seconds_per_slot), host, emu)
        m = meter.read()
        peers = emu.peers()
        # the lower finalized checkpoint must be on the other node's chain
        low, other = (fa, emu) if fa[0] <= fb[0] else (fb, host)
        hdr = get(other.http_port, f"/eth/v1/beacon/headers/{low[1]}")
        same = bool(hdr and hdr["data"]["canonical"])
    finally:
        rc_b, rc_a = emu.stop(), host.stop()
    if not same or peers < 1:
        raise RuntimeError(f"exercise 2: same chain {same}, follower peers {peers}")
    return (f"exercise 2, host node (16 validators) + emulated follower: host finalized epoch "
            f"{fa[0]}, emulated finalized epoch {fb[0]}, same chain, follower peers {peers}; "
            f"follower RSS {m['rss_mb']:.0f} MB (peak {m['hwm_mb']:.0f} MB), CPU "
            f"{m['cpu_per_slot']:.2f} s per slot; exit codes {rc_a}/{rc_b}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", type=Path, required=True, help="the arm64 root (host path)")
    p.add_argument("--guest", default="/opt/pybeacon", help="project folder inside the root")
    p.add_argument("--seconds-per-slot", type=int, default=4)
    p.add_argument("--genesis-delay", type=int, default=int(os.environ.get("PI_GENESIS_DELAY", 90)),
                   help="seconds from now to genesis: the emulated node's startup must fit")
    p.add_argument("--phase", choices=("single", "pair", "both"), default="both")
    p.add_argument("--report", type=Path, required=True)
    a = p.parse_args()
    # SIGTERM (pi-check's cleanup, kill PID) unwinds like Ctrl-C, so the nodes get stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    guest_run = "/opt/pi-run"
    run = a.root / guest_run.lstrip("/")
    subprocess.run(["rm", "-rf", "--one-file-system", str(run)], check=True)
    run.mkdir(parents=True)
    lines, ok = [], True
    phases = {"single": single, "pair": pair}
    for name in (("single", "pair") if a.phase == "both" else (a.phase,)):
        try:
            lines.append(phases[name](a, run, guest_run))
        except Exception as e:  # report and go on to the next phase
            ok = False
            lines.append(f"{name}: FAILED: {e}")
        print(lines[-1], flush=True)
    a.report.write_text("\n".join(lines) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Soak: a two-node net for N epochs; RSS and open FDs of each node sampled every epoch.

    python scripts/soak.py --epochs 1000 [--validators 64] [--out DIR]     (make soak)

Node A runs all the validators, node B none and peers with A (`--peer`), both on
loopback at 1 s slots (minimal preset, fresh quick-start genesis, own datadirs). Once an
epoch, for each node: VmRSS and the anonymous RSS (rss_soak.proc_mem), the count of
/proc/PID/fd, and head and finalized epoch over its Beacon API.

Verdict, after the warm-up (the first `--warmup` epochs, default 20% of the run):
- RSS growth is the least-squares slope of RSS over the post-warm-up epochs, printed per
  100 epochs; above `--max-growth-mb` (1 MB per 100 epochs) fails;
- any FD growth fails: the highest FD count over the last fifth of the samples must not
  exceed the highest one over the first fifth after the warm-up (the maxima, so a
  socket that happens to be open at one sample does not decide it);
- a node that exits, or a B that is not following A at the end, fails.
Writes DIR/soak.csv and DIR/soak.png (matplotlib, the `soak` extra) and prints a table.
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
from rss_soak import free_port, get, proc_mem, sleep_until, stop_node  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SLOTS_PER_EPOCH = 8


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def slope_per_100(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs, times 100."""
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return 100 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


class Node:
    def __init__(self, name: str, work: Path, a, validators: str | None, peer: str | None,
                 log_level: str):
        self.name = name
        self.http = free_port()
        self.p2p_port = free_port()
        cmd = [sys.executable, "-m", "beacon.cli.main", "run",
               "--datadir", str(work / name), "--genesis-state", str(work / "genesis.ssz"),
               "--config", "minimal", "--seconds-per-slot", str(a.seconds_per_slot),
               "--listen", f"/ip4/127.0.0.1/tcp/{self.p2p_port}", "--http-port", str(self.http),
               "--no-metrics", "--log-level", log_level]
        if validators:
            cmd += ["--validators", validators]
        if peer:
            cmd += ["--peer", peer]
        self.log_path = work / f"{name}.log"
        self.log = open(self.log_path, "ab")
        nice = ["nice", "-n", str(max(0, a.nice - os.nice(0)))]  # absolute, not nested
        self.proc = subprocess.Popen([*nice, *cmd], stdout=self.log,
                                     stderr=subprocess.STDOUT, cwd=ROOT,
                                     env=dict(os.environ, PYTHONPATH=str(ROOT)))

    def address(self, timeout: float = 60) -> str:
        """A's full multiaddr (with /p2p/ID), read from its start-up line."""
        end = time.time() + timeout
        while time.time() < end:
            for line in self.log_path.read_text(errors="replace").splitlines():
                if "p2p listening on " in line:
                    return line.split("p2p listening on ", 1)[1].strip()
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
        raise SystemExit(f"{self.name}: no p2p address in {self.log_path}")

    def sample(self) -> dict:
        mem = proc_mem(self.proc.pid)
        head = get(self.http, "/eth/v1/beacon/headers/head")
        fin = get(self.http, "/eth/v1/beacon/states/head/finality_checkpoints")
        peers = get(self.http, "/eth/v1/node/peers")
        return {f"{self.name}_rss_mb": round(mem.get("VmRSS", 0) / 1024, 2),
                f"{self.name}_anon_mb": round(mem.get("Anon", 0) / 1024, 2),
                f"{self.name}_fds": fd_count(self.proc.pid),
                f"{self.name}_head": int(head["data"]["header"]["message"]["slot"]) if head else -1,
                f"{self.name}_finalized": int(fin["data"]["finalized"]["epoch"]) if fin else -1,
                f"{self.name}_peers": len(peers["data"]) if peers else -1}

    def stop(self) -> None:
        stop_node(self.proc)
        self.log.close()


def verdict(rows: list[dict], names, warmup: int, max_growth: float) -> tuple[list[str], list[str]]:
    """(summary lines, failures) for the post-warm-up rows."""
    post = [r for r in rows if r["epoch"] > warmup]
    lines, failures = [], []
    if len(post) < 5:
        return [f"only {len(post)} samples after a warm-up of {warmup} epochs"], \
            ["too few samples after the warm-up for a verdict"]
    fifth = max(1, len(post) // 5)
    for n in names:
        xs = [r["epoch"] for r in post]
        rss = slope_per_100(xs, [r[f"{n}_rss_mb"] for r in post])
        anon = slope_per_100(xs, [r[f"{n}_anon_mb"] for r in post])
        fd_first = max(r[f"{n}_fds"] for r in post[:fifth])
        fd_last = max(r[f"{n}_fds"] for r in post[-fifth:])
        lines.append(f"node {n}: RSS {post[0][f'{n}_rss_mb']} -> {post[-1][f'{n}_rss_mb']} MB "
                     f"after warm-up; growth {rss:+.2f} MB/100 epochs (anon {anon:+.2f}); "
                     f"FDs {fd_first} -> {fd_last} (max of first/last fifth)")
        if rss > max_growth:
            failures.append(f"node {n}: RSS grows {rss:.2f} MB per 100 epochs > {max_growth}")
        if fd_last > fd_first:
            failures.append(f"node {n}: open FDs grew {fd_first} -> {fd_last}")
    last = rows[-1]
    if last["B_head"] < last["A_head"] - SLOTS_PER_EPOCH:
        failures.append(f"B is not following A: head {last['B_head']} vs {last['A_head']}")
    return lines, failures


def plot(rows: list[dict], names, warmup: int, path: Path) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed (pip install -e '.[soak]'): no PNG", file=sys.stderr)
        return False
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    xs = [r["epoch"] for r in rows]
    for n in names:
        ax1.plot(xs, [r[f"{n}_rss_mb"] for r in rows], label=f"{n} RSS")
        ax2.plot(xs, [r[f"{n}_fds"] for r in rows], label=f"{n} open FDs")
    for ax in (ax1, ax2):
        ax.axvline(warmup, color="grey", linestyle=":", label="end of warm-up")
        ax.legend(loc="upper left")
        ax.grid(alpha=0.3)
    ax1.set_ylabel("MB")
    ax2.set_ylabel("FDs")
    ax2.set_xlabel("epoch (8 slots)")
    ax1.set_title("soak: A (validators) and B (follower)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=int(os.environ.get("EPOCHS", 1000)))
    p.add_argument("--validators", type=int, default=64)
    p.add_argument("--seconds-per-slot", type=int, default=1)
    p.add_argument("--warmup", type=int, default=None, help="epochs; default 20%% of the run")
    p.add_argument("--max-growth-mb", type=float, default=1.0, help="per 100 epochs")
    p.add_argument("--nice", type=int, default=10, help="niceness of the nodes (absolute)")
    p.add_argument("--log-level", default="warning")
    p.add_argument("--out", default=None, help="folder for soak.csv, soak.png and the logs")
    a = p.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    warmup = a.warmup if a.warmup is not None else max(1, a.epochs // 5)
    work = Path(a.out or f"/tmp/soak-{os.getpid()}")
    work.mkdir(parents=True, exist_ok=True)
    genesis = int(time.time()) + 20
    subprocess.run([sys.executable, "-m", "beacon.cli.main", "genesis", "quickstart",
                    "--validator-count", str(a.validators), "--genesis-time", str(genesis),
                    "--config", "minimal", "--out", str(work / "genesis.ssz")], check=True,
                   cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL)
    nodes: list[Node] = []
    rows: list[dict] = []
    failures: list[str] = []
    try:
        # A's start-up line must be readable at info level; its per-slot lines go too.
        nodes.append(Node("A", work, a, f"0:{a.validators}", None, "info"))
        nodes.append(Node("B", work, a, None, nodes[0].address(), a.log_level))
        epoch_s = SLOTS_PER_EPOCH * a.seconds_per_slot
        for epoch in range(1, a.epochs + 1):
            wake = genesis + epoch * epoch_s + 0.5
            sleep_until(wake, [(f"node {n.name}", n.proc, n.log_path) for n in nodes])
            row = {"epoch": epoch, "t": round(time.time() - genesis)}
            for n in nodes:
                row.update(n.sample())
            rows.append(row)
            print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    except SystemExit as e:
        failures.append(str(e))
    finally:
        for n in nodes:
            n.stop()
        if rows:
            with open(work / "soak.csv", "w") as f:
                f.write(",".join(rows[0]) + "\n")
                for r in rows:
                    f.write(",".join(str(v) for v in r.values()) + "\n")
    if not rows:
        print("FAIL: no samples", failures)
        return 1
    lines, more = verdict(rows, ("A", "B"), warmup, a.max_growth_mb)
    failures += more
    plotted = plot(rows, ("A", "B"), warmup, work / "soak.png")
    print(f"--- {len(rows)} epochs, warm-up {warmup}; CSV {work / 'soak.csv'}"
          + (f", PNG {work / 'soak.png'}" if plotted else ""))
    for line in lines:
        print(line)
    last = rows[-1]
    print(f"end: A head {last['A_head']} finalized {last['A_finalized']}; "
          f"B head {last['B_head']} finalized {last['B_finalized']} peers {last['B_peers']}")
    for f in failures:
        print("FAIL:", f)
    print("PASS" if not failures else "FAIL")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

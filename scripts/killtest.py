"""Kill loop: SIGKILL a running node with validators at chosen moments, restart it, audit.

    python scripts/killtest.py --kills 100 [--seconds-per-slot 2] [--out DIR]
    python scripts/killtest.py --interval 10:20 --kills 15      # kill every 10-20 s

One node, a fresh quick-start genesis (minimal preset), loopback only, its own datadir,
all validators. The node runs at `--log-level debug`; its stderr is read line by line,
and the markers it prints choose and classify the kill moments:

    importing block slot N ...   (chain_service)   block import started (state transition)
    db batch write               (beacon.storage)  a LevelDB batch is about to be written
    signing block|attestation .. (validator.client) slashing protection passed, signing now

Phase mode (default): each kill picks a target phase (import, epoch transition = import
of the first block of an epoch, LevelDB batch, signing, or start-up), waits for its
marker, sleeps a small random delay and SIGKILLs. The phase the kill *hit* is the kind of
the last marker the node printed before it died (stderr is unbuffered per line, so what
was printed is read after the kill). Interval mode kills at a random 10-20 s after each
start instead and samples finality every second (issue 12, "finality across restarts").

After each restart: the node must come up (store opens, API answers) within a bound; its
head must not be behind its finalized checkpoint, and the finalized epoch must not have
gone back from what it reported before the kill. Every `--finality-every` kills, and at
the end, the loop lets the node run until the finalized epoch passes the highest one
seen (bounded by `--finality-epochs` epochs of wall time).

At the end the signed-message audit reads every `signing ...` line of every run (the
line is printed after slashing protection recorded the message and before the BLS
signing, so every real signature has a line) and fails on a double proposal, a double
vote or a surround vote. Writes DIR/summary.json and DIR/node.log; exit 1 on failure.
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLOTS_PER_EPOCH = 8  # minimal preset

PHASES = ("import", "epoch", "batch", "signing", "startup")
WEIGHTS = (3, 2, 3, 3, 1)

RE_IMPORT = re.compile(r"importing block slot (\d+) parent slot (\d+)")
RE_BATCH = re.compile(r"db batch write")
RE_SIGN_BLOCK = re.compile(r"signing block slot (\d+) validator (\d+) root (\w+)")
RE_SIGN_ATT = re.compile(r"signing attestation validator (\d+) source (\d+) target (\d+) root (\w+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 2.0):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return json.loads(r.read())
    except (OSError, ValueError):
        return None


def marker(line: str) -> str | None:
    """The phase a log line marks, or None."""
    m = RE_IMPORT.search(line)
    if m:
        slot, parent = int(m[1]), int(m[2])
        return "epoch" if slot // SLOTS_PER_EPOCH > parent // SLOTS_PER_EPOCH else "import"
    if RE_BATCH.search(line):
        return "batch"
    if "signing block" in line or "signing attestation" in line:
        return "signing"
    return None


class Node:
    """One run of the node; stderr is read by a thread into a queue and the shared log."""

    def __init__(self, a, work: Path, run: int, log):
        self.http = free_port()
        cmd = [sys.executable, "-m", "beacon.cli.main", "run", "--datadir", str(work / "node"),
               "--genesis-state", str(work / "genesis.ssz"), "--config", "minimal",
               "--seconds-per-slot", str(a.seconds_per_slot),
               "--validators", f"0:{a.validators}",
               "--listen", f"/ip4/127.0.0.1/tcp/{free_port()}",
               "--http-port", str(self.http), "--no-metrics", "--log-level", "debug"]
        env = dict(os.environ, PYTHONPATH=str(a.code))
        log.write(f"=== run {run} {time.time():.3f}\n")
        log.flush()
        self.started = time.monotonic()
        nice = ["nice", "-n", str(max(0, a.nice - os.nice(0)))]  # absolute, not nested
        self.proc = subprocess.Popen([*nice, *cmd], cwd=a.code, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.lines: queue.Queue = queue.Queue()
        self.last_marker: str | None = None
        self.tail: list[str] = []
        self._log = log
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self._log.write(line)
            kind = marker(line)
            if kind is not None:
                self.last_marker = kind
            self.tail = (self.tail + [line])[-20:]
            self.lines.put(line)
        self._log.flush()
        self.lines.put(None)

    def wait_for(self, pred, timeout: float) -> str | None:
        """The first line (from now) for which pred holds, or None at timeout or exit."""
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                return None
            if pred(line):
                return line
        return None

    def drain(self) -> None:
        while True:
            try:
                self.lines.get_nowait()
            except queue.Empty:
                return

    def kill(self) -> str:
        """SIGKILL; returns the phase the node was in (the last marker it printed)."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self._reader.join(30)
        return self.last_marker or "none"

    def status(self) -> dict | None:
        head = get(self.http, "/eth/v1/beacon/headers/head")
        fin = get(self.http, "/eth/v1/beacon/states/head/finality_checkpoints")
        if not head or not fin:
            return None
        return {"head": int(head["data"]["header"]["message"]["slot"]),
                "finalized": int(fin["data"]["finalized"]["epoch"]),
                "justified": int(fin["data"]["current_justified"]["epoch"])}


@dataclass
class Result:
    kills: int = 0
    targets: Counter = field(default_factory=Counter)
    hit: Counter = field(default_factory=Counter)
    restarts: int = 0
    startup_s: list = field(default_factory=list)
    finality_checks: list = field(default_factory=list)
    timeline: list = field(default_factory=list)
    failures: list = field(default_factory=list)


def wait_up(node: Node, a, res: Result, fin_before: int) -> dict | None:
    """The node's status once its API answers; records a failure if it does not."""
    end = time.monotonic() + a.startup_timeout
    while time.monotonic() < end:
        if node.proc.poll() is not None:
            res.failures.append(f"node exited with {node.proc.returncode} at start: "
                                + "".join(node.tail[-5:]))
            return None
        st = node.status()
        if st is not None:
            res.startup_s.append(round(time.monotonic() - node.started, 2))
            fin_slot = st["finalized"] * SLOTS_PER_EPOCH
            if st["head"] < fin_slot:
                res.failures.append(f"head {st['head']} behind finalized slot {fin_slot}")
            if st["finalized"] < fin_before:
                res.failures.append(f"finalized epoch went back {fin_before} -> {st['finalized']}")
            return st
        time.sleep(0.2)
    res.failures.append(f"API did not answer within {a.startup_timeout} s of the start")
    return None


def await_finality(node: Node, a, res: Result, above: int, genesis: float) -> int:
    """Let the node run until finalized > above; returns the finalized epoch."""
    bound = a.finality_epochs * SLOTS_PER_EPOCH * a.seconds_per_slot
    start = time.monotonic()
    st = None
    while time.monotonic() - start < bound:
        if node.proc.poll() is not None:
            res.failures.append(f"node exited with {node.proc.returncode} while running")
            return above
        st = node.status()
        if st and st["finalized"] > above:
            res.finality_checks.append({"kills": res.kills, "from": above, "to": st["finalized"],
                                        "waited_s": round(time.monotonic() - start, 1),
                                        "slot": current_slot(a, genesis)})
            return st["finalized"]
        node.drain()
        time.sleep(1)
    res.failures.append(f"finality did not pass epoch {above} within {bound} s "
                        f"(after {res.kills} kills; last status {st})")
    res.finality_checks.append({"kills": res.kills, "from": above, "to": None})
    return above


def current_slot(a, genesis: float) -> int:
    return max(0, int((time.time() - genesis) // a.seconds_per_slot))


def kill_at_phase(node: Node, phase: str, rng: random.Random, a) -> bool:
    """Wait for `phase`'s marker, sleep a random delay, SIGKILL. False: never seen."""
    if phase == "startup":
        time.sleep(rng.uniform(0.0, 2.5))
        return True
    delays = {"import": 0.04, "epoch": 0.08, "batch": 0.002, "signing": 0.003}
    seen = node.wait_for(lambda line: marker(line) == phase,
                         timeout=3 * SLOTS_PER_EPOCH * a.seconds_per_slot)
    if seen is None:
        return False
    time.sleep(rng.uniform(0.0, delays[phase]))
    return True


def audit(log_path: Path) -> dict:
    """Double proposals, double votes and surround votes among every signing line."""
    blocks: dict = defaultdict(set)
    atts: dict = defaultdict(dict)  # validator -> target -> {(source, root)}
    n_blocks = n_atts = 0
    for line in log_path.read_text(errors="replace").splitlines():
        if (m := RE_SIGN_BLOCK.search(line)):
            blocks[(int(m[2]), int(m[1]))].add(m[3])
            n_blocks += 1
        elif (m := RE_SIGN_ATT.search(line)):
            atts[int(m[1])].setdefault(int(m[3]), set()).add((int(m[2]), m[4]))
            n_atts += 1
    problems = [f"double proposal: validator {v} slot {s}: {sorted(r)}"
                for (v, s), r in blocks.items() if len(r) > 1]
    for v, by_target in atts.items():
        votes = []
        for t, seen in by_target.items():
            if len({root for _, root in seen}) > 1:
                problems.append(f"double vote: validator {v} target {t}: {sorted(seen)}")
            votes += [(s, t) for s, _ in seen]
        for s1, t1 in votes:
            for s2, t2 in votes:
                if s1 < s2 and t2 < t1:
                    problems.append(f"surround vote: validator {v} ({s1},{t1}) surrounds ({s2},{t2})")
    return {"block_signings": n_blocks, "attestation_signings": n_atts,
            "validators_seen": len(atts), "problems": problems}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kills", type=int, default=int(os.environ.get("KILLS", 100)))
    p.add_argument("--validators", type=int, default=64)
    p.add_argument("--seconds-per-slot", type=int, default=2)
    p.add_argument("--interval", default=None, metavar="LO:HI",
                   help="kill LO..HI s after each start instead of at chosen phases")
    p.add_argument("--finality-every", type=int, default=10,
                   help="after this many kills, wait for finality to advance")
    p.add_argument("--finality-epochs", type=int, default=6,
                   help="bound of each finality wait, in epochs")
    p.add_argument("--tail-epochs", type=int, default=3,
                   help="interval mode: run this long after the last restart")
    p.add_argument("--startup-timeout", type=float, default=120,
                   help="bound on a start (store open, API answering), seconds")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--code", default=str(ROOT), help="checkout whose node runs (PYTHONPATH)")
    p.add_argument("--nice", type=int, default=10, help="niceness of the nodes (absolute)")
    p.add_argument("--out", default=None, help="folder for node.log and summary.json")
    a = p.parse_args(argv)
    seed = a.seed if a.seed is not None else int(time.time())
    rng = random.Random(seed)
    work = Path(a.out or f"/tmp/killtest-{os.getpid()}")
    work.mkdir(parents=True, exist_ok=True)
    genesis = int(time.time()) + 12
    subprocess.run([sys.executable, "-m", "beacon.cli.main", "genesis", "quickstart",
                    "--validator-count", str(a.validators), "--genesis-time", str(genesis),
                    "--config", "minimal", "--out", str(work / "genesis.ssz")],
                   check=True, cwd=a.code, env=dict(os.environ, PYTHONPATH=str(a.code)),
                   stdout=subprocess.DEVNULL)
    res = Result()
    t0 = time.monotonic()
    log_path = work / "node.log"
    node = None
    fin_seen = 0
    with open(log_path, "a") as log:
        try:
            node = Node(a, work, 1, log)
            if wait_up(node, a, res, 0) is None:
                return report(a, res, seed, work, t0, audit(log_path))
            while res.kills < a.kills and not res.failures:
                if a.interval:
                    lo, hi = (float(x) for x in a.interval.split(":"))
                    end = time.monotonic() + rng.uniform(lo, hi)
                    while time.monotonic() < end and node.proc.poll() is None:
                        st = node.status()
                        if st:
                            fin_seen = max(fin_seen, st["finalized"])
                            res.timeline.append({"t": round(time.time() - genesis, 1),
                                                 "slot": current_slot(a, genesis), **st})
                        node.drain()
                        time.sleep(1)
                    phase = "interval"
                else:
                    phase = rng.choices(PHASES, WEIGHTS)[0]
                    st = node.status()
                    if st:
                        fin_seen = max(fin_seen, st["finalized"])
                    node.drain()
                    if not kill_at_phase(node, phase, rng, a):
                        res.failures.append(f"no {phase} marker within 3 epochs")
                        break
                if node.proc.poll() is not None:
                    res.failures.append(f"node exited by itself ({node.proc.returncode})")
                    break
                hit = node.kill()
                res.kills += 1
                res.targets[phase] += 1
                res.hit["startup" if phase == "startup" else hit] += 1
                node = Node(a, work, res.kills + 1, log)
                res.restarts += 1
                st = wait_up(node, a, res, fin_seen)
                if st is None:
                    break
                if not a.interval and (res.kills % a.finality_every == 0 or res.kills == a.kills):
                    fin_seen = await_finality(node, a, res, fin_seen, genesis)
            if a.interval and not res.failures:
                end = time.monotonic() + a.tail_epochs * SLOTS_PER_EPOCH * a.seconds_per_slot
                while time.monotonic() < end:
                    st = node.status()
                    if st:
                        res.timeline.append({"t": round(time.time() - genesis, 1),
                                             "slot": current_slot(a, genesis), **st})
                    node.drain()
                    time.sleep(1)
        finally:
            if node is not None and node.proc.poll() is None:
                node.proc.send_signal(signal.SIGTERM)
                try:
                    node.proc.wait(20)
                except subprocess.TimeoutExpired:
                    node.proc.kill()
                    node.proc.wait()
    return report(a, res, seed, work, t0, audit(log_path))


def finality_stall(timeline: list) -> dict:
    """Longest stretch (slots) with the finalized epoch unchanged, and the end figures."""
    if not timeline:
        return {}
    longest, since = 0, timeline[0]
    for row in timeline[1:]:
        if row["finalized"] != since["finalized"]:
            since = row
        longest = max(longest, row["slot"] - since["slot"])
    last = timeline[-1]
    return {"longest_finality_stall_slots": longest, "end_slot": last["slot"],
            "end_finalized": last["finalized"], "end_justified": last["justified"],
            "end_lag_epochs": last["slot"] // SLOTS_PER_EPOCH - last["finalized"]}


def report(a, res: Result, seed: int, work: Path, t0: float, audit_result: dict) -> int:
    if audit_result["problems"]:
        res.failures += audit_result["problems"][:20]
    if res.kills and audit_result["attestation_signings"] == 0 and a.code == str(ROOT):
        res.failures.append("no signing lines in the log: the audit saw nothing")
    summary = {"seed": seed, "kills": res.kills, "restarts": res.restarts,
               "targets": dict(res.targets), "hit": dict(res.hit),
               "startup_s_median": sorted(res.startup_s)[len(res.startup_s) // 2] if res.startup_s else None,
               "finality_checks": res.finality_checks, "audit": audit_result,
               "finality": finality_stall(res.timeline), "timeline": res.timeline,
               "elapsed_s": round(time.monotonic() - t0), "failures": res.failures}
    (work / "summary.json").write_text(json.dumps(summary, indent=1))
    brief = {k: v for k, v in summary.items() if k not in ("timeline", "audit")}
    brief["audit"] = {k: v for k, v in audit_result.items() if k != "problems"}
    brief["audit"]["problems"] = len(audit_result["problems"])
    print(json.dumps(brief, indent=1))
    print(("FAIL" if res.failures else "PASS") + f": {res.kills} kills, see {work}")
    return 1 if res.failures else 0


if __name__ == "__main__":
    sys.exit(main())

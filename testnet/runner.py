"""Run one scenario: genesis, nodes, events, polling, verdict; always stop everything.

    Run(scenario, options).execute() -> result dict (also written as result.json)

Flow: check kinds' capabilities -> network (loopback or namespaces) -> quick-start genesis
`delay` seconds ahead (our `beacon-node genesis quickstart`) -> start nodes in dial
order, each given the multiaddrs (from /eth/v1/node/identity) of the nodes it dials ->
loop: fire due events, poll every node's status concurrently, track head changes and
reorgs, stop at the goal, a dead node or the deadline -> agreement checks -> stop nodes
and delete namespaces in `finally` (also on Ctrl-C/SIGTERM, which the CLI maps to
KeyboardInterrupt). A failing run keeps logs and datadirs under the report dir; a
passing one keeps only the logs.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from testnet.monitor import HeadTracker, agreement
from testnet.net import Loopback, Namespaces, NeedsNamespaces, namespaces_possible, netem_available
from testnet.nodes import KINDS, Node, RunContext
from testnet.scenarios.model import Scenario

SLOTS_PER_EPOCH = {"minimal": 8, "mainnet": 32}
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class RunOptions:
    report_dir: Path
    seconds_per_slot: int | None = None
    epochs: int | None = None
    with_kind: str = "ours"
    ours_role: str = "A"
    net: str = "auto"              # auto | loopback | netns
    preset: str = "minimal"
    partition_epochs: int | None = None


def run_tag() -> str:
    """Prefix of this runner's MARK_ENV values: `$BEACON_TESTNET_TAG/` when set, so a
    test can find and clean only its own runs (`testnet clean --tag`)."""
    tag = os.environ.get("BEACON_TESTNET_TAG", "")
    return f"{tag}/" if tag else ""


class Refused(Exception):
    """The scenario cannot run with these kinds/options (a clear reason is given)."""


class Run:
    def __init__(self, scenario: Scenario, opts: RunOptions):
        self.sc, self.opts = scenario, opts
        self.sps = opts.seconds_per_slot or scenario.default_seconds_per_slot
        self.spe = SLOTS_PER_EPOCH[opts.preset]
        self.goal_epoch = scenario.goal(opts.epochs)
        self.workdir = opts.report_dir / scenario.name
        self.nodes: dict[str, Node] = {}
        self.index: dict[str, int] = {}
        self.series: list[dict] = []
        self.last: dict = {}
        self.trackers: dict[str, HeadTracker] = {}
        self.events_log: list[dict] = []
        self.marks: dict[str, float] = {}
        self.extra: dict = {}           # scenario-specific results for the report
        self.failures: list[str] = []
        self.stopped_by_us: set[str] = set()
        self.network = None
        self.t0 = time.monotonic()
        self.genesis_time = 0

    # --- helpers for scenarios --------------------------------------------------------
    def now(self) -> float:
        return time.monotonic() - self.t0

    def epoch_now(self) -> float:
        return (time.time() - self.genesis_time) / (self.sps * self.spe)

    def kind_of(self, plan) -> str:
        """A plan's fixed kind (mixed nets), else ours for --ours' role, --with otherwise."""
        if plan.kind is not None:
            return plan.kind
        return "ours" if plan.role == self.opts.ours_role else self.opts.with_kind

    def log(self, label: str) -> None:
        self.events_log.append({"t": round(self.now(), 1), "epoch": round(self.epoch_now(), 2),
                                "event": label})
        print(f"  [{self.sc.name} t={self.now():6.1f}s epoch={self.epoch_now():5.2f}] {label}",
              flush=True)

    # --- checks before anything starts ------------------------------------------------
    def preflight(self) -> None:
        for plan in self.sc.nodes:
            kname = self.kind_of(plan)
            if kname not in KINDS:
                raise Refused(f"unknown node kind {kname!r} (known: {', '.join(KINDS)})")
            caps = KINDS[kname].caps
            if caps.max_validators is not None and len(plan.validators) > caps.max_validators:
                raise Refused(f"{plan.name} (role {plan.role}) needs {len(plan.validators)} "
                              f"validators but {kname} runs at most {caps.max_validators}")
            if self.sps < caps.min_seconds_per_slot:
                raise Refused(f"{kname} needs --seconds-per-slot >= {caps.min_seconds_per_slot}")
            if plan.join_epoch is not None and not caps.sync_from_genesis:
                raise Refused(f"{plan.name} joins late but {kname} cannot sync from genesis")
            if self.use_netns() and not caps.runs_in_netns:
                raise Refused(f"{kname} cannot run inside a network namespace")

    def use_netns(self) -> bool:
        return self.sc.needs_netns or self.opts.net == "netns"

    # --- the run ------------------------------------------------------------------------
    def execute(self) -> dict:
        started = time.time()
        verdict, reason = "fail", ""
        try:
            self.preflight()
            if self.use_netns():
                why = namespaces_possible()
                if why:
                    raise NeedsNamespaces(why)
            if self.sc.needs_netem:
                why = netem_available()
                if why:
                    return self._result("skipped", f"needs tc netem ({why})", started)
        except Refused as e:
            return self._result("refused", str(e), started)
        except NeedsNamespaces as e:
            return self._result("skipped", f"needs network namespaces ({e})", started)

        if self.workdir.exists():
            shutil.rmtree(self.workdir)
        self.workdir.mkdir(parents=True)
        old = signal.getsignal(signal.SIGTERM)
        try:
            self.network = Namespaces() if self.use_netns() else Loopback()
            self._genesis()
            self._start_initial()
            verdict, reason = self._loop()
            # Checks also run after a missed deadline: they measure (reorgs, sync, fork).
            self.failures += agreement(self)
            for check in self.sc.checks:
                self.failures += check(self)
            if self.failures:
                reason = "; ".join(([reason] if reason else []) + self.failures)
                verdict = "fail"
        except KeyboardInterrupt:
            verdict, reason = "interrupted", "interrupted (Ctrl-C or SIGTERM)"
            raise
        except Exception as e:  # a bug or a node that never came up: report, clean up
            verdict, reason = "fail", f"{type(e).__name__}: {e}"
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)   # finish cleaning up first
            try:
                self.shutdown()
            finally:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.signal(signal.SIGTERM, old)
            result = self._result(verdict, reason, started)
        return result

    def _genesis(self) -> None:
        # Node start-up is ~3-6 s on a busy box; waves start one after the other.
        slow = max((KINDS[self.kind_of(p)].caps.startup_seconds for p in self.sc.nodes),
                   default=0.0)
        delay = int(8 + 6 * len(self._waves()) + slow)
        self.genesis_time = int(time.time() + delay)
        path = self.workdir / "genesis.ssz"
        subprocess.run([sys.executable, "-m", "beacon.cli.main", "genesis", "quickstart",
                        "--validator-count", str(self.sc.validator_count),
                        "--genesis-time", str(self.genesis_time), "--config", self.opts.preset,
                        "--out", str(path)], check=True, cwd=ROOT, capture_output=True)
        self.ctx = RunContext(self.opts.preset, self.sps, self.genesis_time,
                              self.sc.validator_count, path, run_tag() + f"{self.sc.name}-{uuid.uuid4().hex[:8]}")
        self.log(f"genesis {self.sc.validator_count} validators at {self.genesis_time} "
                 f"(in {delay} s), {self.sps} s slots, net={self.network.kind}")

    def start_node(self, plan) -> Node:
        """Start one planned node (dial targets must be running); used by late joins too."""
        i = len(self.index)
        self.index[plan.name] = i
        cls = KINDS[self.kind_of(plan)]
        node = cls(plan.name, plan.role, self.workdir, self.network.allocate(i), self.ctx)
        peers = [self.nodes[d].multiaddr() for d in plan.dials]
        node.flags = plan.flags
        node.start(plan.validators, peers)
        self.nodes[plan.name] = node
        self.trackers[plan.name] = HeadTracker(node, self)
        self.log(f"started {plan.name} ({node.kind}, role {plan.role}, "
                 f"validators {plan.validators.start}..{plan.validators.stop - 1 if len(plan.validators) else '-'}, "
                 f"dials {', '.join(plan.dials) or '-'})")
        return node

    def _waves(self) -> list[list]:
        """Initial nodes grouped so each wave dials only nodes of earlier waves."""
        pending, done, waves = [p for p in self.sc.nodes if p.join_epoch is None], set(), []
        while pending:
            ready = [p for p in pending if all(d in done for d in p.dials)]
            if not ready:
                raise RuntimeError("dial cycle among " + ", ".join(p.name for p in pending))
            waves.append(ready)
            done |= {p.name for p in ready}
            pending = [p for p in pending if p.name not in done]
        return waves

    def _start_initial(self) -> None:
        for wave in self._waves():
            for p in wave:
                self.start_node(p)
            for p in wave:                 # answers before the next wave dials it
                self.nodes[p.name].multiaddr(timeout=60)

    def deadline(self) -> float:
        """Seconds since t0 by which the goal must be met: 1.5x the time to the goal epoch
        plus the scenario's slack (`extra_epochs`, 2 by default: epoch N is finalized at
        the earliest when epoch N + 2 starts), a minute of margin, and the genesis delay."""
        if self.goal_epoch is None:
            return (self.genesis_time - time.time()) + self.now() + 60
        epochs = self.goal_epoch + self.sc.extra_epochs
        return (self.genesis_time - time.time()) + self.now() + epochs * self.spe * self.sps * 1.5 + 60

    def goal_met(self) -> bool:
        if self.sc.done is not None:
            return self.sc.done(self)
        if any(p.join_epoch is not None and p.name not in self.nodes for p in self.sc.nodes):
            return False
        if not all(s is not None and (s.finalized_epoch or -1) >= self.goal_epoch
                   for s in (self.last.get(n) for n in self.nodes)):
            return False
        # A late joiner must also have reached the others' head (within 2 slots).
        peak = max((s.head_slot or 0) for s in self.last.values())
        return all((self.last[p.name].head_slot or 0) >= peak - 2
                   for p in self.sc.nodes if p.join_epoch is not None)

    def _loop(self) -> tuple[str, str]:
        deadline = self.deadline()
        interval = min(2.0, max(1.0, self.sps / 2))
        events = list(self.sc.events) + (self.sc.make_events(self) if self.sc.make_events else [])
        events.sort(key=lambda e: e.at_epoch)
        late = sorted((p for p in self.sc.nodes if p.join_epoch is not None),
                      key=lambda p: p.join_epoch)
        with ThreadPoolExecutor(max_workers=8) as pool:
            while True:
                epoch = self.epoch_now()
                while events and epoch >= events[0].at_epoch:
                    e = events.pop(0)
                    self.log(e.label)
                    e.action(self)
                while late and epoch >= late[0].join_epoch:
                    p = late.pop(0)
                    self.marks[f"join:{p.name}"] = self.now()
                    self.start_node(p)
                self.poll(pool)
                if self.sc.watch is not None:
                    self.sc.watch(self)
                for name, n in self.nodes.items():
                    if name not in self.stopped_by_us and not n.alive():
                        return "fail", f"{name} exited with {n.proc.returncode}: {n.tail(3)}"
                if not events and not late and self.goal_met():
                    self.log("goal met")
                    return "pass", ""
                if self.now() > deadline:
                    return "fail", self._deadline_reason()
                time.sleep(max(0.0, interval - (self.now() % interval)))

    def _deadline_reason(self) -> str:
        if self.goal_epoch is None:
            return "deadline passed before the goal"
        got = {n: (s.finalized_epoch if s else None) for n, s in self.last.items()}
        return f"deadline passed: finalized epochs {got}, goal {self.goal_epoch}"

    def poll(self, pool) -> None:
        t = self.now()
        names = list(self.nodes)
        def one(name):
            # Reorg walks run here too: a busy node then delays only its own thread.
            s = self.nodes[name].status(t)
            self.trackers[name].observe(s)
            return s

        statuses = list(pool.map(one, names))
        epoch = self.epoch_now()
        for name, s in zip(names, statuses):
            self.last[name] = s
            self.series.append({"node": name, "epoch": round(epoch, 3), **asdict(s)})

    def shutdown(self) -> None:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda n: n.stop(), list(self.nodes.values())))
        if self.network is not None:
            self.network.close()

    # --- result ---------------------------------------------------------------------------
    def _result(self, verdict: str, reason: str, started: float) -> dict:
        nodes = {}
        for name, n in self.nodes.items():
            rows = [r for r in self.series if r["node"] == name]
            cpu = [r["cpu_s"] for r in rows if r["cpu_s"] is not None]
            span = (rows[-1]["t"] - rows[0]["t"]) if len(rows) > 1 else 0
            nodes[name] = {
                "kind": n.kind, "role": n.role, "ip": n.net.ip, "netns": n.net.netns,
                "validators": len(next(p.validators for p in self.sc.nodes if p.name == name)),
                "rss_max_mb": max((r["rss_mb"] for r in rows if r["rss_mb"]), default=None),
                "cpu_pct": round(100 * (cpu[-1] - cpu[0]) / span, 1) if len(cpu) > 1 and span else None,
                "last": rows[-1] if rows else None,
                "reorgs": self.trackers[name].reorgs if name in self.trackers else [],
                "exit_code": n.proc.returncode if n.proc else None,
            }
        result = {
            "scenario": self.sc.name, "title": self.sc.title, "goal": self.sc.goal_text,
            "verdict": verdict, "reason": reason,
            "seconds": round(time.time() - started, 1),
            "params": {"seconds_per_slot": self.sps, "goal_epoch": self.goal_epoch,
                       "validators": self.sc.validator_count, "preset": self.opts.preset,
                       "net": self.network.kind if self.network else
                       ("netns" if self.use_netns() else "loopback"),
                       "with": self.opts.with_kind, "ours": self.opts.ours_role,
                       "genesis_time": self.genesis_time,
                       "node_nice": os.environ.get("TESTNET_NODE_NICE") or None},
            "nodes": nodes, "events": self.events_log, "marks": self.marks,
            "extra": self.extra, "series": self.series,
        }
        if self.workdir.exists():
            if verdict == "pass":
                for n in self.nodes.values():
                    shutil.rmtree(n.datadir, ignore_errors=True)
            (self.workdir / "result.json").write_text(json.dumps(result, indent=1))
        return result

    # --- checks scenarios share ---------------------------------------------------------
    def check_late_joiners(self) -> list[str]:
        """Each late node reached the others' head; records its sync rate (blocks/s)."""
        out = []
        for p in self.sc.nodes:
            if p.join_epoch is None:
                continue
            rows = [r for r in self.series if r["node"] == p.name and r["head_slot"] is not None]
            others = [r for r in self.series if r["node"] != p.name and r["head_slot"] is not None]
            if not rows:
                out.append(f"{p.name} never answered")
                continue
            t_join = self.marks.get(f"join:{p.name}", rows[0]["t"])
            caught = None
            for r in rows:       # rows of one poll round share their t
                peak = max((o["head_slot"] for o in others if o["t"] == r["t"]), default=None)
                if peak is not None and r["head_slot"] >= peak - 2 and r["head_slot"] > 0:
                    caught = r
                    break
            if caught is None:
                out.append(f"{p.name} never reached the others' head")
                continue
            took = max(0.1, caught["t"] - t_join)
            self.extra[f"{p.name}_sync"] = {
                "blocks": caught["head_slot"], "seconds": round(took, 1),
                "blocks_per_s": round(caught["head_slot"] / took, 2),
                "note": "from process start (incl. ~5 s start-up) to head within 2 slots"}
        return out

"""The node-kind seam: what the runner needs from any beacon node it starts.

A scenario names nodes by role (A/B); the runner maps each role to a kind from
`testnet.nodes.KINDS` and builds one `Node` per scenario node. The runner only ever
calls the methods below, so a foreign client (Lodestar, Trinity...) is one subclass
that knows how to start that client and read its head and finality.

Process handling lives here so every kind gets it for free: `spawn` starts the client
in its own process group (inside the node's network namespace when there is one),
marks it with `MARK_ENV` so `beacon-node testnet clean` can find it after a runner
crash, and `stop`/`pause`/`resume` signal the whole group.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ClassVar

# Every process the tool starts carries this variable; `testnet clean` kills by it.
MARK_ENV = "BEACON_TESTNET_RUN"
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Capabilities:
    """What a kind can do; a scenario refuses combinations outside these limits."""

    max_validators: int | None = None      # per node; None = no limit known
    min_seconds_per_slot: int = 1
    sync_from_genesis: bool = True         # can join late with an empty datadir
    runs_in_netns: bool = True             # can be started through `ip netns exec`
    reports_roots: bool = True             # status() gives head/finalized roots
    ancestry: bool = True                  # header(root) works (reorg tracking)
    # Seconds from launch to ready, as measured here under load; the runner puts genesis
    # at least this far ahead so a slow starter (Lodestar 2019) misses no slot.
    startup_seconds: float = 0.0


@dataclass(frozen=True)
class RunContext:
    """Facts shared by every node of one scenario run."""

    preset: str                 # "minimal"
    seconds_per_slot: int
    genesis_time: int
    validator_count: int
    genesis_ssz: Path           # quick-start genesis written by our `genesis quickstart`
    run_id: str                 # value of MARK_ENV for this run


@dataclass(frozen=True)
class NodeNet:
    """Where a node lives: its IP, its namespace (None on loopback) and its ports."""

    ip: str
    netns: str | None
    p2p_port: int
    http_port: int
    metrics_port: int


@dataclass
class NodeStatus:
    """One observation of one node; None wherever the node could not say."""

    t: float                          # seconds since the scenario started
    up: bool                          # process alive (and not stopped by us)
    head_slot: int | None = None
    head_root: str | None = None      # 0x-hex
    justified_epoch: int | None = None
    justified_root: str | None = None
    finalized_epoch: int | None = None
    finalized_root: str | None = None
    peers: int | None = None
    rss_mb: float | None = None
    cpu_s: float | None = None        # cumulative CPU seconds of the process group


@dataclass
class Header:
    slot: int
    root: str
    parent_root: str
    state_root: str


class Node(ABC):
    """One beacon node process of some kind.

    Subclasses set `kind` and `caps`, and implement `start`, `multiaddr` and
    `status`; `header` and `block_state_roots` are optional (return None).
    """

    kind: ClassVar[str] = "?"
    caps: ClassVar[Capabilities] = Capabilities()
    env_drop: ClassVar[tuple[str, ...]] = ()   # variables of ours the node must not inherit
    flags: tuple[str, ...] = ()     # the plan's extra flags; kinds that cannot honour them ignore them

    def __init__(self, name: str, role: str, workdir: Path, net: NodeNet, ctx: RunContext,
                 transport=None):
        self.name, self.role = name, role
        self.net, self.ctx = net, ctx
        self.datadir = workdir / name
        self.log_path = workdir / f"{name}.log"
        self.transport = transport           # testnet.net.Transport: HTTP into the netns
        self.proc: subprocess.Popen | None = None
        self.paused = False
        self.started_at: float | None = None

    # --- to implement -----------------------------------------------------------
    @abstractmethod
    def start(self, validators: range, peers: list[str]) -> None:
        """Start the process: run `validators` (interop indices), dial `peers` (multiaddrs)."""

    @abstractmethod
    def multiaddr(self, timeout: float = 30) -> str:
        """The p2p multiaddr others dial, including /p2p/<peer id>; waits up to `timeout`."""

    @abstractmethod
    def status(self, t: float) -> NodeStatus:
        """Head, justification, finality and peers now; never raises for a dead node."""

    def header(self, root: str) -> Header | None:
        """The header of any block the node knows (not only canonical), or None."""
        return None

    def logged_reorgs(self) -> list[tuple[str, int, str, int, int]]:
        """Reorgs the node logged itself since the last call, for kinds without `header`:
        (old head root, old slot, new head root, new slot, common ancestor's slot)."""
        return []

    def block_state_roots(self, limit: int = 256) -> dict[str, str] | None:
        """{block_root: state_root} of the canonical chain back from head (at most
        `limit` blocks), or None when the kind cannot say."""
        return None

    # --- process handling, shared -----------------------------------------------
    def spawn(self, argv: list[str], env: dict | None = None, cwd: Path | None = None) -> None:
        """Start `argv` in its own process group, inside the node's netns if any."""
        if self.net.netns:
            argv = ["ip", "netns", "exec", self.net.netns, *argv]
        full_env = {k: v for k, v in os.environ.items() if k not in self.env_drop}
        full_env.update({**(env or {}), MARK_ENV: self.ctx.run_id,
                         "BEACON_TESTNET_NODE": self.name, "PYTHONUNBUFFERED": "1"})
        self.datadir.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(argv, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=full_env,
                                         start_new_session=True)
        finally:
            log.close()
        self.started_at = time.monotonic()
        _set_autogroup_nice(self.proc.pid)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _signal_group(self, sig: int) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, grace: float = 10.0) -> int | None:
        """SIGTERM the group, SIGKILL after `grace` s; returns the exit code."""
        if self.proc is None:
            return None
        if self.paused:
            self.resume()
        if self.proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        self._signal_group(signal.SIGKILL)   # also children left in the group
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        return self.proc.returncode

    def pause(self) -> None:
        self._signal_group(signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        self._signal_group(signal.SIGCONT)
        self.paused = False

    def _group_pids(self) -> list[int]:
        if self.proc is None:
            return []
        pids = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    if os.getpgid(int(d)) == self.proc.pid:
                        pids.append(int(d))
                except OSError:
                    pass
        return pids

    def rss(self) -> float | None:
        """Resident set size of the process group in MiB (None when not running)."""
        total, seen = 0, False
        for pid in self._group_pids():
            try:
                for line in open(f"/proc/{pid}/status"):
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        seen = True
            except OSError:
                pass
        return total / 1024 if seen else None

    def cpu(self) -> float | None:
        """CPU seconds (user+system) used so far by the process group."""
        total, seen = 0, False
        for pid in self._group_pids():
            try:
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
                seen = True
            except (OSError, IndexError, ValueError):
                pass
        return total / _TICK if seen else None

    def wait_for_address(self, probe: Callable[[], str | None], timeout: float, what: str,
                         step: float = 0.3) -> str:
        """Poll `probe` until it gives the node's multiaddr; raise if the process exits
        first, or TimeoutError naming `what` was awaited."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            addr = probe()
            if addr:
                return addr
            if not self.alive():
                raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
            time.sleep(step)
        raise TimeoutError(f"{self.name}: no {what} after {timeout} s\n{self.tail()}")

    def tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def __repr__(self) -> str:
        return f"<{self.kind} {self.name} {self.net.ip}:{self.net.p2p_port}>"


def _set_autogroup_nice(pid: int) -> None:
    """TESTNET_NODE_NICE=N (e.g. -10) gives the node's session that CPU weight.

    With the kernel's session autogroups (sched_autogroup_enabled), `nice` only ranks
    processes inside one session, so on a shared dev machine other sessions' work takes
    an equal share from each node. Writing /proc/PID/autogroup (root) weights the node's
    whole session; the 2019 clients miss slots without it when the machine is busy. Runs
    record the setting in their report. Unset (CI, a quiet machine): nothing is done."""
    value = os.environ.get("TESTNET_NODE_NICE")
    if not value:
        return
    try:
        Path(f"/proc/{pid}/autogroup").write_text(value)
    except OSError as e:  # not root, or autogroups off: the run goes on unweighted
        print(f"testnet: TESTNET_NODE_NICE ignored for pid {pid}: {e}", flush=True)

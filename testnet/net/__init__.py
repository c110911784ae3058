"""Where nodes live: loopback (default) or one network namespace per node.

`Loopback` gives every node 127.0.0.1 with its own free ports. `Namespaces` (root
only) gives node i the namespace `tnet-n<i>` with address 10.77.0.<i+1>/24 on `eth0`,
a veth whose other end `tnet<i>b` sits in the namespace `tnet-br` on bridge
`tnet-br0`. Nothing is created in the root namespace: deleting the `tnet-*`
namespaces removes every veth, bridge and qdisc, which is what `clean` does.

Emulation (namespaces only):
- partitions: each group's bridge-side veths move to their own bridge (`tnet-br<g>`);
  healing moves them back to `tnet-br0`;
- latency/jitter/loss: `tc qdisc ... netem` on both ends of a node's link, when the
  kernel has sch_netem (`netem_available`).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess

from testnet.nodes.base import NodeNet

PREFIX = "tnet"
BRIDGE_NS = f"{PREFIX}-br"
SUBNET = "10.77.0"


class NeedsNamespaces(Exception):
    """The scenario needs network namespaces (root, `ip`, `unshare`) that are missing."""


def namespaces_possible() -> str | None:
    """None when namespaces can be used, else the reason they cannot."""
    if os.geteuid() != 0:
        return "needs root"
    for tool in ("ip", "tc", "unshare"):
        if shutil.which(tool) is None:
            return f"needs `{tool}`"
    return None


def _run(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run(argv, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {r.stderr.strip()}")
    return r


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Loopback:
    kind = "loopback"

    def allocate(self, index: int) -> NodeNet:
        return NodeNet("127.0.0.1", None, _free_port(), _free_port(), _free_port())

    def partition(self, groups) -> None:
        raise NeedsNamespaces("partitions need network namespaces")

    def heal(self) -> None:
        pass

    def shape(self, index: int, delay_ms: int, jitter_ms: int, loss_pct: float) -> None:
        raise NeedsNamespaces("link emulation needs network namespaces")

    def close(self) -> None:
        pass


class Namespaces:
    """One namespace per node on a bridge; see the module docstring."""

    kind = "netns"

    def __init__(self):
        reason = namespaces_possible()
        if reason:
            raise NeedsNamespaces(reason)
        clean_namespaces()           # leftovers of a killed run would clash
        self.indices: list[int] = []
        self.bridges = {0}
        _run("ip", "netns", "add", BRIDGE_NS)
        _run("ip", "-n", BRIDGE_NS, "link", "set", "lo", "up")
        self._add_bridge(0)

    def _add_bridge(self, g: int) -> None:
        _run("ip", "-n", BRIDGE_NS, "link", "add", f"{PREFIX}-br{g}", "type", "bridge")
        _run("ip", "-n", BRIDGE_NS, "link", "set", f"{PREFIX}-br{g}", "up")

    def allocate(self, index: int) -> NodeNet:
        ns, host_end = f"{PREFIX}-n{index}", f"{PREFIX}{index}b"
        _run("ip", "netns", "add", ns)
        _run("ip", "-n", ns, "link", "set", "lo", "up")
        _run("ip", "-n", BRIDGE_NS, "link", "add", host_end, "type", "veth",
             "peer", "name", "eth0", "netns", ns)
        _run("ip", "-n", BRIDGE_NS, "link", "set", host_end, "master", f"{PREFIX}-br0")
        _run("ip", "-n", BRIDGE_NS, "link", "set", host_end, "up")
        _run("ip", "-n", ns, "addr", "add", f"{SUBNET}.{index + 1}/24", "dev", "eth0")
        _run("ip", "-n", ns, "link", "set", "eth0", "up")
        self.indices.append(index)
        return NodeNet(f"{SUBNET}.{index + 1}", ns, 9000, 5052, 8008)

    def partition(self, groups: list[list[int]]) -> None:
        """Cut the net into `groups` of node indices; no packet crosses groups."""
        for g, members in enumerate(groups):
            if g not in self.bridges:
                self._add_bridge(g)
                self.bridges.add(g)
            for i in members:
                _run("ip", "-n", BRIDGE_NS, "link", "set", f"{PREFIX}{i}b",
                     "master", f"{PREFIX}-br{g}")

    def heal(self) -> None:
        for i in self.indices:
            _run("ip", "-n", BRIDGE_NS, "link", "set", f"{PREFIX}{i}b", "master", f"{PREFIX}-br0")

    def shape(self, index: int, delay_ms: int, jitter_ms: int, loss_pct: float) -> None:
        """netem on both directions of node `index`'s link (needs sch_netem)."""
        spec = ["delay", f"{delay_ms}ms", f"{jitter_ms}ms", "loss", f"{loss_pct}%"]
        _run("ip", "netns", "exec", BRIDGE_NS, "tc", "qdisc", "replace", "dev",
             f"{PREFIX}{index}b", "root", "netem", *spec)
        _run("ip", "netns", "exec", f"{PREFIX}-n{index}", "tc", "qdisc", "replace", "dev",
             "eth0", "root", "netem", *spec)

    def close(self) -> None:
        clean_namespaces()


def netem_available() -> str | None:
    """None when `tc qdisc ... netem` works, else the reason (probed in a scratch netns)."""
    reason = namespaces_possible()
    if reason:
        return reason
    probe = f"{PREFIX}-probe"
    _run("ip", "netns", "add", probe, check=False)
    try:
        r = _run("ip", "netns", "exec", probe, "tc", "qdisc", "add", "dev", "lo", "root",
                 "netem", "delay", "1ms", check=False)
        return None if r.returncode == 0 else f"kernel lacks sch_netem: {r.stderr.strip()}"
    finally:
        _run("ip", "netns", "del", probe, check=False)


def list_namespaces() -> list[str]:
    if shutil.which("ip") is None:
        return []
    r = _run("ip", "netns", "list", check=False)
    return [line.split()[0] for line in r.stdout.splitlines()
            if line.split() and line.split()[0].startswith(f"{PREFIX}-")]


def list_root_links() -> list[str]:
    """Links with our prefix in the root namespace (there should never be any)."""
    if shutil.which("ip") is None:
        return []
    r = _run("ip", "-o", "link", "show", check=False)
    names = [line.split(":")[1].strip().split("@")[0] for line in r.stdout.splitlines()
             if line.count(":") >= 2]
    return [n for n in names if n.startswith(PREFIX)]


def clean_namespaces() -> list[str]:
    """Delete every `tnet-*` namespace (and with them veths, bridges, qdiscs)."""
    removed = []
    for ns in list_namespaces():
        # Processes still inside keep nothing alive once the ns is unlinked, but kill them.
        pids = _run("ip", "netns", "pids", ns, check=False).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), 9)
            except (OSError, ValueError):
                pass
        _run("ip", "netns", "del", ns, check=False)
        removed.append(ns)
    for link in list_root_links():
        _run("ip", "link", "del", link, check=False)
        removed.append(link)
    return removed

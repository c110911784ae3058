"""Multi-process test harness: genesis files, node subprocesses, HTTP polling.

Nodes run as `python -m beacon.cli.main run ...` subprocesses on loopback with free
ports; tests observe them only through the Beacon API, with bounded waits.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_genesis(path: Path, validator_count: int, delay: float) -> int:
    """Write a quick-start genesis `delay` seconds ahead; returns its genesis time."""
    from beacon.config import minimal
    from beacon.genesis.quickstart import quickstart_state
    from ssz.codec import encode

    state = quickstart_state(minimal, int(time.time() + delay), validator_count)
    path.write_bytes(encode(state))
    return int(state.genesis_time)


class Node:
    def __init__(self, name: str, workdir: Path, genesis: Path, *, validators: str | None,
                 seconds_per_slot: int, peers: tuple[str, ...] = (), extra: tuple = ()):
        self.name = name
        self.datadir = workdir / name
        self.genesis = genesis
        self.validators = validators
        self.seconds_per_slot = seconds_per_slot
        self.peers = list(peers)
        self.extra = list(extra)
        self.p2p_port, self.http_port = free_port(), free_port()
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def listen(self) -> str:
        return f"/ip4/127.0.0.1/tcp/{self.p2p_port}"

    def start(self) -> "Node":
        args = [sys.executable, "-m", "beacon.cli.main", "run", "--datadir", str(self.datadir),
                "--config", "minimal",
                "--seconds-per-slot", str(self.seconds_per_slot), "--listen", self.listen,
                "--http-port", str(self.http_port), "--no-metrics", "--log-level", "debug"]
        if self.genesis is not None:
            args += ["--genesis-state", str(self.genesis)]
        for p in self.peers:
            args += ["--peer", p]
        if self.validators:
            args += ["--validators", self.validators]
        args += self.extra
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        return self

    def get(self, path: str, timeout: float = 3.0):
        """JSON of a GET, or None when the node is not answering (yet)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}{path}",
                                        timeout=timeout) as r:
                return json.loads(r.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError,
                socket.timeout):
            return None

    def multiaddr(self, timeout: float = 30) -> str:
        ident = wait_for(lambda: self.get("/eth/v1/node/identity"), timeout, self)
        return ident["data"]["p2p_addresses"][0]

    def finalized_epoch(self) -> int:
        r = self.get("/eth/v1/beacon/states/head/finality_checkpoints")
        return -1 if r is None else int(r["data"]["finalized"]["epoch"])

    def finalized(self) -> tuple[int, str] | None:
        r = self.get("/eth/v1/beacon/states/head/finality_checkpoints")
        if r is None:
            return None
        return int(r["data"]["finalized"]["epoch"]), r["data"]["finalized"]["root"]

    def head_slot(self) -> int:
        r = self.get("/eth/v1/beacon/headers/head")
        return -1 if r is None else int(r["data"]["header"]["message"]["slot"])

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM, then wait; returns the exit code (SIGKILL if it does not stop)."""
        if not self.alive():
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            raise AssertionError(f"{self.name} did not stop within {timeout} s")

    def tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def wait_for(predicate, timeout: float, *nodes: Node, interval: float = 0.5):
    """Poll `predicate` until truthy; fail with the nodes' log tails after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for n in nodes:
            if n.proc is not None and not n.alive():
                raise AssertionError(f"{n.name} exited with {n.proc.returncode}:\n{n.tail()}")
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    tails = "\n".join(f"--- {n.name} ---\n{n.tail()}" for n in nodes)
    raise AssertionError(f"timed out after {timeout} s\n{tails}")

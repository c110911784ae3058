"""Lodestar 2019 (a740650, interop branch, spec v0.8.3) as a node kind.

Built by `interop/build-peers.sh` into `.peers/` from ../shared/interop/peers/, with our
patches applied (docs/interop/lodestar-2019.md). Lodestar 2019 has no HTTP API in its
`interop` command, so everything is read from its log (stdout, ANSI colours stripped):

    [NETWORK] info: PeerId 16Uiu2...                                   -> multiaddr
    [NETWORK] verbose: peer connected|disconnected ID                  -> peers
    [CHAIN] info: Slot S Block 0xROOT State ROOT passed state transition  -> imported, head
      (... passed state transition beside the head                     -> imported only)
    Switched head to 0xROOT at slot S (was 0xOLD at slot T, common ancestor at slot A;
      old-branch slots dropped from the main chain: N)                 -> head, a reorg
    Epoch E is justified! / Epoch E is finalized!                       -> checkpoints
      (E is the epoch of the checkpoint block's slot: lower than the checkpoint's
      epoch when that epoch's first slots were empty)

Its head is the last block imported on its head, or the branch head it switched to
(both logged since our branch-switch patch, deviation 9 in docs/interop/lodestar-2019.md).
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from testnet.nodes.base import Capabilities, Node, NodeStatus

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".peers" / "bin" / "lodestar-2019"

_ANSI = re.compile(rb"\x1b\[[0-9;]*m")
_PEER_ID = re.compile(rb"\[NETWORK\]\s+info: PeerId (\w+)")
_IMPORTED = re.compile(rb"Slot (\d+) Block 0x([0-9a-f]{64}) State ([0-9a-f]{64}) passed state")
_SWITCHED = re.compile(rb"Switched head to 0x([0-9a-f]{64}) at slot (\d+) \(was 0x([0-9a-f]{64}) "
                       rb"at slot (\d+), common ancestor at slot (\d+)[;)]")
_JUSTIFIED = re.compile(rb"Epoch (\d+) is justified!")
_FINALIZED = re.compile(rb"Epoch (\d+) is finalized!")
_PEER_EVENT = re.compile(rb"verbose: peer (connected|disconnected) (\w+)")
# Its connection events are not always logged; a hello exchanged proves a live peer
# with a stream opened (exercise 1).
_HELLO = re.compile(rb"receive hello (?:request|response) from (\w+)")
# Lodestar 2019 takes 7-33 s from launch to ready here, depending on load, and it must
# hold the genesis state when genesis passes: started later it "advances" its state to
# the current slot and can then never import the blocks it missed (it follows one linear
# chain). Our clock patch (interop/patches/lodestar-2019-genesis-clock.patch) makes an
# early start safe, so we start it well before genesis.
LAUNCH_BEFORE_GENESIS = 35.0


class LogFollower:
    """Incremental reader of a growing log: each call parses only the new bytes."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0
        self.partial = b""

    def new_lines(self) -> list[bytes]:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return []
        self.offset += len(data)
        data = self.partial + data
        lines = data.split(b"\n")
        self.partial = lines.pop()
        return [_ANSI.sub(b"", line) for line in lines]


class LodestarNode(Node):
    kind = "lodestar-2019"
    # Measured here (docs/interop/lodestar-2019.md): ~2 s per block import with 8
    # validators and 6-10 s per epoch transition on a loaded machine. No validator cap:
    # a run it cannot sustain fails, and the Lodestar-only baseline scenarios show
    # whether that is its own limit.
    caps = Capabilities(max_validators=None, min_seconds_per_slot=4, sync_from_genesis=True,
                        runs_in_netns=True, reports_roots=True, ancestry=False,
                        startup_seconds=LAUNCH_BEFORE_GENESIS + 2)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.log_follower = LogFollower(self.log_path)
        self.peer_id: str | None = None
        self.imported: dict[str, tuple[int, str]] = {}    # block root -> (slot, state root)
        self.head: tuple[int, str] | None = None
        self._reorgs: list[tuple[str, int, str, int, int]] = []   # not yet taken
        self.justified = 0
        self.finalized = 0
        self.peers: set[str] = set()

    def start(self, validators: range, peers: list[str]) -> None:
        if not BIN.exists():
            raise RuntimeError(f"{BIN} missing: run `bash interop/build-peers.sh lodestar`")
        wait = self.ctx.genesis_time - LAUNCH_BEFORE_GENESIS - time.time()
        if wait > 0:
            time.sleep(wait)
        self.datadir.mkdir(parents=True, exist_ok=True)
        argv = [str(BIN), "interop", "-p", self.ctx.preset,
                "-q", f"{self.ctx.genesis_time},{self.ctx.validator_count}",
                "-r", "--db", "./db",
                "--multiaddrs", f"/ip4/{self.net.ip}/tcp/{self.net.p2p_port}"]
        if len(validators):    # "A,B": keys A..B-1; omitted: none
            argv += ["-v", f"{validators.start},{validators.stop}"]
        if peers:
            argv += ["--bootnodes", ",".join(peers)]
        # cwd: Lodestar writes ./db and ./validators relative to it. The slot time comes
        # through our clock patch (interop/patches/lodestar-2019-clock.patch).
        self.spawn(argv, cwd=self.datadir,
                   env={"LODESTAR_SECONDS_PER_SLOT": str(self.ctx.seconds_per_slot)})

    def _follow(self) -> None:
        for line in self.log_follower.new_lines():
            m = _IMPORTED.search(line)
            if m:
                slot, root, state = int(m[1]), "0x" + m[2].decode(), "0x" + m[3].decode()
                self.imported[root] = (slot, state)
                if b"beside the head" not in line:
                    self.head = (slot, root)
                continue
            m = _SWITCHED.search(line)
            if m:
                self.head = (int(m[2]), "0x" + m[1].decode())
                self._reorgs.append(("0x" + m[3].decode(), int(m[4]), "0x" + m[1].decode(),
                                     int(m[2]), int(m[5])))
                continue
            m = _JUSTIFIED.search(line)
            if m:
                self.justified = max(self.justified, int(m[1]))
                continue
            m = _FINALIZED.search(line)
            if m:
                self.finalized = max(self.finalized, int(m[1]))
                continue
            m = _PEER_EVENT.search(line)
            if m:
                (self.peers.add if m[1] == b"connected" else self.peers.discard)(m[2].decode())
                continue
            m = _HELLO.search(line)
            if m:
                self.peers.add(m[1].decode())
                continue
            if self.peer_id is None:
                m = _PEER_ID.search(line)
                if m:
                    self.peer_id = m[1].decode()

    def logged_reorgs(self) -> list[tuple[str, int, str, int, int]]:
        self._follow()
        taken, self._reorgs = self._reorgs, []
        return taken

    def multiaddr(self, timeout: float = 60) -> str:
        def probe() -> str | None:
            self._follow()
            if self.peer_id is None:
                return None
            return f"/ip4/{self.net.ip}/tcp/{self.net.p2p_port}/p2p/{self.peer_id}"
        return self.wait_for_address(probe, timeout, "PeerId line")

    def status(self, t: float) -> NodeStatus:
        self._follow()
        s = NodeStatus(t=t, up=self.alive() and not self.paused,
                       rss_mb=self.rss(), cpu_s=self.cpu())
        if self.head is not None:
            s.head_slot, s.head_root = self.head
        s.justified_epoch = self.justified
        s.finalized_epoch = self.finalized
        s.peers = len(self.peers)
        return s

    def block_state_roots(self, limit: int = 256) -> dict[str, str] | None:
        self._follow()
        newest = sorted(self.imported.items(), key=lambda kv: kv[1][0])[-limit:]
        return {root: state for root, (_, state) in newest}

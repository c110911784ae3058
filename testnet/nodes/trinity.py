"""Trinity 2019 (019f8ea, spec v0.8.3) as a node kind.

Built by `interop/build-peers.sh` into `.peers/`. Observed through its JSON-RPC over HTTP
(`beacon_head` -> slot, block_root, state_root) and its DEBUG log for checkpoints:

    Node listening: /ip4/127.0.0.1/tcp/PORT/p2p/16Uiu2...                 -> multiaddr
    status at slot S in epoch E: ... finalized_checkpoint E, 0xabcd..ef01  -> finalized
    ... current_justified_checkpoint E, 0x....                            -> justified
    Handshake from|to [peer=]ID is finished. Added to the `handshake_peers`  -> peers
    Disconnect from ID                                                    -> peers

Trinity binds 127.0.0.1 only (hard-coded), so it cannot live in a network namespace.
Its `--validators` takes only the 16 interop keys it ships, so we hand it the keys of
any range in its own YAML key-file format (`--validators-from-yaml-key-file`; it maps
each key to its index by pubkey in the genesis state). It runs several processes;
`stop` signals the whole process group, which ends them all.
"""
from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

from testnet.nodes.base import Capabilities, Node, NodeStatus
from testnet.nodes.lodestar import LogFollower
from validator.keys import interop_privkey, interop_pubkey

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".peers" / "bin" / "trinity-2019"

_LISTENING = re.compile(rb"Node listening: (/ip4/\S+/p2p/\w+)")
_FINALIZED = re.compile(rb"finalized_checkpoint (\d+), ")
_JUSTIFIED = re.compile(rb"current_justified_checkpoint (\d+), ")
_IMPORTED = re.compile(rb"Successfully imported block")
_HANDSHAKE = re.compile(rb"Handshake (?:from |to peer=)(\w+) is finished")
_DISCONNECT = re.compile(rb"Disconnect from (\w+)")


class TrinityNode(Node):
    kind = "trinity-2019"
    caps = Capabilities(max_validators=None, min_seconds_per_slot=6, sync_from_genesis=False,
                        runs_in_netns=False, reports_roots=True, ancestry=False,
                        startup_seconds=25)
    # Trinity is Python 3.7 with its own venv: a PYTHONPATH of ours (this checkout) would
    # shadow its `ssz` package (py-ssz) with our `ssz/`, and it dies on import.
    env_drop = ("PYTHONPATH", "PYTHONHOME")

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.log_follower = LogFollower(self.log_path)
        self.maddr: str | None = None
        self.justified = 0
        self.finalized = 0
        self.heads: dict[str, tuple[int, str]] = {}     # block root -> (slot, state root)
        self.peers: set[str] = set()                    # handshaken peer ids

    def start(self, validators: range, peers: list[str]) -> None:
        if not BIN.exists():
            raise RuntimeError(f"{BIN} missing: run `bash interop/build-peers.sh trinity`")
        self.datadir.mkdir(parents=True, exist_ok=True)
        argv = [str(BIN), "-l", "DEBUG", "--trinity-root-dir", str(self.datadir.resolve()),
                "--port", str(self.net.p2p_port),
                "--enable-http", "--rpcport", str(self.net.http_port)]
        if peers:
            argv.append("--preferred_nodes=" + ",".join(peers))
        argv += ["interop", "--start-time", str(self.ctx.genesis_time),
                 "--genesis-state-ssz-path", str(Path(self.ctx.genesis_ssz).resolve()),
                 "--wipedb"]
        if len(validators):
            argv += ["--validators-from-yaml-key-file", str(self._write_keys(validators))]
        self.spawn(argv)

    def _write_keys(self, validators: range) -> Path:
        path = self.datadir / "interop-keys.yaml"
        path.write_text("".join(
            f"- privkey: 0x{interop_privkey(i):064x}\n  pubkey: 0x{interop_pubkey(i).hex()}\n"
            for i in validators))
        return path.resolve()

    def _follow(self) -> None:
        for line in self.log_follower.new_lines():
            m = _FINALIZED.search(line)
            if m:
                self.finalized = max(self.finalized, int(m[1]))
            m = _JUSTIFIED.search(line)
            if m:
                self.justified = max(self.justified, int(m[1]))
            m = _HANDSHAKE.search(line)
            if m:
                self.peers.add(m[1].decode())
            m = _DISCONNECT.search(line)
            if m:
                self.peers.discard(m[1].decode())
            if self.maddr is None:
                m = _LISTENING.search(line)
                if m:
                    self.maddr = m[1].decode()

    def rpc(self, method: str, timeout: float = 3.0):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": []}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.net.http_port}/", body,
                                     {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.loads(r.read()).get("result")
        except (OSError, ValueError):
            return None

    def multiaddr(self, timeout: float = 90) -> str:
        def probe() -> str | None:
            self._follow()
            return self.maddr
        return self.wait_for_address(probe, timeout, "'Node listening' line", step=0.5)

    def status(self, t: float) -> NodeStatus:
        self._follow()
        s = NodeStatus(t=t, up=self.alive() and not self.paused,
                       rss_mb=self.rss(), cpu_s=self.cpu())
        if not s.up:
            return s
        head = self.rpc("beacon_head")
        if isinstance(head, dict) and "block_root" in head:
            s.head_slot = int(head["slot"])
            s.head_root = _hex(head["block_root"])
            self.heads[s.head_root] = (s.head_slot, _hex(head["state_root"]))
        s.justified_epoch = self.justified
        s.finalized_epoch = self.finalized
        s.peers = len(self.peers)
        return s

    def block_state_roots(self, limit: int = 256) -> dict[str, str] | None:
        """The heads seen at each poll: (block root, state root) pairs from its RPC."""
        newest = sorted(self.heads.items(), key=lambda kv: kv[1][0])[-limit:]
        return {root: state for root, (_, state) in newest}


def _hex(v) -> str:
    v = str(v)
    return v if v.startswith("0x") else "0x" + v

"""Our own `beacon-node run` as a node kind, observed through its Beacon API.

Paths used (kept by the Starlette API in beacon/api/ as well):
/eth/v1/node/identity, /eth/v1/node/peers, /eth/v1/beacon/blocks/{head|0xroot},
/eth/v1/beacon/states/head/finality_checkpoints.
"""
from __future__ import annotations

import sys
from pathlib import Path

from testnet.net.transport import get_json
from testnet.nodes.base import Capabilities, Header, Node, NodeStatus

ROOT = Path(__file__).resolve().parents[2]


class OursNode(Node):
    kind = "ours"
    # ~100 ms per block import at 16 validators; 1 s slots hold up to ~32 per node here.
    caps = Capabilities(max_validators=None, min_seconds_per_slot=1, sync_from_genesis=True)

    def start(self, validators: range, peers: list[str]) -> None:
        argv = [sys.executable, "-m", "beacon.cli.main", "run",
                "--datadir", str(self.datadir), "--config", self.ctx.preset,
                "--genesis-state", str(self.ctx.genesis_ssz),
                "--seconds-per-slot", str(self.ctx.seconds_per_slot),
                "--listen", f"/ip4/{self.net.ip}/tcp/{self.net.p2p_port}",
                "--http-port", str(self.net.http_port), "--no-metrics", "--log-level", "info"]
        if len(validators):
            argv += ["--validators", f"{validators.start}:{len(validators)}"]
        for p in peers:
            argv += ["--peer", p]
        argv += list(self.flags)   # scenario flags (--misbehave, --attest-delay)
        self.spawn(argv, cwd=ROOT)

    def get(self, path: str, timeout: float = 3.0):
        return get_json(self.net.netns, self.net.http_port, path, timeout)

    def multiaddr(self, timeout: float = 30) -> str:
        def probe() -> str | None:
            ident = self.get("/eth/v1/node/identity")
            if not ident or not ident["data"]["p2p_addresses"]:
                return None
            addr = ident["data"]["p2p_addresses"][0]
            if "/p2p/" not in addr:
                addr += "/p2p/" + ident["data"]["peer_id"]
            return addr
        return self.wait_for_address(probe, timeout, "identity")

    def status(self, t: float) -> NodeStatus:
        s = NodeStatus(t=t, up=self.alive() and not self.paused,
                       rss_mb=self.rss(), cpu_s=self.cpu())
        if not s.up:
            return s
        h = self.header("head")
        if h:
            s.head_slot, s.head_root = h.slot, h.root
        f = self.get("/eth/v1/beacon/states/head/finality_checkpoints")
        if f:
            d = f["data"]
            s.justified_epoch = int(d["current_justified"]["epoch"])
            s.justified_root = d["current_justified"]["root"]
            s.finalized_epoch = int(d["finalized"]["epoch"])
            s.finalized_root = d["finalized"]["root"]
        p = self.get("/eth/v1/node/peers")
        if p:
            s.peers = sum(1 for x in p["data"] if x.get("state", "connected") == "connected")
        return s

    def header(self, root: str) -> Header | None:
        # /beacon/blocks, not /beacon/headers: the header route computes the proposer
        # from the block's post-state, a state regeneration for old blocks.
        b = self.get(f"/eth/v1/beacon/blocks/{root}")
        if not b:
            return None
        m = b["data"]["message"]
        return Header(int(m["slot"]), b["data"]["root"], m["parent_root"], m["state_root"])

    def block_state_roots(self, limit: int = 256) -> dict[str, str] | None:
        out: dict[str, str] = {}
        h = self.header("head")
        while h is not None and len(out) < limit:
            out[h.root] = h.state_root
            if h.slot == 0:
                break
            h = self.header(h.parent_root)
        return out

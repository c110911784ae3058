"""Shared pieces of the API tests: a fake backend and raw-socket HTTP on loopback.

Raw sockets rather than an HTTP client library, so the tests control every byte
(oversized and slow request heads) and see status lines exactly as sent.
"""
from __future__ import annotations

import trio

from beacon.api.server import serve_api
from beacon.config import minimal
from beacon.types import get_types
from ssz.signing import signing_root

T = get_types(minimal)


class FakeBackend:
    """Three blocks at slots 0..2, each with a post-state whose finalized epoch = slot."""

    def __init__(self):
        self.blocks, self.states = {}, {}
        parent = bytes(32)
        for slot in range(3):
            block = T.BeaconBlock(slot=slot, parent_root=parent)
            root = signing_root(block)
            self.blocks[root] = block
            state = T.BeaconState(slot=slot)
            state.finalized_checkpoint.epoch = slot
            self.states[root] = state
            parent = root
        self.roots = list(self.blocks)
        self.syncing = {"head_slot": 2, "sync_distance": 0, "is_syncing": False}
        self.peer_list = []

    def genesis(self):
        return {"genesis_time": 5, "genesis_validators_root": b"\x01" * 32,
                "genesis_fork_version": bytes(4)}

    def head(self): return self.roots[-1], 2
    def finalized_root(self): return self.roots[0]
    def finalized_slot(self): return 0
    def justified_root(self): return self.roots[1]
    def genesis_root(self): return self.roots[0]
    def block_root_at_slot(self, slot): return self.roots[slot] if slot < 3 else None
    def block(self, root): return self.blocks.get(root)
    async def proposer_index(self, root): return 7 if root in self.blocks else None
    async def state_at_block(self, root): return self.states.get(root)
    async def state_at_slot(self, slot): return self.states[self.roots[slot]] if slot < 3 else None

    async def state_by_root(self, root):
        return next((s for s in self.states.values() if s.hash_tree_root() == root), None)

    def identity(self):
        return {"peer_id": "16Uiu2Hfake", "p2p_addresses": ["/ip4/127.0.0.1/tcp/1"]}

    def peers(self): return self.peer_list
    def sync_status(self): return dict(self.syncing)


async def request(port: int, raw: bytes, timeout: float = 5.0) -> tuple[int, dict, bytes]:
    """Send `raw` on a fresh connection; (status, headers lower-cased, body) of the answer."""
    stream = await trio.open_tcp_stream("127.0.0.1", port)
    async with stream:
        await stream.send_all(raw)
        data = b""
        with trio.fail_after(timeout):
            while b"\r\n\r\n" not in data:
                chunk = await stream.receive_some(65536)
                if not chunk:
                    break
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            while len(body) < length:
                chunk = await stream.receive_some(65536)
                if not chunk:
                    break
                body += chunk
    return int(lines[0].split(" ")[1]), headers, body


async def get(port: int, path: str, accept: str | None = None, method: str = "GET"):
    extra = f"Accept: {accept}\r\n" if accept else ""
    raw = f"{method} {path} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n"
    return await request(port, raw.encode("utf-8"))


def run_with_api(check, backend=None):
    """Serve the API on a free loopback port, run `check(port, backend)`, stop."""
    async def main():
        b = backend or FakeBackend()
        async with trio.open_nursery() as nursery:
            port = await nursery.start(serve_api, b, "127.0.0.1", 0)
            await check(port, b)
            nursery.cancel_scope.cancel()
    trio.run(main)

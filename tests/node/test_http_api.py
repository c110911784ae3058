import json

import trio

from beacon.config import minimal
from beacon.node.http_api import serve_api
from beacon.types import get_types
from ssz.codec import decode, encode
from ssz.signing import signing_root
from tests.node.test_metrics import http_get

T = get_types(minimal)


class FakeBackend:
    def __init__(self):
        self.blocks = {}
        self.states = {}  # block root -> state
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

    def genesis(self):
        return {"genesis_time": 5, "genesis_validators_root": b"\x01" * 32,
                "genesis_fork_version": bytes(4)}
    def head(self): return self.roots[-1], 2
    def finalized_root(self): return self.roots[0]
    def justified_root(self): return self.roots[1]
    def genesis_root(self): return self.roots[0]
    def block_root_at_slot(self, slot): return self.roots[slot] if slot < 3 else None
    def block(self, root): return self.blocks.get(root)
    def state_at_block(self, root): return self.states.get(root)
    def state_at_slot(self, slot): return self.states[self.roots[slot]] if slot < 3 else None
    def state_by_root(self, root):
        return next((s for s in self.states.values() if s.hash_tree_root() == root), None)
    def identity(self): return {"peer_id": "16Uiu2Hfake", "p2p_addresses": ["/ip4/127.0.0.1/tcp/1"]}
    def peers(self): return []
    def sync_status(self): return {"head_slot": 2, "sync_distance": 0, "is_syncing": False}


async def get_raw(port, path, accept="application/json"):
    raw = f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\n\r\n".encode()
    return await http_get(port, None, raw=raw)


def run_with_api(check):
    async def main():
        b = FakeBackend()
        async with trio.open_nursery() as nursery:
            port = await nursery.start(serve_api, b, "127.0.0.1", 0)
            await check(port, b)
            nursery.cancel_scope.cancel()
    trio.run(main)


def test_node_and_genesis_endpoints():
    async def check(port, b):
        for path in ("/eth/v1/node/identity", "/eth/v1/node/peers", "/eth/v1/node/syncing",
                     "/eth/v1/node/version", "/eth/v1/beacon/genesis"):
            status, body = await get_raw(port, path)
            assert status == 200, path
            assert "data" in json.loads(body)
        status, body = await get_raw(port, "/eth/v1/beacon/genesis")
        assert json.loads(body)["data"]["genesis_time"] == "5"
        status, _ = await get_raw(port, "/eth/v1/node/health")
        assert status == 200
    run_with_api(check)


def test_blocks_headers_and_states_by_every_id_kind():
    async def check(port, b):
        root1 = "0x" + b.roots[1].hex()
        for block_id in ("head", "genesis", "finalized", "1", root1):
            status, body = await get_raw(port, f"/eth/v1/beacon/headers/{block_id}")
            assert status == 200, block_id
        status, body = await get_raw(port, f"/eth/v1/beacon/headers/{root1}")
        assert json.loads(body)["data"]["header"]["message"]["slot"] == "1"
        status, body = await get_raw(port, "/eth/v1/beacon/blocks/2")
        assert json.loads(body)["data"]["message"]["slot"] == "2"
        status, body = await get_raw(port, "/eth/v1/beacon/blocks/head", "application/octet-stream")
        assert status == 200 and decode(T.BeaconBlock, body) == b.blocks[b.roots[2]]
        status, body = await get_raw(port, "/eth/v1/beacon/states/head/finality_checkpoints")
        assert json.loads(body)["data"]["finalized"]["epoch"] == "2"
        status, body = await get_raw(port, "/eth/v1/debug/beacon/states/1", "application/octet-stream")
        assert status == 200 and body == encode(b.states[b.roots[1]])
        state_root = "0x" + b.states[b.roots[0]].hash_tree_root().hex()
        status, body = await get_raw(port, f"/eth/v1/beacon/states/{state_root}/finality_checkpoints")
        assert status == 200
    run_with_api(check)


def test_bad_requests_get_json_errors():
    async def check(port, b):
        cases = {"/eth/v1/beacon/headers/0x12": 400, "/eth/v1/beacon/headers/-1": 400,
                 "/eth/v1/beacon/headers/99999999999999999999999": 400,
                 "/eth/v1/beacon/blocks/77": 404, "/eth/v1/beacon/blocks/0x" + "ab" * 32: 404,
                 "/eth/v1/debug/beacon/states/9": 404, "/eth/v1/nothing": 404}
        for path, code in cases.items():
            status, body = await get_raw(port, path)
            assert status == code, path
            assert json.loads(body)["code"] == code
        status, _ = await http_get(port, None, raw=b"POST /eth/v1/node/version HTTP/1.1\r\n\r\n")
        assert status == 405
        status, _ = await get_raw(port, "/eth/v1/node/version")
        assert status == 200
    run_with_api(check)

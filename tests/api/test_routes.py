"""Every endpoint answers in the standard Beacon API shapes, JSON or SSZ by Accept."""
import json

from tests.api.harness import T, get, run_with_api
from ssz.codec import decode, encode

SSZ = "application/octet-stream"


def test_node_endpoints():
    async def check(port, b):
        for path in ("/eth/v1/node/identity", "/eth/v1/node/peers", "/eth/v1/node/syncing",
                     "/eth/v1/node/version", "/eth/v1/beacon/genesis"):
            status, _, body = await get(port, path)
            assert status == 200, path
            assert "data" in json.loads(body)
        status, _, body = await get(port, "/eth/v1/beacon/genesis")
        assert json.loads(body)["data"] == {
            "genesis_time": "5", "genesis_validators_root": "0x" + "01" * 32,
            "genesis_fork_version": "0x00000000"}
        status, _, body = await get(port, "/eth/v1/node/syncing")
        assert json.loads(body)["data"]["sync_distance"] == "0"
        status, _, _ = await get(port, "/eth/v1/node/health")
        assert status == 200
        b.syncing.update(is_syncing=True, sync_distance=100, blocks_per_second=12.5,
                         eta_seconds=8.0)
        status, _, _ = await get(port, "/eth/v1/node/health")
        assert status == 206
        status, _, body = await get(port, "/eth/v1/node/syncing")
        data = json.loads(body)["data"]
        assert (data["is_syncing"], data["sync_distance"], data["blocks_per_second"],
                data["eta_seconds"]) == (True, "100", "12.5", "8")
    run_with_api(check)


def test_peers_and_their_filters():
    async def check(port, b):
        b.peer_list = [{"peer_id": "A", "last_seen_p2p_address": "", "state": "connected",
                        "direction": "inbound"},
                       {"peer_id": "B", "last_seen_p2p_address": "", "state": "connected",
                        "direction": "outbound"}]
        status, _, body = await get(port, "/eth/v1/node/peers")
        assert json.loads(body)["meta"]["count"] == 2
        status, _, body = await get(port, "/eth/v1/node/peers?direction=outbound&state=connected")
        assert [p["peer_id"] for p in json.loads(body)["data"]] == ["B"]
        status, _, body = await get(port, "/eth/v1/node/peers?direction=sideways")
        assert status == 400 and json.loads(body)["code"] == 400
    run_with_api(check)


def test_headers_blocks_and_states_by_every_id_kind():
    async def check(port, b):
        root1 = "0x" + b.roots[1].hex()
        for block_id in ("head", "genesis", "finalized", "justified", "1", root1):
            status, _, body = await get(port, f"/eth/v1/beacon/headers/{block_id}")
            assert status == 200, block_id
        status, _, body = await get(port, f"/eth/v1/beacon/headers/{root1}")
        data = json.loads(body)["data"]
        assert data["header"]["message"]["slot"] == "1"
        assert data["header"]["message"]["proposer_index"] == "7"  # was null before
        assert data["root"] == root1 and data["canonical"] is True
        status, _, body = await get(port, "/eth/v1/beacon/blocks/2")
        assert json.loads(body)["data"]["message"]["slot"] == "2"
        status, headers, body = await get(port, "/eth/v1/beacon/blocks/head", SSZ)
        assert status == 200 and headers["content-type"] == SSZ
        assert decode(T.BeaconBlock, body) == b.blocks[b.roots[2]]
        status, _, body = await get(port, "/eth/v1/beacon/states/head/finality_checkpoints")
        assert json.loads(body)["data"]["finalized"]["epoch"] == "2"
        state_root = "0x" + b.states[b.roots[0]].hash_tree_root().hex()
        status, _, body = await get(port, f"/eth/v1/beacon/states/{state_root}/finality_checkpoints")
        assert status == 200 and json.loads(body)["data"]["finalized"]["epoch"] == "0"
    run_with_api(check)


def test_debug_states_v1_and_v2_by_accept():
    async def check(port, b):
        want = encode(b.states[b.roots[1]])
        for version in ("v1", "v2"):
            path = f"/eth/{version}/debug/beacon/states/1"
            status, headers, body = await get(port, path, SSZ)
            assert status == 200 and body == want and headers["content-type"] == SSZ
            status, headers, body = await get(port, path)  # no Accept: JSON
            assert status == 200 and headers["content-type"] == "application/json"
            status, _, body = await get(port, path, f"{SSZ};q=0.5, application/json")
            assert body.startswith(b"{")
        status, headers, body = await get(port, "/eth/v2/debug/beacon/states/0")
        doc = json.loads(body)
        assert headers["eth-consensus-version"] == "phase0"
        assert (doc["version"], doc["finalized"], doc["data"]["slot"]) == ("phase0", True, "0")
        status, _, body = await get(port, "/eth/v2/debug/beacon/states/head", "text/html")
        assert status == 406 and json.loads(body)["code"] == 406
    run_with_api(check)


def test_unknown_and_malformed_get_json_errors():
    async def check(port, b):
        cases = {"/eth/v1/beacon/headers/0x12": 400, "/eth/v1/beacon/headers/-1": 400,
                 "/eth/v1/beacon/headers/99999999999999999999999": 400,
                 "/eth/v1/beacon/headers/18446744073709551616": 400,
                 "/eth/v1/beacon/blocks/77": 404, "/eth/v1/beacon/blocks/0x" + "ab" * 32: 404,
                 "/eth/v1/debug/beacon/states/9": 404, "/eth/v2/debug/beacon/states/9": 404,
                 "/eth/v1/beacon/states/0x" + "cd" * 32 + "/finality_checkpoints": 404,
                 "/eth/v1/nothing": 404}
        for path, code in cases.items():
            status, headers, body = await get(port, path)
            assert status == code, path
            assert headers["content-type"] == "application/json"
            assert json.loads(body)["code"] == code
    run_with_api(check)

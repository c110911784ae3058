"""POST /eth/v1/beacon/pool/{voluntary_exits,proposer_slashings,attester_slashings}:
400 {"code","message"} for bad JSON, a wrong shape or a failed spec condition (bad
signature, exit too young); 200 and pooled otherwise. GET .../validators/{id}."""
import json

import pytest

from beacon.config import minimal
from beacon.operations.submit import pooled_operations, submit_operation
from tests.api.harness import FakeBackend, get, request, run_with_api
from validator import evidence
from validator.keys import interop_pubkey
from validator.op_pool import OperationPool


@pytest.fixture(scope="module")
def genesis16():
    from beacon.genesis.quickstart import quickstart_state
    return quickstart_state(minimal, 1567777777, 16)


class OpsBackend(FakeBackend):
    def __init__(self, state, config=minimal):
        super().__init__()
        self.config = config
        self.head_state = state
        self.pool = OperationPool(config)
        self.published = []

    def state_at_block(self, root):
        return self.head_state

    async def submit_operation(self, kind, op):
        await submit_operation(self.config, self.head_state, self.pool, None, kind, op)

    def pooled_operations(self, kind):
        return pooled_operations(self.pool, kind)


async def post(port, path, body):
    raw = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    status, _, out = await request(port, raw)
    return status, (json.loads(out) if out else None)


def _body(op):
    return json.dumps(evidence.standard_json(op)).encode()


def test_bad_json_shape_and_signature_are_400(genesis16):
    good = evidence.proposer_slashing(minimal, genesis16, 4, slot=3)

    async def check(port, b):
        path = "/eth/v1/beacon/pool/proposer_slashings"
        for body in (b"{not json", b"[1, 2]", b'{"signed_header_1": 5}',
                     b'{"proposer_index": "x"}'):
            status, err = await post(port, path, body)
            assert status == 400 and err["code"] == 400 and err["message"], body
        forged = json.loads(_body(good))
        forged["signed_header_2"]["signature"] = forged["signed_header_1"]["signature"]
        status, err = await post(port, path, json.dumps(forged).encode())
        assert status == 400 and "signature" in err["message"]
        assert b.pool.proposer_slashings == {}
    run_with_api(check, OpsBackend(genesis16))


def test_good_slashings_are_pooled_and_listed(genesis16):
    ps = evidence.proposer_slashing(minimal, genesis16, 4, slot=3)
    ats = evidence.attester_slashing(minimal, genesis16, [6, 9], target_epoch=0)

    async def check(port, b):
        status, _ = await post(port, "/eth/v1/beacon/pool/proposer_slashings", _body(ps))
        assert status == 200
        assert list(b.pool.proposer_slashings) == [4]
        status, _ = await post(port, "/eth/v1/beacon/pool/attester_slashings", _body(ats))
        assert status == 200 and len(b.pool.attester_slashings) == 1
        status, _, body = await get(port, "/eth/v1/beacon/pool/attester_slashings")
        listed = json.loads(body)["data"]
        assert listed[0]["attestation_1"]["custody_bit_0_indices"] == ["6", "9"]
        # v0.8.4 JSON (as GET lists it) is accepted too.
        other = evidence.proposer_slashing(minimal, genesis16, 7, slot=3)
        status, _ = await post(port, "/eth/v1/beacon/pool/proposer_slashings",
                               json.dumps(_v084(other)).encode())
        assert status == 200 and sorted(b.pool.proposer_slashings) == [4, 7]
    run_with_api(check, OpsBackend(genesis16))


def _v084(op):
    from beacon.api.encoding import to_json
    return to_json(op)


def test_exit_too_young_is_400_and_accepted_once_old_enough(genesis16):
    young = evidence.voluntary_exit(minimal, genesis16, 5, epoch=0)

    async def refuse(port, b):
        status, err = await post(port, "/eth/v1/beacon/pool/voluntary_exits", _body(young))
        assert status == 400 and "active long enough" in err["message"]
        assert b.pool.voluntary_exits == {}
    run_with_api(refuse, OpsBackend(genesis16))

    # The same exit where PERSISTENT_COMMITTEE_PERIOD (2048 epochs on minimal) is over:
    # a config without the wait stands in for a state 2048 epochs on.
    aged = minimal.replace(PERSISTENT_COMMITTEE_PERIOD=0)

    async def accept(port, b):
        status, _ = await post(port, "/eth/v1/beacon/pool/voluntary_exits", _body(young))
        assert status == 200 and list(b.pool.voluntary_exits) == [5]
        bad = json.loads(_body(young))
        bad["message"]["validator_index"] = "6"
        status, err = await post(port, "/eth/v1/beacon/pool/voluntary_exits", json.dumps(bad).encode())
        assert status == 400 and "signature" in err["message"]
    run_with_api(accept, OpsBackend(genesis16, aged))


def test_validator_by_index_and_pubkey(genesis16):
    async def check(port, b):
        status, _, body = await get(port, "/eth/v1/beacon/states/head/validators/3")
        data = json.loads(body)["data"]
        assert status == 200 and data["status"] == "active_ongoing"
        assert data["validator"]["slashed"] is False
        assert data["validator"]["exit_epoch"] == str(2**64 - 1)
        pk = "0x" + interop_pubkey(3).hex()
        status, _, body = await get(port, f"/eth/v1/beacon/states/head/validators/{pk}")
        assert status == 200 and json.loads(body)["data"]["index"] == "3"
        status, _, _ = await get(port, "/eth/v1/beacon/states/head/validators/99")
        assert status == 404
        status, _, body = await get(port, "/eth/v1/beacon/states/head/validators/abc")
        assert status == 400 and json.loads(body)["code"] == 400
    run_with_api(check, OpsBackend(genesis16))

"""/eth/v1/beacon/pool/{voluntary_exits,proposer_slashings,attester_slashings} (POST to
submit, GET to list) and /eth/v1/beacon/states/{state_id}/validators/{validator_id}.

POST bodies: the standard Beacon API shapes, mapped onto v0.8.4 containers, or the
v0.8.4 containers' own JSON (as GET returns them):
- voluntary exit: `{"message": {"epoch", "validator_index"}, "signature"}`; v0.8.4 signs
  the exit itself, so this is `VoluntaryExit{epoch, validator_index, signature}`.
- proposer slashing: `{"signed_header_1": {"message": {"slot", "proposer_index",
  "parent_root", "state_root", "body_root"}, "signature"}, "signed_header_2": ...}`;
  v0.8.4 keeps `proposer_index` beside the two headers, so both must name the same one.
- attester slashing: `{"attestation_1": {"attesting_indices", "data", "signature"},
  "attestation_2": ...}`; `attesting_indices` become `custody_bit_0_indices` (phase 0 has
  no custody bit 1). `data` is v0.8.4 AttestationData (with `crosslink`, no slot/index).

Each is checked against the head state by the spec's own processing (signatures
included), then pooled for our proposals and published on its gossip topic. 400 with
`{"code", "message"}`: unreadable JSON, a wrong shape, or a failed spec condition (the
message names it, e.g. "validator has not been active long enough").
"""
from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from beacon.api import backend as resolve
from beacon.api.backend import backend
from beacon.api.encoding import to_json
from beacon.api.errors import BadRequest, NotFound
from beacon.operations.check import OperationRejected
from beacon.types import get_types
from ssz.yaml_codec import SSZValueError, from_obj

MAX_BODY = 64 * 1024      # an attester slashing of two full mainnet committees is ~50 KB
PATHS = {"voluntary_exits": "voluntary_exit", "proposer_slashings": "proposer_slashing",
         "attester_slashings": "attester_slashing"}


def _exit(body: dict) -> dict:
    if isinstance(body, dict) and "message" in body:
        return {**_obj(body["message"], "message"), "signature": body.get("signature")}
    return body


def _header(signed, name: str) -> tuple[object, dict]:
    signed = _obj(signed, name)
    msg = _obj(signed.get("message"), f"{name}.message")
    header = {k: msg.get(k) for k in ("slot", "parent_root", "state_root", "body_root")}
    return msg.get("proposer_index"), {**header, "signature": signed.get("signature")}


def _proposer_slashing(body: dict) -> dict:
    if isinstance(body, dict) and "signed_header_1" in body:
        p1, h1 = _header(body["signed_header_1"], "signed_header_1")
        p2, h2 = _header(body.get("signed_header_2"), "signed_header_2")
        if str(p1) != str(p2):
            raise BadRequest("the two headers name different proposers")
        return {"proposer_index": p1, "header_1": h1, "header_2": h2}
    return body


def _indexed(att, name: str) -> dict:
    att = _obj(att, name)
    if "attesting_indices" in att:
        return {"custody_bit_0_indices": att["attesting_indices"], "custody_bit_1_indices": [],
                "data": att.get("data"), "signature": att.get("signature")}
    return att


def _attester_slashing(body: dict) -> dict:
    body = _obj(body, "body")
    return {"attestation_1": _indexed(body.get("attestation_1"), "attestation_1"),
            "attestation_2": _indexed(body.get("attestation_2"), "attestation_2")}


def _obj(value, name: str) -> dict:
    if not isinstance(value, dict):
        raise BadRequest(f"{name}: expected a JSON object")
    return value


SHAPES = {"voluntary_exit": ("VoluntaryExit", _exit),
          "proposer_slashing": ("ProposerSlashing", _proposer_slashing),
          "attester_slashing": ("AttesterSlashing", _attester_slashing)}


def parse_operation(config, kind: str, raw: bytes):
    """The v0.8.4 container of `kind` from a POST body.

    Raises:
        BadRequest: too large, not JSON, or not the shape of `kind`.
    """
    if len(raw) > MAX_BODY:
        raise BadRequest(f"body larger than {MAX_BODY} bytes")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest(f"invalid JSON: {e}") from None
    type_name, reshape = SHAPES[kind]
    try:
        return from_obj(getattr(get_types(config), type_name), reshape(body))
    except (SSZValueError, TypeError, ValueError, KeyError, AttributeError) as e:
        raise BadRequest(f"invalid {kind}: {e}") from None


async def submit(request: Request):
    kind = PATHS[request.url.path.rsplit("/", 1)[-1]]
    b = backend(request)
    op = parse_operation(b.config, kind, await request.body())
    try:
        await b.submit_operation(kind, op)
    except OperationRejected as e:
        raise BadRequest(str(e)) from None
    return Response(status_code=200)


async def listing(request: Request):
    kind = PATHS[request.url.path.rsplit("/", 1)[-1]]
    return JSONResponse({"data": [to_json(op) for op in backend(request).pooled_operations(kind)]})


def validator_status(v, epoch: int, far_future: int) -> str:
    """The standard API's validator status names (validator-flow in beacon-APIs)."""
    if int(v.activation_epoch) > epoch:
        return ("pending_initialized" if int(v.activation_eligibility_epoch) == far_future
                else "pending_queued")
    if epoch < int(v.exit_epoch):
        if int(v.exit_epoch) == far_future:
            return "active_ongoing"
        return "active_slashed" if v.slashed else "active_exiting"
    if epoch < int(v.withdrawable_epoch):
        return "exited_slashed" if v.slashed else "exited_unslashed"
    return "withdrawal_possible" if int(v.effective_balance) > 0 else "withdrawal_done"


async def validator(request: Request):
    b = backend(request)
    state = resolve.state(b, request.path_params["state_id"])
    vid = request.path_params["validator_id"]
    vals = state.validators
    if vid.isdigit() and len(vid) < 20:
        index = int(vid)
    elif vid.startswith("0x") and len(vid) == 98:
        try:
            key = bytes.fromhex(vid[2:])
        except ValueError:
            raise BadRequest(f"invalid validator_id {vid[:100]!r}") from None
        index = next((i for i in range(len(vals)) if bytes(vals[i].pubkey) == key), len(vals))
    else:
        raise BadRequest(f"invalid validator_id {vid[:100]!r}: an index or a 0x pubkey")
    if index >= len(vals):
        raise NotFound(f"validator {vid} not found")
    v = vals[index]
    config = b.config
    epoch = int(state.slot) // config.SLOTS_PER_EPOCH
    return JSONResponse({"data": {
        "index": str(index), "balance": str(int(state.balances[index])),
        "status": validator_status(v, epoch, config.FAR_FUTURE_EPOCH),
        "validator": to_json(v)}})


ROUTES = [
    *(Route(f"/eth/v1/beacon/pool/{p}", submit, methods=["POST"]) for p in PATHS),
    *(Route(f"/eth/v1/beacon/pool/{p}", listing, methods=["GET"]) for p in PATHS),
    Route("/eth/v1/beacon/states/{state_id}/validators/{validator_id}", validator,
          methods=["GET"]),
]

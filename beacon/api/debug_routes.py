"""/eth/v1 and /eth/v2 debug/beacon/states/{state_id}: a whole state, JSON or SSZ by Accept."""
from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from beacon.api import backend as resolve
from beacon.api.backend import backend
from beacon.api.encoding import ssz_or_json, to_json

FORK = "phase0"


async def state_v1(request: Request):
    state = await resolve.state(backend(request), request.path_params["state_id"])
    return ssz_or_json(request, state, lambda: {"data": to_json(state)})


async def state_v2(request: Request):
    b = backend(request)
    state = await resolve.state(b, request.path_params["state_id"])
    return ssz_or_json(
        request, state,
        lambda: {"version": FORK, "execution_optimistic": False,
                 "finalized": int(state.slot) <= b.finalized_slot(),
                 "data": to_json(state)},
        headers={"Eth-Consensus-Version": FORK})


ROUTES = [
    Route("/eth/v1/debug/beacon/states/{state_id}", state_v1, methods=["GET"]),
    Route("/eth/v2/debug/beacon/states/{state_id}", state_v2, methods=["GET"]),
]

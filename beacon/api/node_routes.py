"""/eth/v1/node/*: identity, peers, syncing, health, version (standard Beacon API shapes)."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from beacon.api.backend import backend
from beacon.api.errors import BadRequest

VERSION = "pybeacon/0.1.0 (phase0 v0.8.4)"
PEER_STATES = ("disconnected", "connecting", "connected", "disconnecting")
PEER_DIRECTIONS = ("inbound", "outbound")


async def identity(request: Request):
    ident = backend(request).identity()
    return JSONResponse({"data": {"peer_id": ident["peer_id"], "enr": "",
                                  "p2p_addresses": ident["p2p_addresses"],
                                  "discovery_addresses": [], "metadata": {}}})


def _filter(request: Request, name: str, allowed: tuple[str, ...]) -> set[str] | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    wanted = {v.strip() for value in values for v in value.split(",")}
    bad = wanted - set(allowed)
    if bad:
        raise BadRequest(f"invalid {name} {sorted(bad)[0][:40]!r}: expected one of {allowed}")
    return wanted


async def peers(request: Request):
    states = _filter(request, "state", PEER_STATES)
    directions = _filter(request, "direction", PEER_DIRECTIONS)
    out = [{"enr": "", **p} for p in backend(request).peers()
           if (states is None or p["state"] in states)
           and (directions is None or p["direction"] in directions)]
    return JSONResponse({"data": out, "meta": {"count": len(out)}})


async def syncing(request: Request):
    s = backend(request).sync_status()
    data = {"head_slot": str(s["head_slot"]), "sync_distance": str(s["sync_distance"]),
            "is_syncing": s["is_syncing"], "is_optimistic": False, "el_offline": False}
    # Not in the standard shape: what other clients show in their sync log line.
    if "blocks_per_second" in s:
        data["blocks_per_second"] = f"{s['blocks_per_second']:.1f}"
        eta = s.get("eta_seconds")
        data["eta_seconds"] = None if eta is None else str(round(eta))
    return JSONResponse({"data": data})


async def health(request: Request):
    # 200 ready, 206 syncing (standard); the body is empty by the standard too.
    return Response(status_code=206 if backend(request).sync_status()["is_syncing"] else 200)


async def version(request: Request):
    return JSONResponse({"data": {"version": VERSION}})


ROUTES = [
    Route("/eth/v1/node/identity", identity, methods=["GET"]),
    Route("/eth/v1/node/peers", peers, methods=["GET"]),
    Route("/eth/v1/node/syncing", syncing, methods=["GET"]),
    Route("/eth/v1/node/health", health, methods=["GET"]),
    Route("/eth/v1/node/version", version, methods=["GET"]),
]

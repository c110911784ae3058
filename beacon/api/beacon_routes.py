"""/eth/v1/beacon/*: genesis, block headers, blocks (JSON or SSZ), finality checkpoints."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from beacon.api import backend as resolve
from beacon.api.backend import backend
from beacon.api.encoding import hex0x, ssz_or_json, to_json
from ssz.signing import hash_tree_root, signing_root


async def genesis(request: Request):
    g = backend(request).genesis()
    return JSONResponse({"data": {
        "genesis_time": str(g["genesis_time"]),
        "genesis_validators_root": hex0x(g["genesis_validators_root"]),
        "genesis_fork_version": hex0x(g["genesis_fork_version"])}})


async def header(request: Request):
    b = backend(request)
    root, block = resolve.block(b, request.path_params["block_id"])
    proposer = await b.proposer_index(root)
    message = {"slot": str(int(block.slot)),
               # v0.8.4 blocks do not carry it; computed from the block's post-state.
               "proposer_index": str(proposer if proposer is not None else 0),
               "parent_root": hex0x(block.parent_root),
               "state_root": hex0x(block.state_root),
               "body_root": hex0x(hash_tree_root(block.body))}
    return JSONResponse({"data": {
        "root": hex0x(root),
        "canonical": b.block_root_at_slot(int(block.slot)) == root,
        "header": {"message": message, "signature": hex0x(block.signature)}}})


async def block(request: Request):
    _, blk = resolve.block(backend(request), request.path_params["block_id"])
    # v0.8.4 blocks carry their own signature, so `message` is the whole block; `root`
    # is the signing root, the id used everywhere else.
    return ssz_or_json(request, blk, lambda: {"data": {
        "message": to_json(blk), "signature": hex0x(blk.signature),
        "root": hex0x(signing_root(blk))}})


async def finality_checkpoints(request: Request):
    state = await resolve.state(backend(request), request.path_params["state_id"])

    def cp(c):
        return {"epoch": str(int(c.epoch)), "root": hex0x(c.root)}

    return JSONResponse({"data": {
        "previous_justified": cp(state.previous_justified_checkpoint),
        "current_justified": cp(state.current_justified_checkpoint),
        "finalized": cp(state.finalized_checkpoint)}})


ROUTES = [
    Route("/eth/v1/beacon/genesis", genesis, methods=["GET"]),
    Route("/eth/v1/beacon/headers/{block_id}", header, methods=["GET"]),
    Route("/eth/v1/beacon/blocks/{block_id}", block, methods=["GET"]),
    Route("/eth/v1/beacon/states/{state_id}/finality_checkpoints", finality_checkpoints,
          methods=["GET"]),
]

"""http:api: the Beacon API's ASGI app (beacon/api/app.py), called in-process.

The input is read as an HTTP request the way hypercorn hands it to the app: a request
line `METHOD TARGET` and header lines, `\\n`-separated. The target is limited to the
bytes h11 lets through (visible ASCII) and percent-decoded like hypercorn does, so
every request here is one a client could send. The backend is the node's own
`NodeView` over a real chain: interop genesis and three signed blocks.

Documented outcome: a complete response whose status is not 500 (500 is a handler bug);
every error body is `{"code": status, "message": str}`; a 200 SSZ block or state body
decodes strictly and re-encodes to the same bytes.
"""
from __future__ import annotations

from fuzz.common import Target

ROUTES = ("/eth/v1/beacon/genesis", "/eth/v1/beacon/headers/{id}", "/eth/v1/beacon/blocks/{id}",
          "/eth/v1/beacon/states/{id}/finality_checkpoints", "/eth/v1/debug/beacon/states/{id}",
          "/eth/v2/debug/beacon/states/{id}", "/eth/v1/node/identity", "/eth/v1/node/peers",
          "/eth/v1/node/syncing", "/eth/v1/node/health", "/eth/v1/node/version",
          "/eth/v1/debug/fork_choice", "/fork-view")
IDS = ("head", "genesis", "finalized", "justified", "0", "2", "18446744073709551615",
       "3", "4", "0x" + "00" * 32, "0x" + "11" * 31)
METHODS = ("GET", "HEAD", "POST", "DELETE", "OPTIONS")


def _real_view(tmp: str):
    """`NodeView` (what the node serves the API from) over a real chain in `tmp`: the
    interop genesis of 16 validators and 3 signed blocks with their votes."""
    from pathlib import Path

    from beacon.config import minimal
    from beacon.genesis.quickstart import quickstart_state
    import trio

    from beacon.api.metrics import NodeMetrics
    from beacon.chain.op_pool import OperationPool
    from beacon.chain.service import ChainService
    from beacon.node.chain_open import open_chain
    from beacon.node.views import NodeView
    from ssz.codec import encode
    from ssz.signing import signing_root
    from validator import production
    from validator.keys import interop_privkey

    genesis = quickstart_state(minimal, 1567777777, 16)
    path = Path(tmp) / "genesis.ssz"
    path.write_bytes(encode(genesis))
    chain = open_chain(minimal, Path(tmp) / "node", path, now=lambda: 10**10)
    cs = ChainService(chain, minimal, NodeMetrics(), OperationPool(minimal))
    blocks = []
    header = genesis.latest_block_header.copy()
    header.state_root = genesis.hash_tree_root()
    parent_root, state = signing_root(header), genesis
    for slot in range(1, 4):
        votes = production.attest_slot(minimal, state, parent_root, slot - 1, interop_privkey)
        block, state = production.propose(minimal, state, parent_root, slot, interop_privkey,
                                          operations={"attestations": votes})
        blocks.append(block)
        parent_root = signing_root(block)

    async def import_all():  # the chain task imports them and publishes its snapshot
        async with trio.open_nursery() as nursery:
            await nursery.start(cs.run)
            for block in blocks:
                assert await cs.import_block(block, "local") is None
            nursery.cancel_scope.cancel()
    trio.run(import_all)
    return NodeView(minimal, cs)


def parse_request(data: bytes) -> tuple[str, bytes, bytes, list[tuple[bytes, bytes]]]:
    """(method, raw path, query string, headers) from fuzz bytes, as h11 would pass them."""
    lines = data.split(b"\n")
    first = lines[0].split(b" ", 1)
    method = bytes(c for c in first[0] if 0x41 <= c <= 0x5A).decode() or "GET"
    target = bytes(c for c in (first[1] if len(first) > 1 else b"/") if 0x21 <= c <= 0x7E)
    if not target.startswith(b"/"):
        target = b"/" + target
    raw_path, _, query = target.partition(b"?")
    headers = []
    for line in lines[1:32]:
        name, sep, value = line.partition(b":")
        name = bytes(c for c in name if 0x21 <= c <= 0x7E and c != 0x3A).lower()
        if sep and name:
            headers.append((name, bytes(c for c in value.strip() if c >= 0x20 and c != 0x7F)))
    return method, raw_path, query, headers


def _make():
    import json
    from urllib.parse import unquote

    import trio

    from beacon.api.app import build_api_app
    from beacon.config import minimal
    from beacon.protocol import DEFAULT as PROTOCOL
    from ssz.codec import decode, encode
    import atexit
    import tempfile
    T = PROTOCOL.types(minimal)
    tmp = tempfile.TemporaryDirectory(prefix="fuzz-http-")
    view = _real_view(tmp.name)
    atexit.register(lambda: (view.cs.chain.db.close(), tmp.cleanup()))
    app = build_api_app(view)

    def one(data: bytes) -> None:
        method, raw_path, query, headers = parse_request(data)
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method, "scheme": "http",
                 "path": unquote(raw_path.decode("ascii"), errors="replace"),
                 "raw_path": raw_path, "root_path": "", "query_string": query,
                 "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 5052)}
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        trio.run(app, scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        status = start["status"]
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        assert status != 500, f"500 for {method} {raw_path!r}?{query!r}: {body[:200]!r}"
        if status >= 400 and method != "HEAD":
            err = json.loads(body)
            assert err["code"] == status and isinstance(err["message"], str), err
        content_type = dict(start["headers"]).get(b"content-type", b"")
        if status == 200 and content_type.startswith(b"application/octet-stream") and body:
            typ = T.BeaconBlock if b"/blocks/" in raw_path else T.BeaconState
            assert encode(decode(typ, body)) == body
    return one


def _seeds() -> list[bytes]:
    out = []
    for route in ROUTES:
        for i, block_id in enumerate(IDS if "{id}" in route else ("",)):
            path = route.replace("{id}", block_id).encode()
            accept = b"application/octet-stream" if i % 2 else b"application/json"
            out.append(b"GET " + path + b"\naccept: " + accept + b"\nhost: x")
    out += [b"HEAD /eth/v1/node/health", b"POST /eth/v1/node/version",
            b"GET /eth/v1/beacon/blocks/%30%78?x=1", b"GET /nope\naccept: text/html"]
    return out


def targets() -> list[Target]:
    return [Target("http:api", _make, _seeds, 2048)]

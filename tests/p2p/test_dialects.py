"""Req/resp and gossip with peers that speak the 2019 dialects, emulated byte for byte
from the wire facts in shared/interop/peers/README.md:

- Lodestar 2019 ("hybrid"): hello (no status), beacon_blocks_by_range/_by_root answered
  with ONE chunk holding the SSZ list, bare single-field messages, error chunks with no
  length prefix.
- Trinity 2019: hello, beacon_blocks/recent_beacon_blocks, single-field messages wrapped
  in a one-field container (4-byte offset first), unsigned gossip on bare topic names.
"""
from __future__ import annotations

import trio
from remerkleable.complex import List

from p2p.errors import ErrorResponse
from p2p.gossip import UNSIGNED_TOPIC_IDS, Topic
from p2p.messages import (
    MAX_REQUEST_BLOCKS, BeaconBlocksRequest, BlockRootsRequest, Hello, hello_from_status,
)
from p2p.reqresp import client
from p2p.reqresp.codec import StreamReader, encode_varint, frame_chunk, read_request
from p2p.reqresp.protocols import Dialect, Framing, Method
from tests.p2p.fakechain import T, FakeChain
from tests.p2p.harness import FAST, PATIENT, connect, node, wait_until

Blocks = List[T.BeaconBlock, MAX_REQUEST_BLOCKS]


def _emulate(svc, chain: FakeChain, *, names: dict, wrapped: bool, error_without_length: bool,
             reset_on_bad_request: bool = False):
    """Replace `svc`'s req/resp handlers by a 2019 peer's: hello + the given block names."""
    for method in Method:
        svc.host.raw.remove_stream_handler(method.protocol_id)
    requests: list[tuple[str, bytes]] = []

    async def hello(stream):
        await read_request(StreamReader(stream), 84)
        ours = hello_from_status(svc.server.our_status()).encode_bytes()
        await stream.write(frame_chunk(0, ours))
        await stream.close()

    def block_handler(kind: str, method: Method):
        async def handle(stream):
            payload = await read_request(StreamReader(stream), 1 << 16)
            requests.append((method.message_name, payload))
            if kind == "root":
                body = payload[4:] if wrapped else payload
                if wrapped and payload[:4] != client.WRAP_PREFIX or len(body) % 32:
                    if reset_on_bad_request:     # Trinity: ReadMessageFailure -> reset
                        await stream.reset()
                        return
                    err = b"invalid request"
                    await stream.write(bytes([1]) + (err if error_without_length
                                                     else encode_varint(len(err)) + err))
                    await stream.close()
                    return
                roots = [body[i:i + 32] for i in range(0, len(body), 32)]
                blocks = [chain.by_root[r] for r in roots if r in chain.by_root]
            else:
                req = BeaconBlocksRequest.decode_bytes(payload)
                blocks = chain.blocks_by_range(bytes(req.head_block_root), int(req.start_slot),
                                               int(req.count), int(req.step))
            out = Blocks(*blocks).encode_bytes()
            await stream.write(frame_chunk(0, client.wrap(out) if wrapped else out))
            await stream.close()
        return handle

    svc.host.set_handler(Method.HELLO.protocol_id, hello)
    svc.host.set_handler(names["range"].protocol_id, block_handler("range", names["range"]))
    svc.host.set_handler(names["root"].protocol_id, block_handler("root", names["root"]))
    return requests


LODESTAR = dict(names={"range": Method.BLOCKS_BY_RANGE, "root": Method.BLOCKS_BY_ROOT},
                wrapped=False, error_without_length=True)
TRINITY = dict(names={"range": Method.BEACON_BLOCKS, "root": Method.RECENT_BEACON_BLOCKS},
               wrapped=True, error_without_length=False, reset_on_bad_request=True)


def _check_requests(peer_kw):
    async def main():
        chain = FakeChain()
        async with node(timeouts=PATIENT) as a, node(chain) as b:
            requests = _emulate(b, chain, **peer_kw)
            await connect(a, b)
            head = chain.head.hash_tree_root()
            got = await a.blocks_by_range(b.peer_id, head, 0, 12)
            assert [int(x.slot) for x in got] == [s for s in range(12) if s not in (5, 7)]
            roots = [chain.blocks[3].hash_tree_root(), chain.blocks[9].hash_tree_root()]
            got = await a.blocks_by_root(b.peer_id, roots)
            assert [x.hash_tree_root() for x in got] == roots
            assert a.peers.records[b.peer_id].actions == {}     # probing costs no score
            return a.peers.records[b.peer_id].dialect, requests
    return trio.run(main)


def test_requests_to_lodestar_2019():
    dialect, requests = _check_requests(LODESTAR)
    assert dialect is Dialect.HYBRID
    # the by_root request went out bare: 2 roots = 64 bytes
    assert ("beacon_blocks_by_root", 64) in [(n, len(p)) for n, p in requests]


def test_requests_to_trinity_2019():
    dialect, requests = _check_requests(TRINITY)
    assert dialect is Dialect.V083_WRAPPED
    sizes = [(n, len(p)) for n, p in requests]
    # first a bare request (refused), then the wrapped one Trinity decodes
    assert sizes[-2:] == [("recent_beacon_blocks", 64), ("recent_beacon_blocks", 68)]


def test_lodestar_error_without_length_is_an_error_response():
    async def main():
        chain = FakeChain()
        async with node() as a, node(chain) as b:
            _emulate(b, chain, **LODESTAR)
            await connect(a, b)
            try:
                await client.request(a.host.open_stream, b.peer_id, Method.BLOCKS_BY_ROOT,
                                     b"\x01" * 33, client.block_list_type(T.BeaconBlock),
                                     timeouts=FAST, framing=Framing.SSZ_LIST)
            except ErrorResponse as e:
                assert e.code == 1 and e.error_message == "invalid request"
            else:
                raise AssertionError("no error response")
    trio.run(main)


def test_serving_a_lodestar_2019_peer():
    """After hello, beacon_blocks_by_root is answered as one SSZ list (what Lodestar
    decodes), not as v0.8.4 chunks."""
    async def main():
        chain = FakeChain()
        async with node(dialects=(Dialect.V083,)) as a, node(chain) as b:
            await a.dial(b.listen_addrs[0])
            hello = hello_from_status(a.server.our_status()).encode_bytes()
            await client.request(a.host.open_stream, b.peer_id, Method.HELLO, hello, Hello,
                                 timeouts=FAST)
            await wait_until(lambda: b.peers.records[a.peer_id].status is not None)
            roots = [chain.blocks[1].hash_tree_root(), chain.blocks[2].hash_tree_root()]
            stream, (code, body) = await _raw_request(
                a, b, Method.BLOCKS_BY_ROOT, BlockRootsRequest(*roots).encode_bytes())
            assert code == 0
            assert [x.hash_tree_root() for x in Blocks.decode_bytes(body)] == roots
            with trio.fail_after(5):
                assert await stream.read(100) == b""      # one chunk only
            assert b.peers.records[a.peer_id].dialect is Dialect.HYBRID
    trio.run(main)


def test_lodestar_2019_peer_gets_each_response_as_one_mplex_message(monkeypatch):
    """Lodestar 2019 decodes every mplex message as a whole response: a by_range answer
    split into 4,076-byte frames failed its length check ("invalid request") and it
    never synced from us. Its answers now go out as one message; others stay split."""
    from libp2p.stream_muxer.mplex.mplex import Mplex
    frames: list[int] = []
    send = Mplex.send_message

    async def recording(self, flag, data, stream_id):
        frames.append(len(data or b""))
        await send(self, flag, data, stream_id)
    monkeypatch.setattr(Mplex, "send_message", recording)

    async def main():
        chain = FakeChain()
        async with node(dialects=(Dialect.V083,), security="secio") as a, \
                node(chain, security="secio") as b:
            await a.dial(b.listen_addrs[0])
            hello = hello_from_status(a.server.our_status()).encode_bytes()
            await client.request(a.host.open_stream, b.peer_id, Method.HELLO, hello, Hello,
                                 timeouts=FAST)
            await wait_until(lambda: b.peers.records[a.peer_id].status is not None)
            request = BeaconBlocksRequest(head_block_root=chain.head.hash_tree_root(),
                                          start_slot=1, count=60, step=1)
            frames.clear()
            _, (code, body) = await _raw_request(a, b, Method.BLOCKS_BY_RANGE,
                                                 request.encode_bytes())
            assert code == 0 and len(Blocks.decode_bytes(body)) == 58
            whole = len(frame_chunk(0, body))
            assert whole > 4076 and whole in frames
            # A v0.8.4 peer's streams keep py-libp2p's frame size.
            async with node(security="secio") as c:
                await connect(c, b)
                frames.clear()
                blocks = await c.blocks_by_range(b.peer_id, chain.head.hash_tree_root(), 1, 60)
                assert len(blocks) == 58 and frames and max(frames) <= 4076
    trio.run(main)


def test_serving_a_trinity_2019_peer_wrapped():
    async def main():
        chain = FakeChain()
        async with node() as a, node(chain) as b:
            await connect(a, b)
            roots = [chain.blocks[4].hash_tree_root()]
            req = client.wrap(BlockRootsRequest(*roots).encode_bytes())
            assert len(req) == 36            # what Trinity sends for one root
            _, (code, payload) = await _raw_request(a, b, Method.RECENT_BEACON_BLOCKS, req)
            assert code == 0 and payload[:4] == client.WRAP_PREFIX
            assert [x.hash_tree_root() for x in Blocks.decode_bytes(payload[4:])] == roots
    trio.run(main)


async def _raw_request(a, b, method: Method, payload: bytes):
    """`a` sends one raw request to `b`; returns the stream and its first response chunk."""
    stream = await a.host.open_stream(b.peer_id, method.protocol_id)
    await stream.write(client.frame_request(payload))
    await stream.close_write()
    return stream, await _one_chunk(stream)


async def _one_chunk(stream):
    from p2p.messages import MAX_CHUNK_SIZE
    from p2p.reqresp.codec import read_chunk
    with trio.fail_after(5):
        return await read_chunk(StreamReader(stream), MAX_CHUNK_SIZE, 256)


def test_unsigned_gossip_only_on_unsigned_topic_names():
    """Trinity 2019 publishes unsigned on `beacon_block`: accepted there, bridged to the
    spec name (signed, by us) for peers like Lodestar; unsigned on the spec name is
    dropped as before."""
    async def main():
        async with node() as t, node() as b, node() as c:
            for bare in UNSIGNED_TOPIC_IDS:       # c listens on spec names only, like Lodestar
                await c.host.pubsub.unsubscribe(bare)
            await connect(t, b)
            await connect(b, c)
            await trio.sleep(1.5)     # meshes form on heartbeat
            t.host.pubsub.strict_signing = False     # t now signs nothing, like Trinity
            block = T.BeaconBlock(slot=3).encode_bytes()
            await t.host.pubsub.publish("beacon_block", block)
            await wait_until(lambda: b.gossip.bridged >= 1)
            got = []
            with trio.move_on_after(3):
                async for m in c.gossip_messages:
                    got.append(m)
                    if any(x.source == b.peer_id for x in got):
                        break
            assert any(x.source == b.peer_id and x.data == block for x in got)  # bridged
            await t.host.pubsub.publish(Topic.BEACON_BLOCK.topic_id,
                                        T.BeaconBlock(slot=4).encode_bytes())
            slots = []
            with trio.move_on_after(1.5):
                async for m in b.gossip_messages:
                    slots.append(int(m.value.slot))
            assert 3 in slots and 4 not in slots     # unsigned on the spec name: dropped
    trio.run(main)


def test_block_request_before_any_hello_waits_for_the_dialect():
    """Lodestar 2019 may ask for a gossip block's parent before either side sent hello.
    We learn its dialect first (our handshake) and answer in one SSZ list, not in v0.8.4
    chunks it cannot decode."""
    async def main():
        chain = FakeChain()
        # b's wait for the dialect is half its response timeout: 0.5 s with FAST, which a
        # loaded machine outlasted (b then answered v0.8.4 chunks).
        async with node(dialects=(Dialect.V083,)) as a, node(chain, timeouts=PATIENT) as b:
            a.host.raw.remove_stream_handler(Method.STATUS.protocol_id)   # hello only

            async def silent(peer):        # a sends no hello of its own, like Lodestar
                return None
            a.ensure_dialect = silent
            await a.dial(b.listen_addrs[0])
            roots = [chain.blocks[5].hash_tree_root()]
            stream, (code, body) = await _raw_request(
                a, b, Method.BLOCKS_BY_ROOT, BlockRootsRequest(*roots).encode_bytes())
            assert code == 0
            assert [x.hash_tree_root() for x in Blocks.decode_bytes(body)] == roots
            assert b.peers.records[a.peer_id].dialect is Dialect.HYBRID
    trio.run(main)

"""The bad-input matrix: each case ends with the node still serving other peers."""
import pytest
import trio

from p2p.api import ValidationResult
from p2p.errors import ErrorResponse, StreamError
from p2p.messages import GOSSIP_MAX_SIZE, ResultCode, Status
from p2p.reqresp.codec import StreamReader, encode_varint, read_chunk
from p2p.reqresp import client
from p2p.reqresp.protocols import Method, Timeouts
from tests.p2p.harness import connect, node, wait_until

STATUS = Method.STATUS.protocol_id


async def still_serving(server):
    """A fresh, well-behaved peer can still handshake and fetch blocks."""
    async with node(security=server.config.host.security[0]) as fresh:
        await connect(fresh, server)
        head = server.chain.head.hash_tree_root()
        assert len(await fresh.blocks_by_range(server.peer_id, head, 0, 8)) == 6


async def raw_exchange(a, b, protocol, data, close=True):
    """Send raw bytes on a new stream; returns the first response chunk (or None)."""
    s = await a.host.open_stream(b.peer_id, protocol)
    await s.write(data)
    if close:
        await s.close_write()
    with trio.fail_after(5):
        try:
            return await read_chunk(StreamReader(s), 2**20, 256)
        finally:
            await s.reset()


def test_garbage_instead_of_multistream_header(security):
    async def main():
        async with node(security=security) as b:
            port = int(b.listen_addrs[0].split("/")[4])
            for garbage in (b"\xff" * 64, b"GET / HTTP/1.1\r\n\r\n", b"\x13/multistream/9\n"):
                sock = await trio.open_tcp_stream("127.0.0.1", port)
                with trio.move_on_after(2):
                    await sock.send_all(garbage)
                    await sock.receive_some(1024)   # the host answers or closes
                await sock.aclose()
            await still_serving(b)
    trio.run(main)


@pytest.mark.parametrize("case,payload", [
    ("oversized_length_prefix", encode_varint(2**30) + b"\0" * 16),
    ("overlong_varint", b"\xff" * 11),
    ("truncated_payload", encode_varint(84) + b"\0" * 10),
    ("undecodable_ssz", encode_varint(83) + b"\0" * 83),
    ("trailing_bytes", encode_varint(84) + b"\0" * 90),
])
def test_malformed_request(security, case, payload):
    async def main():
        async with node(security=security) as a, node(security=security) as b:
            await connect(a, b)
            code, msg = await raw_exchange(a, b, STATUS, payload)
            assert code == ResultCode.INVALID_REQUEST, msg
            assert b.peers.records[a.peer_id].actions["PROTOCOL_VIOLATION"] == 1
            await still_serving(b)
    trio.run(main)


def test_undecodable_roots_request(security):
    async def main():
        async with node(security=security) as a, node(security=security) as b:
            await connect(a, b)
            code, _ = await raw_exchange(a, b, Method.BLOCKS_BY_ROOT.protocol_id,
                                         encode_varint(33) + b"\1" * 33)
            assert code == ResultCode.INVALID_REQUEST
            await still_serving(b)
    trio.run(main)


def test_peer_vanishes_mid_response(security):
    async def main():
        async with node(security=security) as a, node(security=security) as b:
            await connect(a, b)
            from p2p.messages import BeaconBlocksRequest
            req = BeaconBlocksRequest(head_block_root=b.chain.head.hash_tree_root(),
                                      start_slot=0, count=64, step=1).encode_bytes()
            for _ in range(5):
                s = await a.host.open_stream(b.peer_id, Method.BLOCKS_BY_RANGE.protocol_id)
                await s.write(encode_varint(len(req)) + req)
                await s.close_write()
                await s.read(1)
                await s.reset()
            await a.host.disconnect(b.peer_id)   # and the whole connection too
            await still_serving(b)
    trio.run(main)


def test_peer_never_sends_request(security):
    async def main():
        async with node(security=security) as a, node(security=security) as b:
            await connect(a, b)
            s = await a.host.open_stream(b.peer_id, STATUS)
            with trio.fail_after(5):   # server RESP_TIMEOUT is 1 s in tests
                with pytest.raises(StreamError):
                    while await s.read(1) != b"":
                        pass
                    raise StreamError("closed without reset")
            assert b.peers.records[a.peer_id].actions["TIMEOUT"] == 1
            await still_serving(b)
    trio.run(main)


def test_burst_of_1000_requests(security):
    async def main():
        async with node(security=security) as a, \
                node(security=security, timeouts=Timeouts()) as b:   # spec timeouts
            await connect(a, b)
            results = []

            req = b.server.our_status().encode_bytes()
            # Measure the server, not our patience: on a loaded CI machine 1,000
            # concurrent stream negotiations can outlast the default 10 s open timeout.
            slow = Timeouts(ttfb=60, resp=60)

            async def open_patiently(peer, protocol):
                return await a.host.open_stream(peer, protocol, timeout=60)

            async def one():
                try:
                    (status,) = await client.request(open_patiently, b.peer_id,
                                                     Method.STATUS, req, Status, timeouts=slow)
                    results.append(status)
                except Exception as e:  # noqa: BLE001 - counted below
                    results.append(e)

            with trio.fail_after(120):
                async with trio.open_nursery() as n:
                    for _ in range(1000):
                        n.start_soon(one)
            ok = [r for r in results if isinstance(r, Status)]
            limited = [r for r in results if isinstance(r, ErrorResponse)
                       and r.code == ResultCode.SERVER_ERROR]
            others = {type(r).__name__ for r in results if r not in ok and r not in limited}
            # every request got an answer: served, or refused as over the per-peer limit
            assert len(ok) + len(limited) == 1000, (others, b.peers.records[a.peer_id].actions, [str(r) for r in results if r not in ok and r not in limited][:3])
            assert len(ok) >= 32 and len(limited) == b.server.rate_limited
            await still_serving(b)
    trio.run(main)


def test_gossip_over_size_limit(security):
    async def main():
        from p2p.gossip import Topic
        async with node(security=security) as evil, node(security=security) as b, \
                node(security=security) as c:
            await connect(evil, b)
            await connect(b, c)
            topic = Topic.VOLUNTARY_EXIT.topic_id
            mesh = b.host.gossipsub.mesh
            await wait_until(lambda: {evil.peer_id, c.peer_id}
                             <= {p.to_base58() for p in mesh.get(topic, ())}, timeout=10)
            # Bypass evil's own checks: it publishes like a broken client would.
            evil.host.pubsub.topic_validators.pop(topic)
            await evil.host.pubsub.publish(topic, b"\0" * (GOSSIP_MAX_SIZE + 1))
            await wait_until(lambda: b.gossip.counts[
                ValidationResult.REJECT] >= 1, timeout=10)
            assert b.peers.records[evil.peer_id].actions.get("INVALID_MESSAGE") == 1
            assert c.gossip.counts == {k: 0 for k in c.gossip.counts}   # never forwarded
            await still_serving(b)
    trio.run(main)

"""One test per libp2p patch / crash path (p2p/libp2p_patches.py, p2p/host.py _guard)."""
import coincurve
import trio

from p2p import libp2p_patches
from p2p.errors import StreamError
from p2p.gossip import Topic
from p2p.reqresp.codec import encode_varint
from tests.p2p.fakechain import T
from tests.p2p.harness import connect, node, wait_until
from tests.p2p.test_bad_input import still_serving


def test_raising_stream_handler_is_contained(security):
    async def main():
        async with node(security=security) as a, node(security=security) as b:
            await connect(a, b)

            async def boom(stream):
                raise RuntimeError("bug in our handler")

            b.host.set_handler("/test/boom/1", boom)
            for _ in range(3):
                s = await a.host.open_stream(b.peer_id, "/test/boom/1")
                with trio.fail_after(5):
                    try:
                        await s.write(b"x")
                        while await s.read(10):
                            pass
                    except StreamError:    # the reset is the expected outcome
                        pass
            await wait_until(lambda: b.host.handler_errors == 3)
            await still_serving(b)
    trio.run(main)


def test_malformed_gossipsub_frame(security):
    async def main():
        async with node(security=security) as a, node(security=security) as b:
            await connect(a, b)
            s = await a.host.open_stream(b.peer_id, "/meshsub/1.0.0")
            await s.write(encode_varint(6) + b"\xff\xff\xff\xff\xff\xff")
            await wait_until(lambda: b.peers.records[a.peer_id].actions.get(
                "PROTOCOL_VIOLATION") == 1)
            await still_serving(b)
    trio.run(main)


def test_shutdown_under_gossip_load():
    async def main():
        async with node() as a:
            async with trio.open_nursery() as flood_nursery:
                async with node() as b:
                    await connect(a, b)
                    t = Topic.VOLUNTARY_EXIT.topic_id
                    await wait_until(lambda: b.peer_id in {
                        p.to_base58() for p in a.host.gossipsub.mesh.get(t, ())}, timeout=10)

                    async def flood():
                        i = 0
                        while True:
                            i += 1
                            await a.publish(Topic.VOLUNTARY_EXIT,
                                            T.VoluntaryExit(epoch=i, validator_index=1))
                            await trio.sleep(0)

                    flood_nursery.start_soon(flood)
                    with trio.fail_after(10):
                        for _ in range(20):
                            await b.gossip_messages.receive()
                    # leaving this block stops b's pubsub while messages still arrive
                await trio.sleep(0.5)          # a keeps flooding into the closed connection
                flood_nursery.cancel_scope.cancel()
            async with node() as c:            # a is alive and serving
                await connect(c, a)
    trio.run(main)


def test_mplex_stream_channels_do_not_leak():
    """1,000 request streams on one mplex connection leave no per-stream state behind
    (bench/p2p_bench.py measures RSS over 5,000)."""
    async def main():
        async with node(muxer="mplex") as a, node(muxer="mplex") as b:
            await connect(a, b)
            with trio.fail_after(60):
                for _ in range(1000):
                    await a.request_status(b.peer_id)
            for side, other in ((a, b), (b, a)):
                (conn,) = side.host.raw.get_network().get_connections(
                    __import__("libp2p.peer.id").peer.id.ID.from_base58(other.peer_id))
                muxer = conn.muxed_conn
                assert len(muxer.streams_msg_channels) < 10
                assert len(muxer.streams) < 10
    trio.run(main)


def _high_s(sig: bytes) -> bytes:
    r, s = libp2p_patches.parse_der(sig)
    if s <= libp2p_patches._N // 2:
        s = libp2p_patches._N - s
    return libp2p_patches.encode_der(r, s)


def test_high_s_signature_normalised():
    libp2p_patches.apply()
    from libp2p.crypto.secp256k1 import create_new_key_pair
    kp = create_new_key_pair()
    sig = _high_s(kp.private_key.sign(b"payload"))
    raw = coincurve.PublicKey(kp.public_key.to_bytes())
    assert not raw.verify(sig, b"payload")          # what libp2p saw before the patch
    assert kp.public_key.verify(b"payload", sig)
    assert not kp.public_key.verify(b"other", sig)
    assert not kp.public_key.verify(b"payload", b"\x30\x02garbage")


def test_noise_handshake_with_high_s_peer(monkeypatch):
    libp2p_patches.apply()
    from libp2p.crypto.secp256k1 import Secp256k1PrivateKey
    original = Secp256k1PrivateKey.sign
    monkeypatch.setattr(Secp256k1PrivateKey, "sign", lambda self, d: _high_s(original(self, d)))

    async def main():
        async with node(security="noise") as a, node(security="noise") as b:
            await connect(a, b)
            assert await a.request_status(b.peer_id)
    trio.run(main)


def test_subscription_queue_counts_drops():
    libp2p_patches.apply()
    import libp2p.pubsub.pubsub as mod

    class FakeMsg:
        topicIDs = ["t"]

    async def main():
        send, recv = trio.open_memory_channel(1)
        ps = mod.Pubsub.__new__(mod.Pubsub)
        ps.subscribed_topics_send = {"t": send}
        ps.notify_subscriptions(FakeMsg())
        ps.notify_subscriptions(FakeMsg())          # queue full: counted, not silent
        assert ps.p2p_dropped == 1
        await recv.aclose()
        ps.notify_subscriptions(FakeMsg())          # subscriber gone: no exception
    trio.run(main)
    assert mod.SUBSCRIPTION_CHANNEL_SIZE == libp2p_patches.SUBSCRIPTION_QUEUE


def test_publish_delivery_times_are_bounded():
    """py-libp2p appends a time per published message and trims only in the adaptive
    health step we switch off: without patch 10 this list grows for the node's life."""
    async def main():
        async with node() as a, node() as b:
            await connect(a, b)
            t = Topic.VOLUNTARY_EXIT.topic_id
            await wait_until(lambda: b.peer_id in {
                p.to_base58() for p in a.host.gossipsub.mesh.get(t, ())}, timeout=10)
            from libp2p.pubsub.pb import rpc_pb2
            router = a.host.gossipsub
            me = a.host.pubsub.my_id
            for i in range(3 * libp2p_patches.DELIVERY_TIMES_KEPT):
                msg = rpc_pb2.Message(from_id=me.to_bytes(), data=b"x",
                                      seqno=i.to_bytes(8, "big"), topicIDs=[t])
                await router.publish(me, msg)
            times = router.recent_message_deliveries[t]
            assert 0 < len(times) <= 2 * libp2p_patches.DELIVERY_TIMES_KEPT
    trio.run(main)


def test_secio_connection_has_remote_address():
    """Patch 7: identify asks every connection for its remote address; over SecIO that
    raised AttributeError ('SecioMsgReadWriter' has no 'conn') and logged an ERROR line
    per connection."""
    async def main():
        from libp2p.peer.id import ID
        async with node(security="secio") as a, node(security="secio") as b:
            await connect(a, b)
            conns = a.host.raw.get_network().get_connections(ID.from_base58(b.peer_id))
            secured = conns[0].muxed_conn.secured_conn
            host, port = secured.get_remote_address()
            assert host == "127.0.0.1" and port > 0
    trio.run(main)


def test_refused_protocol_is_not_logged_as_an_error(caplog):
    """Patch 8: probing a hello-only peer with `status` is expected; libp2p's 7-line
    ERROR for it would repeat on every connection to a 2019 peer."""
    import logging

    from p2p.errors import UnsupportedProtocol
    from p2p.reqresp.protocols import Method

    async def main():
        async with node() as a, node() as b:
            b.host.raw.remove_stream_handler(Method.STATUS.protocol_id)
            await connect(a, b)
            caplog.clear()
            with caplog.at_level(logging.DEBUG):
                try:
                    await a.host.open_stream(b.peer_id, Method.STATUS.protocol_id)
                except UnsupportedProtocol:
                    pass
                else:
                    raise AssertionError("status was not refused")
            assert not [r for r in caplog.records if r.levelno >= logging.ERROR
                        and "Failed to open stream" in r.getMessage()]
    trio.run(main)


def test_host_leaves_no_thread_behind():
    """Pubsub's seen-message cache runs a sweeper thread that pubsub never stops; each
    host we close must stop it (hundreds of leaked threads crashed a test session)."""
    import threading

    async def main():
        async with node() as a, node() as b:
            await connect(a, b)
    trio.run(main)     # warm-up: imports and any process-wide threads
    before = threading.active_count()
    for _ in range(3):
        trio.run(main)
    assert threading.active_count() <= before

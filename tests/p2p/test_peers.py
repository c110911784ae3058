"""Handshake outcomes, scoring and bans, static peers, inbound limit."""
import trio

from p2p.messages import GoodbyeReason
from p2p.peers import BAN_THRESHOLD, PeerAction, PeerLimits
from p2p.reqresp.protocols import Dialect, Method
from tests.p2p.fakechain import FakeChain
from tests.p2p.harness import connect, node, wait_until


def test_fork_mismatch_gets_goodbye_and_disconnect(security):
    async def main():
        async with node(FakeChain(fork_version=b"\1\0\0\0"), security=security) as a, \
                node(security=security) as b:
            goodbyes = []
            b.server.on_goodbye = lambda peer, reason: goodbyes.append((peer, reason))
            await a.dial(b.listen_addrs[0])
            await wait_until(lambda: not a.host.is_connected(b.peer_id)
                             and not b.host.is_connected(a.peer_id))
            # a (dialer) learns b's fork differs -> goodbye(2); or b hangs up first
            assert goodbyes in ([(a.peer_id, GoodbyeReason.IRRELEVANT_NETWORK)], [])
    trio.run(main)


def test_finalized_checkpoint_not_on_chain(security, caplog):
    async def main():
        async with node(FakeChain(seed=1), security=security) as a, \
                node(FakeChain(seed=2), security=security) as b:
            with caplog.at_level("INFO", logger="p2p.handshake"):
                await a.dial(b.listen_addrs[0])
                await wait_until(lambda: not a.host.is_connected(b.peer_id))
            # dropped for its status (and, disconnected without a penalty, forgotten)
            assert f"peer {b.peer_id} is irrelevant" in caplog.text
    trio.run(main)


def test_hello_fallback_for_v083_peer():
    async def main():
        async with node() as a, node() as b:
            b.host.raw.remove_stream_handler(Method.STATUS.protocol_id)
            await connect(a, b)
            assert a.peers.records[b.peer_id].dialect is Dialect.V083
            head = b.chain.head.hash_tree_root()
            assert len(await a.blocks_by_range(b.peer_id, head, 0, 10)) == 8
    trio.run(main)


def test_misbehaving_peer_banned_and_not_readmitted():
    async def main():
        async with node() as a, node() as b:
            await connect(a, b)
            for _ in range(BAN_THRESHOLD // PeerAction.PROTOCOL_VIOLATION.penalty + 1):
                b.peers.report(a.peer_id, PeerAction.PROTOCOL_VIOLATION, "test")
            await wait_until(lambda: not b.host.is_connected(a.peer_id))
            assert b.peers.is_banned(a.peer_id)
            try:
                await a.dial(b.listen_addrs[0])
            except Exception:  # noqa: BLE001 - refused is fine too
                pass
            await wait_until(lambda: not b.host.is_connected(a.peer_id))
    trio.run(main)


def test_score_decays():
    async def main():
        async with node() as a:
            a.peers.report("x", PeerAction.TIMEOUT)
            assert a.peers.records["x"].score == PeerAction.TIMEOUT.penalty
            await trio.sleep(0.2)
            a.peers.report("x", PeerAction.TIMEOUT)
            assert a.peers.records["x"].score < 2 * PeerAction.TIMEOUT.penalty
    trio.run(main)


def test_static_peer_redialed():
    async def main():
        async with node() as b:
            limits = PeerLimits(redial_min=0.1, redial_max=0.5)
            async with node(static_peers=(b.listen_addrs[0],), limits=limits) as a:
                await wait_until(lambda: a.host.is_connected(b.peer_id))
                await b.host.disconnect(a.peer_id)
                await wait_until(lambda: not a.host.is_connected(b.peer_id)
                                 or b.host.is_connected(a.peer_id))
                await wait_until(lambda: a.host.is_connected(b.peer_id), timeout=10)
    trio.run(main)


def test_inbound_limit():
    async def main():
        async with node(limits=PeerLimits(max_inbound=1)) as b, node() as a, node() as c:
            await connect(a, b)
            await c.dial(b.listen_addrs[0])
            await wait_until(lambda: not b.host.is_connected(c.peer_id))
            assert b.host.is_connected(a.peer_id)
    trio.run(main)

"""Every map keyed by peer id or message and every queue of the p2p layer has a bound;
each test fills one past it. Peer ids and messages cost an attacker nothing."""
import os
from types import SimpleNamespace

import trio

from beacon.config import minimal
from beacon.protocol import DEFAULT
from p2p import gossip as gossip_mod
from p2p.gossip import Gossip
from p2p.peers import PeerAction, PeerLimits, PeerManager
from p2p.reqresp.server import MAX_INFLIGHT_PER_PEER, ReqRespServer


def test_peer_records_are_capped_least_recently_used_first():
    async def main():
        peers = PeerManager(PeerLimits(max_records=100))
        peers.record("keep")
        for i in range(250):
            peers.record(f"p{i}")
            if i % 50 == 0:
                peers.record("keep")  # a peer in use stays
        assert len(peers.records) == 100
        assert "keep" in peers.records and "p0" not in peers.records
    trio.run(main)


def test_bans_are_capped_and_the_ban_queue_does_not_block():
    async def main():
        peers = PeerManager(PeerLimits(max_records=50, max_bans=300))
        for i in range(1000):  # 1000 fresh identities each earning a ban
            peers.report(f"bad{i}", PeerAction.IRRELEVANT)
        assert len(peers.banned_until) == 300
        assert len(peers.records) == 50
        assert peers.is_banned("bad999")
        assert peers._ban_send.statistics().current_buffer_used == 256
    trio.run(main)


def test_bridge_seen_cache_is_capped():
    g = Gossip(SimpleNamespace(), DEFAULT.wire(minimal), PeerManager(), "me")
    for _ in range(gossip_mod.BRIDGE_SEEN + 500):
        assert g._first_sight(os.urandom(16))
    assert len(g._seen) == gossip_mod.BRIDGE_SEEN


class _Stream:
    def __init__(self, peer):
        self.peer_id, self.protocol, self.written = peer, "p", b""

    async def read(self, n):
        await trio.sleep_forever()

    async def write(self, data):
        self.written += data

    def keep_writes_whole(self):
        pass

    async def close_write(self):
        pass

    async def close(self):
        pass

    async def reset(self):
        pass


def test_requests_in_flight_per_peer_are_capped_and_the_counter_is_freed():
    from p2p.reqresp.protocols import Method, Timeouts

    async def main():
        server = ReqRespServer(SimpleNamespace(), None, peers=PeerManager(),
                               on_status=None, on_goodbye=None, timeouts=Timeouts(resp=0.5))
        async with trio.open_nursery() as nursery:
            for _ in range(MAX_INFLIGHT_PER_PEER + 20):
                nursery.start_soon(server.handle, Method.STATUS, _Stream("flood"))
            await trio.sleep(0.1)
            assert server._inflight["flood"] == MAX_INFLIGHT_PER_PEER
            assert server.rate_limited == 20
        assert server._inflight == {}  # every stalled request timed out and was released
    trio.run(main)

"""Start P2P services on loopback for tests."""
from __future__ import annotations

from contextlib import asynccontextmanager

import trio

from p2p.host import HostConfig
from p2p.identity import generate
from p2p.peers import PeerLimits
from p2p.reqresp.protocols import Timeouts
from p2p.service import P2PConfig, P2PService
from tests.p2p.fakechain import WIRE, FakeChain

FAST = Timeouts(ttfb=1.0, resp=1.0)
# For nodes whose requests must succeed: 1 s was too short for a first response on a
# loaded machine (request tests failed so beside Lodestar nodes at full CPU).
PATIENT = Timeouts(ttfb=10.0, resp=10.0)


def make_config(security: str = "noise", muxer: str = "mplex", **kw) -> P2PConfig:
    host = HostConfig(security=(security,), muxers=(muxer,))
    kw.setdefault("timeouts", FAST)
    kw.setdefault("limits", PeerLimits(ban_seconds=60))
    kw.setdefault("deliver_gossip", True)  # the tests observe accepted gossip there
    return P2PConfig(host=host, **kw)


@asynccontextmanager
async def node(chain=None, security="noise", muxer="mplex", **kw):
    svc = P2PService(generate(), chain or FakeChain(), WIRE, make_config(security, muxer, **kw))
    async with trio.open_nursery() as n:
        with trio.fail_after(10):
            await n.start(svc.run)
        try:
            yield svc
        finally:
            n.cancel_scope.cancel()


async def wait_until(pred, timeout=5.0, step=0.02):
    """Poll `pred` (bounded): for state that has no event to wait on."""
    with trio.fail_after(timeout):
        while not pred():
            await trio.sleep(step)


async def connect(a: P2PService, b: P2PService) -> None:
    """a dials b and waits until both ran the handshake."""
    await a.dial(b.listen_addrs[0])
    await wait_until(lambda: a.peers.records.get(b.peer_id) is not None
                     and a.peers.records[b.peer_id].status is not None
                     and b.peers.records.get(a.peer_id) is not None
                     and b.peers.records[a.peer_id].status is not None)

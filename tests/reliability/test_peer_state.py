"""Per-peer state is dropped when a peer disconnects (issue 12, memory creep): after many
status requests and a disconnect, the serving node keeps no record of a clean peer, and
only the score (not the Status) of a penalised one."""
import trio

from p2p.peers import PeerAction
from tests.p2p.harness import connect, node, wait_until

REQUESTS = 200


async def _requests_then_disconnect(a, b, penalise: bool):
    await connect(a, b)
    for _ in range(REQUESTS):
        await a.request_status(b.peer_id)
    assert b.peers.records[a.peer_id].status is not None
    if penalise:
        b.peers.report(a.peer_id, PeerAction.TIMEOUT, "test")
    await a.host.disconnect(b.peer_id)
    await wait_until(lambda: not b.host.is_connected(a.peer_id), timeout=10)
    await wait_until(lambda: a.peer_id not in b.peers.records
                     or b.peers.records[a.peer_id].status is None, timeout=10)


def test_clean_peer_is_forgotten_after_disconnect():
    async def main():
        async with node() as b, node() as a:
            await _requests_then_disconnect(a, b, penalise=False)
            assert a.peer_id not in b.peers.records
            assert b._handshaking == {}
    trio.run(main)


def test_penalised_peer_keeps_only_its_score():
    async def main():
        async with node() as b, node() as a:
            await _requests_then_disconnect(a, b, penalise=True)
            rec = b.peers.records[a.peer_id]
            assert rec.status is None and rec.score > 0
            # Reconnecting runs the handshake again and learns the status anew.
            await connect(a, b)
            assert b.peers.records[a.peer_id].status is not None
            assert b.peers.records[a.peer_id].score > 0
    trio.run(main)

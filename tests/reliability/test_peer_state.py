"""Per-peer state is dropped when a peer disconnects (issue 12, memory creep): after many
status requests and a disconnect, the serving node keeps no record of a clean peer; a
penalised one keeps its record (score and Status), capped by PeerLimits.max_records."""
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
    await wait_until(lambda: a.peer_id not in b.peers.records or penalise, timeout=10)


def test_clean_peer_is_forgotten_after_disconnect():
    async def main():
        async with node() as b, node() as a:
            await _requests_then_disconnect(a, b, penalise=False)
            assert a.peer_id not in b.peers.records
            assert b._handshaking == {}
    trio.run(main)


def test_penalised_peer_keeps_its_record():
    async def main():
        async with node() as b, node() as a:
            await _requests_then_disconnect(a, b, penalise=True)
            await trio.sleep(0.5)  # the disconnect event has been handled by now
            rec = b.peers.records[a.peer_id]
            assert rec.score > 0 and rec.status is not None
            await connect(a, b)  # reconnecting does not reset the score
            assert b.peers.records[a.peer_id].score > 0
    trio.run(main)

"""Sync's status queue and lookup memory (beacon/network/sync.py) are bounded."""
import os

import trio

from beacon.chain.service import LookupRequest
from beacon.config import minimal
from beacon.network.sync import STATUS_QUEUE, SyncService
from tests.chain.test_service import open_service, run_with


def test_sync_status_queue_and_lookup_memory_are_bounded(tmp_path, genesis16):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)

    class NoNetwork:
        async def request_blocks_by_root(self, peer, roots):
            return []

    sync = SyncService(minimal, cs, NoNetwork())
    for i in range(STATUS_QUEUE + 20):
        sync.on_peer_status(f"peer{i}", 10**6, os.urandom(32))  # never blocks
    assert sync._status_send.statistics().current_buffer_used == STATUS_QUEUE

    async def lookups():
        for _ in range(5000):
            await sync._lookup(LookupRequest(os.urandom(32), "peer"))
            assert len(sync._lookups_seen) <= 4097
    run_with(cs, lookups)

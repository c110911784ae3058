"""The node's queues and maps (beacon/node/chain_service.py, sync.py) each have a bound;
every test fills one past it and checks it holds."""
import os

import trio

from beacon.config import minimal
from beacon.node import chain_adapter as ca
from beacon.node import chain_service as chs
from beacon.node.chain_service import ImportRequest, LookupRequest
from beacon.node.sync import STATUS_QUEUE, SyncService
from beacon.types import get_types
from tests.node.test_chain_service import open_service

T = get_types(minimal)


def test_import_queue_is_bounded(tmp_path, genesis16):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    try:
        sent = 0
        while sent < chs.IMPORT_QUEUE_SIZE + 10:
            try:
                cs.import_send.send_nowait(ImportRequest("block", None, "gossip"))
            except trio.WouldBlock:
                break
            sent += 1
        assert sent == chs.IMPORT_QUEUE_SIZE  # submit() waits from here: backpressure
    finally:
        ca.close_chain(cs.chain)


def test_lookup_queue_drops_past_its_bound(tmp_path, genesis16):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    try:
        for _ in range(chs.LOOKUP_QUEUE_SIZE + 30):
            cs._request_lookup(os.urandom(32), "peer")
        assert cs.lookup_send.statistics().current_buffer_used == chs.LOOKUP_QUEUE_SIZE
    finally:
        ca.close_chain(cs.chain)


def test_orphan_quarantine_is_bounded(tmp_path, genesis16):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    try:
        for i in range(chs.QUARANTINE_LIMIT + 40):
            orphan = T.BeaconBlock(slot=1 + i % 7, parent_root=os.urandom(32))
            cs._quarantine_block(ImportRequest("block", orphan, "gossip", "peer"))
        assert sum(len(v) for v in cs._quarantine.values()) == chs.QUARANTINE_LIMIT
        assert len(cs._quarantine) == chs.QUARANTINE_LIMIT
    finally:
        ca.close_chain(cs.chain)


def test_deferred_votes_are_bounded(tmp_path, genesis16, monkeypatch):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)

    def too_early(chain, att):
        raise ca.NotNow("vote of the current slot")
    monkeypatch.setattr(chs.ca, "import_attestation", too_early)
    monkeypatch.setattr(chs, "DEFERRED_LIMIT", 100)
    try:
        for _ in range(130):
            cs._import_attestation(ImportRequest("attestation", T.Attestation(), "gossip"))
        assert len(cs._deferred) == 100
    finally:
        ca.close_chain(cs.chain)


def test_imported_blocks_per_slot_metric_map_is_bounded(tmp_path, genesis16):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    try:
        for slot in range(3 * minimal.SLOTS_PER_EPOCH):
            cs._imported_by_slot[slot] = [bytes(32)]
        cs.orphaned_in_epoch(2)  # the per-epoch call forgets older epochs
        assert min(cs._imported_by_slot) == 2 * minimal.SLOTS_PER_EPOCH
    finally:
        ca.close_chain(cs.chain)


def test_sync_status_queue_and_lookup_memory_are_bounded(tmp_path, genesis16):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)

    class NoNetwork:
        async def request_blocks_by_root(self, peer, roots):
            return []

    sync = SyncService(minimal, cs, NoNetwork())
    try:
        for i in range(STATUS_QUEUE + 20):
            sync.on_peer_status(f"peer{i}", 10**6, os.urandom(32))  # never blocks
        assert sync._status_send.statistics().current_buffer_used == STATUS_QUEUE

        async def lookups():
            for _ in range(5000):
                await sync._lookup(LookupRequest(os.urandom(32), "peer"))
                assert len(sync._lookups_seen) <= 4097
        trio.run(lookups)
    finally:
        ca.close_chain(cs.chain)


def test_equivocating_blocks_per_slot_are_capped(tmp_path, genesis16, monkeypatch):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    monkeypatch.setattr(chs.ca, "import_block", lambda chain, block: None)
    try:
        for _ in range(chs.IMPORTED_PER_SLOT_LIMIT + 20):
            block = T.BeaconBlock(slot=5, state_root=os.urandom(32))
            assert cs._import_block(ImportRequest("block", block, "gossip")).outcome \
                is chs.Outcome.IMPORTED
        assert len(cs._imported_by_slot[5]) == chs.IMPORTED_PER_SLOT_LIMIT
    finally:
        ca.close_chain(cs.chain)

"""The chain task's queues and maps (beacon/chain/service.py) each have a bound; every
test fills one past it and checks it holds."""
import os

import trio

from beacon.chain import service as chs
from beacon.chain.errors import FutureAttestation
from beacon.config import minimal
from beacon.types import get_types
from tests.chain.test_service import open_service

T = get_types(minimal)


def test_import_queue_is_bounded_and_enqueue_never_waits(tmp_path, genesis16):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    try:
        accepted = sum(cs.enqueue_block(T.BeaconBlock(), "gossip")
                       for _ in range(chs.IMPORT_QUEUE_SIZE + 10))
        assert accepted == chs.IMPORT_QUEUE_SIZE  # then False: gossip drops the message
    finally:
        cs.chain.db.close()


def test_lookup_queue_drops_past_its_bound(tmp_path, genesis16):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    try:
        for _ in range(chs.LOOKUP_QUEUE_SIZE + 30):
            cs.request_lookup(os.urandom(32), "peer")
        assert cs.lookup_send.statistics().current_buffer_used == chs.LOOKUP_QUEUE_SIZE
    finally:
        cs.chain.db.close()


def test_orphan_quarantine_is_bounded(tmp_path, genesis16):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    try:
        for i in range(chs.QUARANTINE_LIMIT + 40):
            orphan = T.BeaconBlock(slot=1 + i % 7, parent_root=os.urandom(32))
            cs._quarantine_block(chs._BlockImport("gossip", "peer", block=orphan))
        assert sum(len(v) for v in cs._quarantine.values()) == chs.QUARANTINE_LIMIT
        assert len(cs._quarantine) == chs.QUARANTINE_LIMIT
    finally:
        cs.chain.db.close()


def test_deferred_votes_are_bounded(tmp_path, genesis16, monkeypatch):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)

    def too_early(att, verified):
        raise FutureAttestation("vote of the current slot")
    monkeypatch.setattr(cs, "_import_attestation_work", too_early)
    monkeypatch.setattr(chs, "DEFERRED_LIMIT", 100)

    async def fill():
        for _ in range(130):
            await cs._import_attestation(chs._AttestationImport(attestation=T.Attestation()))
    try:
        trio.run(fill)
        assert len(cs._deferred) == 100
    finally:
        cs.chain.db.close()


def test_imported_blocks_per_slot_metric_map_is_bounded(tmp_path, genesis16):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    try:
        for slot in range(3 * minimal.SLOTS_PER_EPOCH):
            cs._imported_by_slot[slot] = [bytes(32)]
        cs.orphaned_in_epoch(2)  # the per-epoch call forgets older epochs
        assert min(cs._imported_by_slot) == 2 * minimal.SLOTS_PER_EPOCH
    finally:
        cs.chain.db.close()


def test_equivocating_blocks_per_slot_are_capped(tmp_path, genesis16, monkeypatch):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)

    async def scenario():
        snapshot = await cs._in_thread(cs._maker.take)
        monkeypatch.setattr(cs, "_import_block_work", lambda block: chs._Published(snapshot))
        for _ in range(chs.IMPORTED_PER_SLOT_LIMIT + 20):
            block = T.BeaconBlock(slot=5, state_root=os.urandom(32))
            assert await cs._import_block(chs._BlockImport("gossip", block=block)) is None
    try:
        trio.run(scenario)
        assert len(cs._imported_by_slot[5]) == chs.IMPORTED_PER_SLOT_LIMIT
    finally:
        cs.chain.db.close()


def test_imported_blocks_map_is_bounded_without_the_slot_loop(tmp_path, genesis16, monkeypatch):
    """An in-process chain (no node slot loop calling orphaned_in_epoch) kept one entry
    per slot forever."""
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    kept = chs.IMPORTED_EPOCHS_KEPT * minimal.SLOTS_PER_EPOCH

    async def scenario():
        snapshot = await cs._in_thread(cs._maker.take)
        monkeypatch.setattr(cs, "_import_block_work", lambda block: chs._Published(snapshot))
        for slot in range(1, 3 * kept):
            block = T.BeaconBlock(slot=slot, state_root=os.urandom(32))
            assert await cs._import_block(chs._BlockImport("gossip", block=block)) is None
    try:
        trio.run(scenario)
        assert sorted(cs._imported_by_slot) == list(range(2 * kept, 3 * kept))
    finally:
        cs.chain.db.close()

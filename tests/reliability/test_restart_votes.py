"""What a restarted node needs to keep finalizing: the pooled attestations (kept in the
chain database) and the votes of the slots it missed (attested late by CatchUpClient)."""
import pytest
import trio

from beacon.node.persistent_pool import restore_pool
from beacon.state_transition.slot import process_slots
from beacon.storage import schema as S
from ssz.signing import hash_tree_root
from tests.harness import ChainHarness
from validator.catchup import CatchUpClient
from validator.client import interop_keys
from beacon.chain.op_pool import OperationPool
from validator.slashing_protection import SlashingProtection


@pytest.fixture(scope="module")
def harness():
    return ChainHarness(validators=64)


@pytest.fixture(scope="module")
def two_blocks(harness):
    return harness.build_chain(harness.genesis_root, [1, 2])


def _stored(chain) -> int:
    return sum(1 for _ in chain.db.iter_pooled())


def test_pool_survives_a_restart(harness, two_blocks, tmp_path):
    h = harness
    chain = h.open_chain(tmp_path / "db")
    for b in two_blocks:
        chain.import_block(b)
    head = h.root(two_blocks[-1])
    atts = h.attestations(head, 2) + h.attestations(head, 3)
    pool = restore_pool(h.config, chain)
    for a in atts:
        pool.add_attestation(a)
    before = pool.attestation_count()
    chain.db.close()  # what a SIGKILL leaves: nothing more than the puts already made

    chain = h.open_chain(tmp_path / "db")
    pool = restore_pool(h.config, chain)
    assert pool.attestation_count() == before > 0
    state = h.states[head].copy()
    process_slots(h.config, state, 4)
    included = pool.attestations_for_block(state)
    assert {hash_tree_root(a.data) for a in included} == {hash_tree_root(a.data) for a in atts}
    chain.db.close()


def test_prune_drops_old_targets_from_the_store(harness, two_blocks, tmp_path):
    h = harness
    chain = h.open_chain(tmp_path / "db")
    for b in two_blocks:
        chain.import_block(b)
    pool = restore_pool(h.config, chain)
    for a in h.attestations(h.root(two_blocks[-1]), 2):
        pool.add_attestation(a)
    assert _stored(chain) > 0
    pool.prune(1)  # target 0 is still the previous epoch's: kept
    assert _stored(chain) > 0
    pool.prune(2)
    assert _stored(chain) == 0 and pool.attestation_count() == 0
    chain.db.close()
    assert S.P_POOL == b"o/"


class FakeBackend:
    """The head is a harness block; votes are collected instead of imported."""

    def __init__(self, h, head_root):
        self.h, self.root = h, head_root
        self.submitted = []

    def head(self):
        return self.root, self.h.slots[self.root]

    def state_at_slot_on_head(self, slot):
        state = self.h.states[self.root].copy()
        if int(state.slot) < slot:
            process_slots(self.h.config, state, slot)
        return state

    def dependent_root(self, epoch):
        c = self.h.config
        start = epoch * c.SLOTS_PER_EPOCH
        state = self.state_at_slot_on_head(max(start, self.h.slots[self.root]))
        return bytes(state.block_roots[(start - 1) % c.SLOTS_PER_HISTORICAL_ROOT]) if start else b""

    async def on_head_state(self, slot, fn, *args):
        return fn(self.state_at_slot_on_head(slot), None, *args)

    async def wait_for_block_at(self, slot):
        await trio.sleep_forever()

    async def submit_block(self, block):
        pass

    async def submit_attestation(self, att):
        self.submitted.append(att)


def _client(h, backend, tmp_path):
    protection = SlashingProtection(tmp_path / "sp")
    keys = interop_keys(range(64))
    return CatchUpClient(h.config, keys, backend, protection, OperationPool(h.config)), protection


def test_catch_up_attests_the_missed_slots_once(harness, two_blocks, tmp_path):
    h = harness
    backend = FakeBackend(h, h.root(two_blocks[-1]))  # head at slot 2, node back at slot 6
    client, protection = _client(h, backend, tmp_path)
    assert trio.run(client.catch_up, 6) == 4  # slots 2, 3, 4, 5
    slots = sorted({int(a.data.crosslink.shard) for a in backend.submitted})
    assert len(backend.submitted) == 4 and len(slots) == 4
    voters = sum(sum(bool(b) for b in a.aggregation_bits) for a in backend.submitted)
    assert voters == 4 * 64 // h.config.SLOTS_PER_EPOCH

    # Killed after signing, restarted: the identical votes are signed again (the same
    # signatures), nothing is refused, nothing new is recorded.
    backend2 = FakeBackend(h, backend.root)
    client2 = CatchUpClient(h.config, interop_keys(range(64)), backend2, protection, pool=None)
    assert trio.run(client2.catch_up, 6) == 4
    assert [bytes(a.signature) for a in backend2.submitted] == \
        [bytes(a.signature) for a in backend.submitted]
    protection.close()


def test_catch_up_never_signs_conflicting_data(harness, two_blocks, tmp_path):
    h = harness
    head1 = h.root(two_blocks[0])
    backend = FakeBackend(h, head1)  # first run saw head at slot 1 and attested slot 3
    client, protection = _client(h, backend, tmp_path)
    trio.run(client.catch_up, 4)
    assert backend.submitted
    backend2 = FakeBackend(h, h.root(two_blocks[-1]))  # now the head is slot 2: new data
    client2 = CatchUpClient(h.config, interop_keys(range(64)), backend2, protection, pool=None)
    trio.run(client2.catch_up, 4)
    # Run 1 attested slots 1-3 on the slot-1 head; run 2 catches up slots 2-3 on the
    # slot-2 head: other data for the same target epoch, so every vote is refused.
    assert backend2.submitted == []
    protection.close()


def test_catch_up_skips_slots_before_the_head(harness, two_blocks, tmp_path):
    h = harness
    backend = FakeBackend(h, h.root(two_blocks[-1]))
    client, protection = _client(h, backend, tmp_path)
    assert trio.run(client.catch_up, 2) == 0  # head at 2: nothing missed
    client2 = CatchUpClient(h.config, interop_keys(range(64)), backend, protection, pool=None)
    assert trio.run(client2.catch_up, 20) == 8  # only what a block at 20 includes: 12..19
    assert min(int(a.data.target.epoch) for a in backend.submitted) == 1
    protection.close()


def test_own_slot_first_then_the_missed_ones(harness, two_blocks, tmp_path):
    h = harness
    backend = FakeBackend(h, h.root(two_blocks[-1]))
    client, protection = _client(h, backend, tmp_path)

    async def first_slot():
        await client.on_slot(6, trio.current_time())  # no block comes: attest at once

    trio.run(first_slot)
    own_shard = trio.run(client._duties_for, 6).attesters_at(6)[0].shard
    assert len(backend.submitted) == 5  # slot 6, then 2..5
    assert int(backend.submitted[0].data.crosslink.shard) == own_shard
    assert client._missed == []
    protection.close()


def test_missed_votes_use_the_head_as_it_was_at_the_start(harness, two_blocks, tmp_path):
    h = harness
    old_head = h.root(two_blocks[0])  # slot 1
    backend = FakeBackend(h, old_head)
    client, protection = _client(h, backend, tmp_path)
    trio.run(client._plan, 3)  # back at slot 3: slots 1 and 2 were missed
    backend.root = h.root(two_blocks[1])  # a newer head (e.g. our own proposal)
    assert trio.run(client.catch_up, 4) == 2
    assert {bytes(a.data.beacon_block_root) for a in backend.submitted} == {old_head}
    protection.close()


def test_concurrent_slots_share_one_catch_up(harness, two_blocks, tmp_path):
    """The node starts each slot's duties while the last ones may still run."""
    h = harness
    backend = FakeBackend(h, h.root(two_blocks[-1]))
    client, protection = _client(h, backend, tmp_path)

    async def two_slots():
        async with trio.open_nursery() as n:
            n.start_soon(client.on_slot, 6, trio.current_time())
            n.start_soon(client.on_slot, 7, trio.current_time())

    trio.run(two_slots)  # raised IndexError (pop from an empty list) before
    shards = [int(a.data.crosslink.shard) for a in backend.submitted]
    # trio starts the two tasks in either order; planned at slot 7 the catch-up also
    # covers slot 6, whose vote is then signed twice: the identical vote (same signature).
    assert set(shards) == {2, 3, 4, 5, 6, 7}
    by_shard = {}
    for a in backend.submitted:
        by_shard.setdefault(int(a.data.crosslink.shard), set()).add(bytes(a.signature))
    assert all(len(sigs) == 1 for sigs in by_shard.values())
    protection.close()

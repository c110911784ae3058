"""States at any canonical slot, restarts, ranges, and anchors after genesis."""
import pytest

from beacon.chain import Chain, StateUnavailable, anchor_root
from beacon.storage import ChainDB, ChainMismatch
from ssz.signing import hash_tree_root

# Three epochs with gaps, including an empty first slot of epoch 2.
SLOTS = [1, 2, 3, 5, 6, 9, 10, 11, 12, 15, 17, 18, 20, 21, 22, 23, 25, 26]


@pytest.fixture(scope="module")
def built(harness):
    blocks = harness.build_chain(harness.genesis_root, SLOTS)
    return blocks


def reopen(h, chain, **kw):
    path = chain.db.path
    chain.db.close()
    return Chain.open(h.config, ChainDB.open(path), now=h.now, **kw)


def test_state_at_every_slot_after_restart(h, built, tmp_path):
    chain = h.open_chain(tmp_path / "db")
    for b in built:
        chain.import_block(b)
    head = h.root(built[-1])
    assert chain.head_root == head
    # A cold start: only epoch-boundary states are on disk, the rest is replayed.
    chain = reopen(h, chain, hot_states=2)
    assert chain.head_root == head and chain.head_slot == SLOTS[-1]
    expected = h.states[head].state_roots
    for slot in range(SLOTS[-1]):
        state = chain.state_at_slot(slot)
        assert int(state.slot) == slot
        assert hash_tree_root(state) == bytes(expected[slot % h.config.SLOTS_PER_HISTORICAL_ROOT]), slot
    for b in built:
        assert hash_tree_root(chain.state_at_block(h.root(b))) == hash_tree_root(h.states[h.root(b)])
    future = chain.state_at_slot(SLOTS[-1] + 3)
    assert int(future.slot) == SLOTS[-1] + 3


def test_restart_keeps_head_checkpoints_and_votes(h, built, tmp_path):
    chain = h.open_chain(tmp_path / "db")
    for b in built:
        chain.import_block(b)
    before = (chain.head_root, chain.justified_checkpoint, chain.finalized_checkpoint)
    votes = [chain.fork_choice.latest_message(v) for v in range(64)]
    assert any(votes)
    chain = reopen(h, chain)
    assert (chain.head_root, chain.justified_checkpoint, chain.finalized_checkpoint) == before
    assert [chain.fork_choice.latest_message(v) for v in range(64)] == votes


def test_blocks_by_range_and_by_root(h, built, tmp_path):
    chain = h.open_chain(tmp_path / "db")
    for b in built:
        chain.import_block(b)
    head = chain.head_root
    got = chain.blocks_by_range(head, 0, 100)
    assert [int(b.slot) for b in got] == [0] + SLOTS  # the genesis block is servable
    got = chain.blocks_by_range(head, 3, 5, step=3)  # slots 3, 6, 9, 12, 15
    assert [int(b.slot) for b in got] == [3, 6, 9, 12, 15]
    assert chain.blocks_by_range(head, 4, 1) == []  # empty slot
    # On a side branch the range follows that branch.
    side = h.make_block(h.root(built[2]), 4, graffiti=b"S" * 32)
    chain.import_block(side)
    assert [int(b.slot) for b in chain.blocks_by_range(h.root(side), 0, 10)] == [0, 1, 2, 3, 4]
    assert chain.block_by_root(h.root(built[4])) == built[4]
    assert chain.block_by_root(b"\x00" * 32) is None
    with pytest.raises(ValueError):
        chain.blocks_by_range(head, 0, 1, step=0)


def test_anchor_from_a_later_state(h, built, tmp_path):
    # Anchor at block 10's post-state (header state_root still zero in that state).
    i = SLOTS.index(10)
    anchor = h.states[h.root(built[i])]
    assert anchor_root(anchor) == h.root(built[i])
    chain = Chain.open(h.config, ChainDB.open(str(tmp_path / "db")), anchor, now=h.now)
    assert chain.head_root == h.root(built[i])
    for b in built[i + 1:]:
        chain.import_block(b)
    assert chain.head_root == h.root(built[-1])
    with pytest.raises(StateUnavailable):
        chain.state_at_slot(5)
    assert hash_tree_root(chain.state_at_slot(12)) == bytes(h.states[h.root(built[-1])].state_roots[12])
    assert chain.blocks_by_range(chain.head_root, 0, 12)[0].slot == 11  # no body for the anchor
    chain.db.close()
    with pytest.raises(ChainMismatch):
        Chain.open(h.config, ChainDB.open(str(tmp_path / "db")), h.genesis, now=h.now)


def test_anchor_state_advanced_past_its_block(h, built, tmp_path):
    # Like the spec vectors: a state some empty slots after its latest block.
    from beacon.state_transition import process_slots
    i = SLOTS.index(12)
    anchor = h.states[h.root(built[i])].copy()
    process_slots(h.config, anchor, 14)
    chain = Chain.open(h.config, ChainDB.open(str(tmp_path / "db")), anchor, now=h.now)
    assert chain.head_root == h.root(built[i]) and chain.head_slot == 12
    for b in built[i + 1:]:
        chain.import_block(b)
    assert chain.head_root == h.root(built[-1])

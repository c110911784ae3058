"""validator.production: attestation data follows the validator spec; aggregation rules."""
import pytest

from validator import production as P


def test_attestation_data_fields(harness):
    h = harness
    blocks = h.build_chain(h.genesis_root, [1, 2, 3, 4, 5, 6, 7, 8, 9], attest=False)
    c = h.config
    head = h.root(blocks[-1])  # slot 9, epoch 1
    state = P.state_at_slot(c, h.states[head], 10)
    shard, committee = P.committees_at_slot(c, state, 10)[0]
    data = P.attestation_data(c, state, head_root=head, shard=shard)
    assert bytes(data.beacon_block_root) == head
    assert data.source == state.current_justified_checkpoint
    assert int(data.target.epoch) == 1 and bytes(data.target.root) == h.root(blocks[7])  # slot 8
    parent = state.current_crosslinks[shard]
    assert bytes(data.crosslink.parent_root) == bytes(parent.hash_tree_root())
    assert int(data.crosslink.start_epoch) == int(parent.end_epoch)
    assert int(data.crosslink.end_epoch) == min(1, int(parent.end_epoch) + c.MAX_EPOCHS_PER_CROSSLINK)
    # At the epoch's first slot the boundary block is the head itself.
    at_start = P.attestation_data(c, P.state_at_slot(c, h.states[h.root(blocks[7])], 8),
                                  head_root=h.root(blocks[7]), shard=shard)
    assert bytes(at_start.target.root) == h.root(blocks[7])


def test_aggregate_rejects_overlap_and_mixed_data(harness):
    h = harness
    head = h.genesis_root
    state = P.state_at_slot(h.config, h.genesis, 1)
    (shard, committee), = P.committees_at_slot(h.config, state, 1)[:1]
    data = P.attestation_data(h.config, state, head_root=head, shard=shard)
    from validator.keys import interop_privkey
    singles = [P.sign_attestation(h.config, state, data, committee, v, interop_privkey(v))
               for v in committee[:3]]
    agg = P.aggregate(h.config, singles)
    assert [bool(b) for b in agg.aggregation_bits][:3] == [True] * 3
    with pytest.raises(ValueError):
        P.aggregate(h.config, [singles[0], singles[0]])
    other = data.copy()
    other.beacon_block_root = b"\x01" * 32
    with pytest.raises(ValueError):
        P.aggregate(h.config, [singles[0], P.sign_attestation(h.config, state, other, committee,
                                                               committee[1], interop_privkey(committee[1]))])
    with pytest.raises(ValueError):
        P.aggregate(h.config, [])

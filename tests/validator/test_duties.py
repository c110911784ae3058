from beacon.config import minimal
from beacon.state_transition import helpers as h
from beacon.state_transition.slot import process_slots
from validator.duties import compute_epoch_duties

C = minimal


def test_duties_match_per_slot_spec_helpers(genesis16):
    state = genesis16.copy()
    process_slots(C, state, C.SLOTS_PER_EPOCH)  # epoch 1
    ours = {1, 3, 5, 8, 13}
    duties = compute_epoch_duties(C, state, ours)
    assert duties.epoch == 1
    for slot in range(C.SLOTS_PER_EPOCH, 2 * C.SLOTS_PER_EPOCH):
        probe = state.copy()
        process_slots(C, probe, slot)
        proposer = h.get_beacon_proposer_index(C, probe)
        assert duties.proposers.get(slot) == (proposer if proposer in ours else None)
    # Every one of our validators attests exactly once, in a committee containing it.
    assert set(duties.attesters) == ours
    for v, d in duties.attesters.items():
        assert d.committee[d.position] == v
        assert C.SLOTS_PER_EPOCH <= d.slot < 2 * C.SLOTS_PER_EPOCH
        data_epoch = d.slot // C.SLOTS_PER_EPOCH
        committee = h.get_crosslink_committee(C, state, data_epoch, d.shard)
        assert tuple(int(x) for x in committee) == d.committee


def test_all_validators_covered_and_nobody_else(genesis16):
    duties = compute_epoch_duties(C, genesis16, set(range(16)))
    assert set(duties.attesters) == set(range(16))
    assert sum(len(duties.attesters_at(s)) for s in range(C.SLOTS_PER_EPOCH)) == 16
    assert compute_epoch_duties(C, genesis16, set()).attesters == {}

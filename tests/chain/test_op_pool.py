from beacon import bls
from beacon.config import minimal
from beacon.state_transition import helpers as h
from beacon.state_transition.slot import process_slots
from beacon.types import get_types
from ssz.signing import hash_tree_root
from beacon.chain.op_pool import OperationPool

C = minimal
T = get_types(C)
Bits = T.Attestation.fields()["aggregation_bits"]


def data_for_slot0(state):
    """Attestation data of the first committee of slot 0, valid on `state` (epoch 0)."""
    shard = h.get_start_shard(C, state, 0)
    parent = state.current_crosslinks[shard]
    return T.AttestationData(
        beacon_block_root=h.get_block_root_at_slot(C, state, 0),
        source=state.current_justified_checkpoint,
        target=T.Checkpoint(epoch=0, root=h.get_block_root_at_slot(C, state, 0)),
        crosslink=T.Crosslink(shard=shard, parent_root=hash_tree_root(parent),
                              start_epoch=parent.end_epoch, end_epoch=0))


def att(data, bits, sig):
    return T.Attestation(aggregation_bits=Bits(*bits), data=data,
                         custody_bits=Bits(*([False] * len(bits))), signature=sig)


def test_disjoint_attestations_aggregate_and_block_selection(genesis16):
    state = genesis16.copy()
    process_slots(C, state, 1)
    data = data_for_slot0(state)
    size = len(h.get_crosslink_committee(C, state, 0, int(data.crosslink.shard)))
    msg = b"\x11" * 32
    s1, s2, s3 = (bls.sign(msg, k, b"\x00" * 8) for k in (1, 2, 3))
    pool = OperationPool(C)
    one = [True] + [False] * (size - 1)
    two = [False, True] + [False] * (size - 2)
    pool.add_attestation(att(data, one, s1))
    pool.add_attestation(att(data, two, s2))
    pool.add_attestation(att(data, one, s3))  # nothing new: dropped
    assert pool.attestation_count() == 1
    [included] = pool.attestations_for_block(state)
    assert list(included.aggregation_bits)[:2] == [True, True]
    assert bytes(included.signature) == bls.aggregate_signatures([s1, s2])
    # Bits of the wrong length for the committee never join the group.
    pool.add_attestation(att(data, [True] * (size + 1), s3))
    assert pool.attestation_count() == 1


def test_not_includable_too_early_or_stale(genesis16):
    state = genesis16.copy()
    process_slots(C, state, 1)
    data = data_for_slot0(state)
    size = len(h.get_crosslink_committee(C, state, 0, int(data.crosslink.shard)))
    pool = OperationPool(C)
    pool.add_attestation(att(data, [True] + [False] * (size - 1), bls.sign(b"\x11" * 32, 1, bytes(8))))
    assert pool.attestations_for_block(genesis16) == []  # slot 0: inclusion delay not met
    late = genesis16.copy()
    process_slots(C, late, 3 * C.SLOTS_PER_EPOCH)
    assert pool.attestations_for_block(late) == []
    pool.prune(3)
    assert pool.attestation_count() == 0


def test_votes_whose_target_is_on_another_branch_are_not_included(genesis16):
    # Their committee may come from another shuffling; the aggregate would not verify.
    state = genesis16.copy()
    process_slots(C, state, 1)
    data = data_for_slot0(state)
    data.target.root = b"\x42" * 32
    size = len(h.get_crosslink_committee(C, state, 0, int(data.crosslink.shard)))
    pool = OperationPool(C)
    pool.add_attestation(att(data, [True] + [False] * (size - 1), bls.sign(b"\x11" * 32, 1, bytes(8))))
    assert pool.attestations_for_block(state) == []


def test_votes_already_in_the_state_are_not_included_again(genesis16):
    """A block that holds a vote makes later blocks of the branch leave it out; an
    aggregate with one new vote still goes in."""
    state = genesis16.copy()
    process_slots(C, state, 1)
    data = data_for_slot0(state)
    size = len(h.get_crosslink_committee(C, state, 0, int(data.crosslink.shard)))
    assert size >= 2
    pool = OperationPool(C)
    one = [True] + [False] * (size - 1)
    pool.add_attestation(att(data, one, bls.sign(b"\x11" * 32, 1, bytes(8))))
    [first] = pool.attestations_for_block(state)
    state.current_epoch_attestations.append(T.PendingAttestation(
        aggregation_bits=first.aggregation_bits, data=first.data, inclusion_delay=1,
        proposer_index=0))
    assert pool.attestations_for_block(state) == []              # nothing new
    pool.add_attestation(att(data, [False, True] + [False] * (size - 2),
                             bls.sign(b"\x11" * 32, 2, bytes(8))))
    [again] = pool.attestations_for_block(state)                 # one new vote
    assert list(again.aggregation_bits)[:2] == [True, True]

"""The slasher turns verified equivocations into pooled slashings, once per validator,
and its memory stays within its bounds."""
from beacon import bls
from beacon.config import minimal as C
from beacon.operations import slasher as slasher_mod
from beacon.operations.slasher import Slasher
from beacon.state_transition import helpers as h
from beacon.types import get_types
from ssz.signing import hash_tree_root, signing_root
from validator import production
from validator.evidence import attester_slashing
from validator.keys import interop_privkey
from beacon.chain.op_pool import OperationPool

T = get_types(C)


def _genesis_root(state):
    header = state.latest_block_header.copy()
    header.state_root = state.hash_tree_root()
    return signing_root(header)


def _block(genesis, graffiti: bytes):
    pre = production.state_at_slot(C, genesis, 1)
    proposer = h.get_beacon_proposer_index(C, pre)
    key = interop_privkey(proposer)
    block, post = production.build_block_and_state(
        C, pre, parent_root=_genesis_root(genesis), slot=1, graffiti=graffiti.ljust(32, b"\0"),
        randao_reveal=production.randao_reveal(C, pre, 1, key))
    production.sign_block(C, pre, block, key)
    return block, post, proposer


def test_two_blocks_same_slot_same_proposer_pool_one_proposer_slashing(genesis16):
    pool = OperationPool(C)
    s = Slasher(C, pool, lambda: genesis16)
    b1, post1, proposer = _block(genesis16, b"one")
    b2, post2, _ = _block(genesis16, b"two")
    s.on_block(signing_root(b1), b1, post1)
    s.on_block(signing_root(b1), b1, post1)          # the same block again: nothing
    assert not pool.proposer_slashings
    s.on_block(signing_root(b2), b2, post2)
    assert list(pool.proposer_slashings) == [proposer]
    op = pool.proposer_slashings[proposer]
    assert {signing_root(op.header_1), signing_root(op.header_2)} == {signing_root(b1), signing_root(b2)}
    # The pooled slashing is includable: the next block carrying it applies.
    pre = production.state_at_slot(C, post1, 2)
    ops = pool.block_operations(pre)
    assert len(ops["proposer_slashings"]) == 1
    _, post = production.build_block_and_state(C, pre, parent_root=signing_root(b1), slot=2,
                                               randao_reveal=bytes(96), operations=ops)
    assert post.validators[proposer].slashed


def test_double_vote_pools_one_attester_slashing_per_validator(genesis16):
    pool = OperationPool(C)
    s = Slasher(C, pool, lambda: genesis16)
    ev = attester_slashing(C, genesis16, [3, 5], target_epoch=0)
    s.on_attestation(ev.attestation_1)
    assert not pool.attester_slashings
    s.on_attestation(ev.attestation_2)
    assert len(pool.attester_slashings) == 1
    got = pool.attester_slashings[0]
    assert hash_tree_root(got) == hash_tree_root(ev)
    # A third vote of the same validators for that target: already reported.
    third = attester_slashing(C, genesis16, [3, 5], target_epoch=0).attestation_1.copy()
    third.data.beacon_block_root = b"\x0c" * 32
    s.on_attestation(third)
    assert len(pool.attester_slashings) == 1 and s.found["attester_slashing"] == 1


def _vote(indices, source, target, tag):
    data = T.AttestationData(beacon_block_root=tag * 32,
                             source=T.Checkpoint(epoch=source, root=bytes(32)),
                             target=T.Checkpoint(epoch=target, root=tag * 32))
    domain = h.get_domain(C, _vote.state, C.DOMAIN_ATTESTATION, target)
    msg = hash_tree_root(T.AttestationDataAndCustodyBit(data=data, custody_bit=False))
    sig = bls.aggregate_signatures([bls.sign(msg, interop_privkey(i), domain) for i in indices])
    return T.IndexedAttestation(custody_bit_0_indices=sorted(indices), data=data, signature=sig)


def test_surround_vote_is_slashed_with_the_surrounding_vote_first(genesis16):
    _vote.state = genesis16
    pool = OperationPool(C)
    s = Slasher(C, pool, lambda: genesis16)
    inner = _vote([7], 1, 2, b"\x01")
    outer = _vote([7], 0, 3, b"\x02")
    s.on_attestation(inner)
    s.on_attestation(outer)
    assert len(pool.attester_slashings) == 1
    op = pool.attester_slashings[0]
    assert int(op.attestation_1.data.target.epoch) == 3   # attestation_1 surrounds
    # Honest votes that neither conflict nor surround: nothing.
    pool2 = OperationPool(C)
    s2 = Slasher(C, pool2, lambda: genesis16)
    s2.on_attestation(_vote([8], 0, 1, b"\x03"))
    s2.on_attestation(_vote([8], 1, 2, b"\x04"))
    assert not pool2.attester_slashings


def test_invalid_evidence_is_not_pooled(genesis16):
    """A pair whose signature does not verify (never from the chain, but still) stays out."""
    pool = OperationPool(C)
    s = Slasher(C, pool, lambda: genesis16)
    ev = attester_slashing(C, genesis16, [2], target_epoch=0)
    bad = ev.attestation_2.copy()
    bad.signature = ev.attestation_1.signature
    s.on_attestation(ev.attestation_1)
    s.on_attestation(bad)
    assert s.found["attester_slashing"] == 1 and not pool.attester_slashings


def test_memory_stays_bounded_past_its_limits(monkeypatch):
    monkeypatch.setattr(slasher_mod, "get_beacon_proposer_index", lambda c, st, ctx=None: 0)
    s = Slasher(C, OperationPool(C), lambda: None, max_blocks=50, max_votes=200,
                window_epochs=10**6, max_reported=10)
    for slot in range(1, 1000):
        s.on_block(b"", T.BeaconBlock(slot=slot), None)
        assert s.record_count()[0] <= 50
    for target in range(100):
        data = T.AttestationData(target=T.Checkpoint(epoch=target))
        s.on_attestation(T.IndexedAttestation(custody_bit_0_indices=list(range(16)), data=data))
        assert s.record_count()[1] <= 200
    assert s.record_count() == (50, 200)
    assert sum(len(v) for v in s._votes.values()) == 200


def test_window_prunes_old_records(monkeypatch):
    monkeypatch.setattr(slasher_mod, "get_beacon_proposer_index", lambda c, st, ctx=None: 0)
    s = Slasher(C, OperationPool(C), lambda: None, window_epochs=2)
    for slot in range(1, 8 * 10):
        s.on_block(b"", T.BeaconBlock(slot=slot), None)
    assert s.record_count()[0] <= 8 * 3


def test_exit_applies_once_the_validator_is_old_enough(genesis16):
    """v0.8.4 exits wait PERSISTENT_COMMITTEE_PERIOD (2048 epochs on minimal) after
    activation; with that wait over (a config without it), the exit is checked, pooled
    and included, and the block's post-state has the exit epoch set."""
    from beacon.operations.check import OperationRejected, check_operation
    from validator.evidence import voluntary_exit
    op = voluntary_exit(C, genesis16, 5, epoch=0)
    try:
        check_operation(C, genesis16, "voluntary_exit", op)
        raise AssertionError("a young validator's exit was accepted")
    except OperationRejected as e:
        assert "active long enough" in e.reason
    aged = C.replace(PERSISTENT_COMMITTEE_PERIOD=0)
    check_operation(aged, genesis16, "voluntary_exit", op)
    pool = OperationPool(aged)
    pool.add_voluntary_exit(op)
    pre = production.state_at_slot(aged, genesis16, 1)
    _, post = production.build_block_and_state(
        aged, pre, parent_root=_genesis_root(genesis16), slot=1, randao_reveal=bytes(96),
        operations=pool.block_operations(pre))
    assert int(post.validators[5].exit_epoch) != C.FAR_FUTURE_EPOCH


def test_block_operations_keep_only_what_applies_together(genesis16):
    """A stale attester slashing (its validator already slashed by a proposer slashing
    in the same block) must not make the block invalid, nor take the one attester
    slashing slot (MAX_ATTESTER_SLASHINGS = 1) from a good one behind it."""
    from validator.evidence import proposer_slashing
    pool = OperationPool(C)
    pool.add_proposer_slashing(proposer_slashing(C, genesis16, 4, slot=0))
    pool.add_attester_slashing(attester_slashing(C, genesis16, [4], target_epoch=0))
    good = attester_slashing(C, genesis16, [9, 11], target_epoch=0)
    pool.add_attester_slashing(good)
    pre = production.state_at_slot(C, genesis16, 1)
    ops = pool.block_operations(pre)
    assert len(ops["proposer_slashings"]) == 1
    assert [hash_tree_root(o) for o in ops["attester_slashings"]] == [hash_tree_root(good)]
    _, post = production.build_block_and_state(
        C, pre, parent_root=_genesis_root(genesis16), slot=1, randao_reveal=bytes(96),
        operations=ops)
    assert all(post.validators[i].slashed for i in (4, 9, 11))

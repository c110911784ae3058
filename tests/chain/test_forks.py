"""Fork choice on real signed chains: the head follows attestation weight, ties go to the
higher root, and every import error has its own type."""
import pytest

from beacon.chain import (
    AlreadyKnown, FinalizedConflict, FutureAttestation, FutureSlot, InvalidAttestation,
    InvalidBlock, InvalidSignature, UnknownAttestationBlock, UnknownParent,
)
from validator import production as P
from validator.keys import interop_privkey


@pytest.fixture(scope="module")
def base(harness):
    return harness.build_chain(harness.genesis_root, [1, 2])


def fork_pair(h, parent, slot):
    a = h.make_block(parent, slot, graffiti=b"A" * 32)
    b = h.make_block(parent, slot, graffiti=b"B" * 32)
    ra, rb = h.root(a), h.root(b)
    return (a, ra, b, rb) if ra < rb else (b, rb, a, ra)  # (lower, higher)


def test_head_follows_attestation_weight(harness, base, tmp_path):
    h = harness
    chain = h.open_chain(tmp_path / "db")
    for b in base:
        chain.import_block(b)
    low, low_root, high, high_root = fork_pair(h, h.root(base[-1]), 3)
    chain.import_block(low)
    chain.import_block(high)
    assert chain.head_root == high_root  # no votes yet: the higher root
    for att in h.attestations(low_root, 3):  # slot 3's committee (8 validators)
        assert chain.import_attestation(att)
    assert chain.head_root == low_root
    for slot in (4, 5):  # 16 more validators outweigh them
        for att in h.attestations(high_root, slot):
            chain.import_attestation(att)
    assert chain.head_root == high_root
    assert chain.db.head() == high_root and chain.db.canonical_root(3) == high_root


def test_equal_weight_goes_to_higher_root(harness, base, tmp_path):
    h = harness
    chain = h.open_chain(tmp_path / "db")
    for b in base:
        chain.import_block(b)
    low, low_root, high, high_root = fork_pair(h, h.root(base[-1]), 3)
    chain.import_block(low)
    chain.import_block(high)
    committee = P.committees_at_slot(h.config, P.state_at_slot(h.config, h.states[low_root], 3), 3)[0][1]
    one, two, three = committee[:3]
    chain.import_attestation(h.attestations(low_root, 3, lambda v: v == one)[0])
    assert chain.head_root == low_root
    chain.import_attestation(h.attestations(high_root, 3, lambda v: v == two)[0])
    assert chain.head_root == high_root  # 32 ETH each: the lexicographically higher root
    chain.import_attestation(h.attestations(low_root, 3, lambda v: v == three)[0])
    assert chain.head_root == low_root


def test_block_errors_are_typed(h, base, tmp_path):
    # The fork-choice clock only moves forward, so start it before slot 3.
    h.set_slot(3, -1.0)
    chain = h.open_chain(tmp_path / "db")
    chain.import_block(base[0])
    with pytest.raises(AlreadyKnown):
        chain.import_block(base[0])
    b3 = h.make_block(h.root(base[-1]), 3)
    b4 = h.make_block(h.root(b3), 4)
    chain.import_block(base[1])
    # Future slot: the clock is 1 s before slot 3 starts; 0.4 s early is within the allowance.
    with pytest.raises(FutureSlot):
        chain.import_block(b3)
    h.set_slot(3, -0.4)
    chain.import_block(b3)
    h.set_slot(100)
    # Unknown parent: a block on a slot-3 sibling that was never imported.
    x3 = h.make_block(h.root(base[-1]), 3, graffiti=b"X" * 32)
    x4 = h.make_block(h.root(x3), 4)
    with pytest.raises(UnknownParent) as e:
        chain.import_block(x4)
    assert e.value.parent_root == h.root(x3)
    # Bad proposer signature; a failed import must not make the good block "known".
    bad = b4.copy()
    bad.signature = P.sign_block(h.config, h.states[h.root(b3)], b4.copy(), interop_privkey(63)).signature
    assert bad.signature != b4.signature
    with pytest.raises(InvalidSignature):
        chain.import_block(bad)
    chain.import_block(b4)
    # A correctly signed block with a wrong state root is invalid, not a signature error.
    b5 = h.make_block(h.root(b4), 5)
    wrong = b5.copy()
    wrong.state_root = b"\x11" * 32
    proposer = P.state_at_slot(h.config, h.states[h.root(b4)], 5)
    from beacon.state_transition.helpers import get_beacon_proposer_index
    P.sign_block(h.config, proposer, wrong, interop_privkey(get_beacon_proposer_index(h.config, proposer)))
    with pytest.raises(InvalidBlock) as e:
        chain.import_block(wrong)
    assert not isinstance(e.value, InvalidSignature) and "state_root" in e.value.reason
    chain.import_block(b5)
    assert chain.head_root == h.root(b5)


def test_attestation_errors_are_typed(h, base, tmp_path):
    h.set_slot(2, 3.0)  # slot 2 has not ended
    chain = h.open_chain(tmp_path / "db")
    for b in base:
        chain.import_block(b)
    head = h.root(base[-1])
    att = h.attestations(head, 2)[0]
    with pytest.raises(FutureAttestation):
        chain.import_attestation(att)
    h.set_slot(3)
    other = h.make_block(head, 3)  # never imported
    with pytest.raises(UnknownAttestationBlock):
        chain.import_attestation(h.attestations(h.root(other), 3)[0])
    forged = att.copy()
    forged.data.crosslink.data_root = b"\x01" * 32  # the signature no longer matches
    with pytest.raises(InvalidAttestation):
        chain.import_attestation(forged)
    assert chain.import_attestation(att)


def test_finalized_conflict_and_pruning(harness, tmp_path):
    h = harness
    chain = h.open_chain(tmp_path / "db")
    fork = h.make_block(h.genesis_root, 1, graffiti=b"F" * 32)
    chain.import_block(fork)
    blocks = h.build_chain(h.genesis_root, range(2, 34))
    for b in blocks:
        chain.import_block(b)
    fin = chain.finalized_checkpoint
    assert fin.epoch >= 2
    assert not chain.db.has_block(h.root(fork))  # pruned with its state and summary
    assert h.root(fork) not in chain.fork_choice
    late = h.make_block(h.genesis_root, 3, graffiti=b"L" * 32)
    with pytest.raises(FinalizedConflict):
        chain.import_block(late)

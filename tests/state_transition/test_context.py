"""EpochContext: caches as values beside the state (issue 10, item 3).

What must hold: the transition run with an explicit context never falls back to the
thread's unowned one (the plumbing is complete); a context serves every state of a
chain without giving stale answers; two threads with two contexts give the results a
single thread gives.
"""
import threading

import pytest

from beacon.chain import anchor_root
from beacon.config import mainnet, minimal
from beacon.genesis.quickstart import quickstart_state
from beacon.state_transition import EpochContext, Signatures, process_epoch, state_transition
from beacon.state_transition import context as context_module
from beacon.state_transition.helpers import get_beacon_proposer_index, get_crosslink_committee
from bench.states import add_full_participation, state_with_validators
from ssz.signing import signing_root
from validator import production as P
from validator.keys import interop_privkey


@pytest.fixture(scope="module")
def chain():
    """Genesis and 10 blocks (one epoch boundary) with full attestations, minimal preset."""
    ctx = EpochContext(minimal)
    genesis = quickstart_state(minimal, 0, 64)
    state, root, blocks, pending = genesis, anchor_root(genesis), [], []
    for slot in range(1, 11):
        block, state = P.propose(minimal, state, root, slot, interop_privkey,
                                 operations={"attestations": pending}, ctx=ctx)
        root = signing_root(block)
        blocks.append(block)
        pending = P.attest_slot(minimal, state, root, slot, interop_privkey, ctx=ctx)
    return genesis, blocks, state


def test_explicit_context_never_uses_the_unowned_one(chain):
    genesis, blocks, expected = chain
    ctx = EpochContext(minimal)
    before = context_module.unowned_uses()
    state = genesis.copy()
    for block in blocks:
        state_transition(minimal, state, block, signatures=Signatures.VERIFY, ctx=ctx)
    assert context_module.unowned_uses() == before, "a helper on the transition path lost ctx"
    assert state.hash_tree_root() == expected.hash_tree_root()
    # The caches did work: the registry was parsed a few times, not once per lookup.
    assert ctx.stats["columns_hit"] > 10 * ctx.stats["columns_parsed"]
    assert ctx.stats["shufflings_computed"] <= 4


def test_without_a_context_the_unowned_one_is_used(chain):
    genesis, blocks, _ = chain
    before = context_module.unowned_uses()
    state_transition(minimal, genesis.copy(), blocks[0])
    assert context_module.unowned_uses() > before


def test_one_context_serves_forks_without_stale_answers(chain):
    """Entries are keyed by tree identity: a changed registry is parsed again."""
    genesis, _, _ = chain
    ctx = EpochContext(minimal)
    a = genesis.copy()
    b = genesis.copy()
    b.validators[5].effective_balance = 0  # a fork where validator 5 cannot propose
    assert ctx.columns(a).effective_balance[5] == minimal.MAX_EFFECTIVE_BALANCE
    assert ctx.columns(b).effective_balance[5] == 0
    assert ctx.columns(a).effective_balance[5] == minimal.MAX_EFFECTIVE_BALANCE
    fresh = EpochContext(minimal)
    for slot in range(minimal.SLOTS_PER_EPOCH):
        b.slot = slot
        assert get_beacon_proposer_index(minimal, b, ctx=ctx) == \
            get_beacon_proposer_index(minimal, b, ctx=fresh)


def test_two_threads_two_contexts_match_one_thread():
    base = state_with_validators(mainnet, 2048)
    add_full_participation(mainnet, base, ctx=EpochContext(mainnet))
    serial = base.copy()
    process_epoch(mainnet, serial, ctx=EpochContext(mainnet))
    expected = serial.hash_tree_root()

    results, errors = {}, []

    def work(name):
        try:
            ctx = EpochContext(mainnet)
            for i in range(3):
                s = base.copy()
                process_epoch(mainnet, s, ctx=ctx)
                results[(name, i)] = s.hash_tree_root()
                # Interleave committee lookups with the other thread's epoch processing.
                get_crosslink_committee(mainnet, base, 3, 0, ctx=ctx)
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 6 and set(results.values()) == {expected}

"""The chain owns one EpochContext: imports, votes, fork-choice balances and state
replays all use it, so none falls back to the hidden per-thread context."""
from beacon.state_transition import context as context_module


def test_imports_and_replays_use_the_chains_context(harness, tmp_path):
    h = harness
    blocks = h.build_chain(h.genesis_root, range(1, 11))  # past an epoch boundary
    votes = h.attestations(h.root(blocks[-1]), 10)  # made by the test, not the chain
    before = context_module.unowned_uses()
    chain = h.open_chain(tmp_path / "db")
    for b in blocks:
        chain.import_block(b)
    for att in votes:
        assert chain.import_attestation(att) is not None
    chain.regen._hot = type(chain.regen._hot)(1)  # force replays from the database
    chain.state_at_block(h.root(blocks[4]))
    assert context_module.unowned_uses() == before, "a chain path lost its ctx"
    assert chain.ctx is chain.regen.ctx
    assert chain.ctx.stats["columns_parsed"] >= 1  # the chain's own caches did the work

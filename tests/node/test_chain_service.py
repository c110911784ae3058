"""The chain task with a real chain: outcomes, orphan quarantine and release, parent
lookup requests, votes deferred until their slot is over."""
import trio

from beacon.config import minimal
from beacon.node import chain_adapter as ca
from beacon.node.chain_service import ChainService, Outcome
from beacon.api.metrics import NodeMetrics
from ssz.codec import encode
from ssz.signing import signing_root
from validator import production
from validator.keys import interop_privkey
from validator.op_pool import OperationPool

C = minimal


def build_chain(genesis, n):
    """Blocks 1..n on genesis, each with the previous slot's votes."""
    header = genesis.latest_block_header.copy()
    header.state_root = genesis.hash_tree_root()
    parent_root, state, blocks = signing_root(header), genesis, []
    for slot in range(1, n + 1):
        votes = production.attest_slot(C, state, parent_root, slot - 1, interop_privkey)
        block, state = production.propose(C, state, parent_root, slot, interop_privkey,
                                          operations={"attestations": votes})
        blocks.append(block)
        parent_root = signing_root(block)
    return blocks, state


def open_service(tmp_path, genesis, now):
    path = tmp_path / "genesis.ssz"
    path.write_bytes(encode(genesis))
    chain = ca.open_chain(C, tmp_path / "node", path, now=now)
    return ChainService(chain, C, NodeMetrics(), OperationPool(C))


def run_with(cs, fn):
    async def main():
        async with trio.open_nursery() as nursery:
            await nursery.start(cs.run)
            await fn()
            nursery.cancel_scope.cancel()
    trio.run(main)
    ca.close_chain(cs.chain)


def test_outcomes_quarantine_and_lookup(tmp_path, genesis16):
    blocks, _ = build_chain(genesis16, 3)
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)

    async def scenario():
        r = await cs.submit("block", blocks[2], "gossip", "peerX")
        assert r.outcome is Outcome.UNKNOWN_PARENT
        lookup = cs.lookup_recv.receive_nowait()
        assert lookup.root == signing_root(blocks[1]) and lookup.peer == "peerX"
        r = await cs.submit("block", blocks[1], "lookup", "peerX")
        assert r.outcome is Outcome.UNKNOWN_PARENT
        assert (await cs.submit("block", blocks[0], "lookup")).outcome is Outcome.IMPORTED
        # Importing the first released both quarantined descendants.
        assert ca.head(cs.chain) == (signing_root(blocks[2]), 3)
        assert (await cs.submit("block", blocks[0], "gossip")).outcome is Outcome.KNOWN
        bad = blocks[2].copy()
        bad.body.graffiti = b"\x01" * 32  # signature no longer matches
        bad.slot = 4
        assert (await cs.submit("block", bad, "gossip")).outcome is Outcome.INVALID
        assert cs.metrics.beacon_blocks_imported_total.get() == 3

    run_with(cs, scenario)


def test_votes_of_the_current_slot_are_deferred_then_applied(tmp_path, genesis16):
    blocks, state = build_chain(genesis16, 2)
    t = [int(genesis16.genesis_time) + 2 * C.SECONDS_PER_SLOT + 1]  # inside slot 2
    cs = open_service(tmp_path, genesis16, now=lambda: t[0])
    head = signing_root(blocks[1])
    votes = production.attest_slot(C, state, head, 2, interop_privkey)

    async def scenario():
        for b in blocks:
            assert (await cs.submit("block", b, "gossip")).outcome is Outcome.IMPORTED
        r = await cs.submit("attestation", votes[0], "gossip", "peerY")
        assert r.outcome is Outcome.DEFERRED
        assert cs.pool.attestation_count() == 0
        t[0] += C.SECONDS_PER_SLOT  # slot 3: the vote may now count
        await cs.tick(t[0])
        assert cs.pool.attestation_count() == 1
        assert any(cs.chain.fork_choice.latest_message(i) == (0, head) for i in range(16))

    run_with(cs, scenario)


def test_gossip_rules_verdicts(tmp_path, genesis16):
    from beacon.node.clock import SlotClock
    from beacon.node.gossip_rules import GossipRules, Verdict
    from beacon.types import get_types

    blocks, _ = build_chain(genesis16, 3)
    t = [int(genesis16.genesis_time) + 2 * C.SECONDS_PER_SLOT + 1]  # inside slot 2
    cs = open_service(tmp_path, genesis16, now=lambda: t[0])
    clock = SlotClock(int(genesis16.genesis_time), C.SECONDS_PER_SLOT, C.SLOTS_PER_EPOCH,
                      now=lambda: t[0])
    rules = GossipRules(C, cs, clock, cs.pool)
    T = get_types(C)

    async def scenario():
        assert await rules.block(blocks[2]) is Verdict.IGNORE  # slot 3 has not started
        assert await rules.block(blocks[0]) is Verdict.ACCEPT
        assert await rules.block(blocks[0]) is Verdict.IGNORE  # duplicate
        bad = blocks[1].copy()
        bad.signature = b"\x00" * 96
        assert await rules.block(bad) is Verdict.REJECT
        exit_ = T.VoluntaryExit(epoch=0, validator_index=3, signature=b"\x00" * 96)
        assert await rules.operation("voluntary_exit", exit_) is Verdict.REJECT
        assert cs.pool.voluntary_exits == {}

    run_with(cs, scenario)

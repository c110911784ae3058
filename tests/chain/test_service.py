"""The chain task with a real chain: errors as verdicts, orphan quarantine and release,
parent lookup requests, votes deferred until their slot is over, snapshots."""
import trio

from beacon.api.metrics import NodeMetrics
from beacon.chain.errors import AlreadyKnown, GossipAction, InvalidBlock, UnknownParent
from beacon.chain.op_pool import OperationPool
from beacon.chain.service import ChainService
from beacon.config import minimal
from beacon.node.chain_open import open_chain
from ssz.codec import encode
from ssz.signing import signing_root
from validator import production
from validator.keys import interop_privkey

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
    chain = open_chain(C, tmp_path / "node", path, now=now)
    return ChainService(chain, C, NodeMetrics(), OperationPool(C))


def run_with(cs, fn):
    async def main():
        async with trio.open_nursery() as nursery:
            await nursery.start(cs.run)
            await fn()
            nursery.cancel_scope.cancel()
    trio.run(main)
    cs.chain.db.close()


def test_errors_quarantine_and_lookup(tmp_path, genesis16):
    blocks, _ = build_chain(genesis16, 3)
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)

    async def scenario():
        first = cs.snapshot
        e = await cs.import_block(blocks[2], "gossip", "peerX")
        assert isinstance(e, UnknownParent) and e.gossip is GossipAction.QUEUE
        lookup = cs.lookup_recv.receive_nowait()
        assert lookup.root == signing_root(blocks[1]) and lookup.peer == "peerX"
        assert isinstance(await cs.import_block(blocks[1], "lookup", "peerX"), UnknownParent)
        assert await cs.import_block(blocks[0], "lookup") is None
        # Importing the first released both quarantined descendants.
        snap = cs.snapshot
        assert (snap.head_root, snap.head_slot) == (signing_root(blocks[2]), 3)
        assert snap.version > first.version and first.head_slot == 0  # old one untouched
        assert snap.knows_block(signing_root(blocks[1]))
        assert isinstance(await cs.import_block(blocks[0], "gossip"), AlreadyKnown)
        bad = blocks[2].copy()
        bad.body.graffiti = b"\x01" * 32  # signature no longer matches
        bad.slot = 4
        e = await cs.import_block(bad, "gossip")
        assert isinstance(e, InvalidBlock) and e.gossip is GossipAction.REJECT
        assert cs.metrics.beacon_blocks_imported_total.get() == 3

    run_with(cs, scenario)


def test_enqueued_errors_go_to_feedback(tmp_path, genesis16):
    blocks, _ = build_chain(genesis16, 1)
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    got = []
    cs.feedback = lambda error, peer: got.append((isinstance(error, InvalidBlock), peer))

    async def scenario():
        bad = blocks[0].copy()
        bad.body.graffiti = b"\x02" * 32
        assert cs.enqueue_block(bad, "gossip", "peerZ")
        assert cs.enqueue_block(blocks[0], "gossip", "peerY")
        await cs.wait_for_block_at(1)
        assert got == [(True, "peerZ")]

    run_with(cs, scenario)


def test_votes_of_the_current_slot_are_deferred_then_applied(tmp_path, genesis16):
    blocks, state = build_chain(genesis16, 2)
    t = [int(genesis16.genesis_time) + 2 * C.SECONDS_PER_SLOT + 1]  # inside slot 2
    cs = open_service(tmp_path, genesis16, now=lambda: t[0])
    head = signing_root(blocks[1])
    votes = production.attest_slot(C, state, head, 2, interop_privkey)

    async def scenario():
        for b in blocks:
            assert await cs.import_block(b, "gossip") is None
        # Held, not wrong: no error for the sender.
        assert await cs.import_attestation(votes[0], "gossip", "peerY") is None
        assert cs.pool.attestation_count() == 0
        t[0] += C.SECONDS_PER_SLOT  # slot 3: the vote may now count
        cs.request_tick()
        cs.request_tick()  # coalesced with the first
        await cs.read(lambda chain: None)  # the tick ran before this query got the lock
        while cs.pool.attestation_count() == 0:
            await trio.sleep(0.01)
        assert cs.pool.attestation_count() == 1
        assert any(cs.chain.fork_choice.latest_message(i) == (0, head) for i in range(16))

    run_with(cs, scenario)

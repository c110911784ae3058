"""Gossip topic handlers on a real chain: the v0.8.4 forwarding checks decide the verdict,
the import runs after; the boundary turns every error into one verdict and one report."""
import pytest
import trio

from beacon.chain.errors import InvalidBlock
from beacon.config import minimal
from beacon.network.attestation_topic import AttestationTopic
from beacon.network.block_topic import BlockTopic
from beacon.network.errors import Ignore, Queue, Reject
from beacon.network.operation_topic import operation_topics
from beacon.network.signature_batch import SignatureBatch
from beacon.network.topics import GossipBoundary, register
from beacon.node.clock import SlotClock
from beacon.types import get_types
from p2p.api import ValidationResult
from p2p.gossip import Topic
from p2p.peers import PeerManager
from ssz.signing import signing_root
from tests.chain.test_service import build_chain, open_service
from validator import production
from validator.keys import interop_privkey

C = minimal
T = get_types(C)


def run_topics(tmp_path, genesis, t, scenario):
    cs = open_service(tmp_path, genesis, now=lambda: t[0])
    clock = SlotClock(int(genesis.genesis_time), C.SECONDS_PER_SLOT, C.SLOTS_PER_EPOCH,
                      now=lambda: t[0])
    batch = SignatureBatch()
    blocks = BlockTopic(C, cs, clock)
    atts = AttestationTopic(C, cs, clock, blocks, batch)

    async def main():
        async with trio.open_nursery() as nursery:
            await nursery.start(cs.run)
            await nursery.start(batch.run)
            await scenario(cs, blocks, atts, batch)
            nursery.cancel_scope.cancel()
    trio.run(main)
    cs.chain.db.close()


def test_block_checks_then_import_after_forwarding(tmp_path, genesis16):
    chain_blocks, _ = build_chain(genesis16, 3)
    t = [int(genesis16.genesis_time) + 2 * C.SECONDS_PER_SLOT + 1]  # inside slot 2

    async def scenario(cs, blocks, atts, batch):
        with pytest.raises(Ignore, match="future"):
            await blocks.validate(chain_blocks[2], "p")  # slot 3 has not started
        bad = chain_blocks[0].copy()
        bad.signature = b"\x00" * 96
        with pytest.raises(Reject, match="proposer signature"):
            await blocks.validate(bad, "p")
        await blocks.validate(chain_blocks[0], "p")  # returns: forward
        # Forwarded before the import: the verdict did not wait for the chain.
        with pytest.raises(Ignore, match="already seen"):
            await blocks.validate(chain_blocks[0], "q")
        await cs.wait_for_block_at(1)
        assert cs.snapshot.head_root == signing_root(chain_blocks[0])

    run_topics(tmp_path, genesis16, t, scenario)


def test_attestation_checks_batching_and_queue(tmp_path, genesis16):
    chain_blocks, state = build_chain(genesis16, 2)
    t = [int(genesis16.genesis_time) + 2 * C.SECONDS_PER_SLOT + 1]  # inside slot 2
    head = signing_root(chain_blocks[1])
    # One vote per attester (not the committee aggregate), so several checks queue up.
    votes = []
    for v in range(16):
        votes += production.attest_slot(C, state, head, 2, interop_privkey,
                                        participants=lambda i, v=v: i == v)
    assert len(votes) >= 2

    async def scenario(cs, blocks, atts, batch):
        for b in chain_blocks:
            assert await cs.import_block(b, "sync") is None
        async with trio.open_nursery() as n:  # concurrent checks share thread hops
            for v in votes:
                n.start_soon(atts.validate, v, "p")
        assert batch.batches < len(votes)
        forged = votes[0].copy()
        forged.signature = votes[1].signature
        with pytest.raises(Reject, match="signature"):
            await atts.validate(forged, "p")
        short = votes[0].copy()
        short.aggregation_bits = T.Attestation.fields()["aggregation_bits"](True)
        with pytest.raises(Reject, match="bits"):
            await atts.validate(short, "p")
        unknown = votes[0].copy()
        unknown.data.beacon_block_root = b"\x07" * 32
        with pytest.raises(Queue):
            await atts.validate(unknown, "peerQ")
        with trio.fail_after(10):  # the chain found the block unknown and asks for it
            lookup = await cs.lookup_recv.receive()
        assert (lookup.root, lookup.peer) == (b"\x07" * 32, "peerQ")
        old = votes[0].copy()
        old.data.target.epoch = 5
        with pytest.raises(Ignore, match="target epoch"):
            await atts.validate(old, "p")
        # The accepted votes are imported without a second verify, then pooled once
        # their slot is over.
        t[0] += C.SECONDS_PER_SLOT
        cs.request_tick()
        while cs.pool.attestation_count() == 0:
            await trio.sleep(0.01)

    run_topics(tmp_path, genesis16, t, scenario)


class _Gossip:
    def __init__(self):
        self.validators = {}

    def set_validator(self, topic, validator):
        self.validators[topic] = validator


class _Handler:
    def __init__(self, topic, error=None):
        self.topic, self.error = topic, error

    async def validate(self, value, peer):
        if self.error is not None:
            raise self.error


def test_boundary_verdicts_and_late_penalty():
    peers = PeerManager()
    boundary = GossipBoundary(peers)
    cases = [(None, ValidationResult.ACCEPT), (Ignore("x"), ValidationResult.IGNORE),
             (Queue("x"), ValidationResult.IGNORE), (Reject("x"), ValidationResult.REJECT),
             (InvalidBlock(bytes(32), 1, "x"), ValidationResult.REJECT)]

    async def main():
        for error, expected in cases:
            validate = boundary.validator(_Handler(Topic.BEACON_BLOCK, error))
            assert await validate(object(), "p") is expected
        boundary.after_import(InvalidBlock(bytes(32), 1, "bad state root"), "late")
        boundary.after_import(InvalidBlock(bytes(32), 1, "ours"), None)
        assert peers.records["late"].actions == {"INVALID_MESSAGE": 1}
    trio.run(main)


def test_registry_needs_exactly_one_handler_per_topic():
    gossip = _Gossip()
    handlers = [_Handler(t) for t in Topic]
    register(gossip, GossipBoundary(PeerManager()), handlers)
    assert set(gossip.validators) == set(Topic)
    with pytest.raises(ValueError, match="no gossip handler"):
        register(_Gossip(), GossipBoundary(PeerManager()), handlers[1:])
    with pytest.raises(ValueError, match="two handlers"):
        register(_Gossip(), GossipBoundary(PeerManager()), handlers + handlers[:1])


def test_invalid_exit_is_rejected_and_not_pooled(tmp_path, genesis16):
    t = [int(genesis16.genesis_time) + 1]

    async def scenario(cs, blocks, atts, batch):
        exits = operation_topics(cs, cs.pool)[0]
        assert exits.topic is Topic.VOLUNTARY_EXIT
        op = T.VoluntaryExit(epoch=0, validator_index=3, signature=b"\x00" * 96)
        with pytest.raises(Exception) as info:
            await exits.validate(op, "p")
        assert info.value.gossip.value == "reject"
        assert cs.pool.voluntary_exits == {}

    run_topics(tmp_path, genesis16, t, scenario)

"""Validator client against a fake node: duties, proposals, attestations, and slashing
protection refusing a double proposal and a double vote after a restart whose clock was
rewound."""
import trio

from beacon.config import minimal
from beacon.api.metrics import NodeMetrics
from beacon.state_transition import helpers as h
from ssz.signing import signing_root
from validator import production
from validator.client import ValidatorClient, interop_keys
from validator.keys import interop_privkey
from beacon.chain.op_pool import OperationPool
from validator.slashing_protection import SlashingProtection

C = minimal


class FakeNode:
    """Head `head_root`; after the first head() call (the proposal) the head reported
    for attesting can differ, as when a competing block arrives in the slot."""

    def __init__(self, genesis, head_root, attest_head=None):
        self.genesis = genesis
        self.heads = [head_root, attest_head or head_root]
        self.blocks, self.attestations = [], []

    def head(self):
        root = self.heads[0]
        if len(self.heads) > 1:
            self.heads.pop(0)
        return root, 0

    def state_at_slot_on_head(self, slot):
        return production.state_at_slot(C, self.genesis, slot)

    def dependent_root(self, epoch):
        start = epoch * C.SLOTS_PER_EPOCH
        state = self.state_at_slot_on_head(start)
        return bytes(state.block_roots[(start - 1) % C.SLOTS_PER_HISTORICAL_ROOT]) if start else b""

    async def on_head_state(self, slot, fn, *args):
        return fn(self.state_at_slot_on_head(slot), None, *args)

    async def wait_for_block_at(self, slot):
        pass

    async def submit_block(self, block):
        self.blocks.append(block)

    async def submit_attestation(self, att):
        self.attestations.append(att)


def genesis_root(state):
    header = state.latest_block_header.copy()
    header.state_root = state.hash_tree_root()
    return signing_root(header)


def run_slot(client, slot):
    async def main():
        await client.on_slot(slot, trio.current_time() + 1)
    trio.run(main)


def first_proposal_slot(genesis):
    st = production.state_at_slot(C, genesis, 1)
    return 1, h.get_beacon_proposer_index(C, st)


def test_propose_attest_then_refuse_after_rewound_restart(tmp_path, genesis16):
    slot, _ = first_proposal_slot(genesis16)
    slot += 1  # a vote of slot 1 can make the second block of slot 2 differ
    committee_slot = slot
    keys = interop_keys(range(16))
    root = genesis_root(genesis16)

    node = FakeNode(genesis16, root)
    sp = SlashingProtection(tmp_path / "sp")
    client = ValidatorClient(C, keys, node, sp, OperationPool(C), NodeMetrics())
    run_slot(client, slot)
    assert len(node.blocks) == 1 and int(node.blocks[0].slot) == slot
    assert bytes(node.blocks[0].parent_root) == root
    assert node.attestations, "the slot's committee attested"
    att = node.attestations[0]
    # Our validators' votes were aggregated: every committee member's bit is set.
    assert all(att.aggregation_bits)
    sp.close()

    # "Restart" with the clock rewound to the same slot. The pool now holds a vote to
    # include (so the block differs) and the head seen when attesting differs (so the
    # vote differs): both would be slashable and must be refused.
    node2 = FakeNode(genesis16, root, attest_head=b"\x42" * 32)
    sp2 = SlashingProtection(tmp_path / "sp")
    metrics = NodeMetrics()
    pool = OperationPool(C)
    for vote in production.attest_slot(C, genesis16, root, slot - 1, interop_privkey):
        pool.add_attestation(vote)
    client2 = ValidatorClient(C, keys, node2, sp2, pool, metrics)
    run_slot(client2, committee_slot)
    assert node2.blocks == []
    assert node2.attestations == []
    refusals = metrics.validator_slashing_protection_refusals_total
    assert refusals.get(kind="double_proposal") == 1
    assert refusals.get(kind="double_vote") >= 1
    sp2.close()


def test_identical_duties_after_restart_are_not_refused(tmp_path, genesis16):
    slot, _ = first_proposal_slot(genesis16)
    keys = interop_keys(range(16))
    root = genesis_root(genesis16)
    for _ in range(2):
        node = FakeNode(genesis16, root)
        sp = SlashingProtection(tmp_path / "sp")
        run_slot(ValidatorClient(C, keys, node, sp, OperationPool(C)), slot)
        sp.close()
        assert len(node.blocks) == 1  # same block, same signing root: not slashable


def test_duties_follow_a_reorg_of_the_block_they_depend_on(tmp_path, genesis16, monkeypatch):
    """Cached duties are reused within an epoch, and recomputed when the head's chain
    changes at the epoch's start - 1 (the block the shuffling depends on)."""
    import validator.client as vc
    calls = []
    real = vc.compute_epoch_duties
    monkeypatch.setattr(vc, "compute_epoch_duties",
                        lambda *a, **k: calls.append(1) or real(*a, **k))

    class ReorgNode(FakeNode):
        dependent = None

        def state_at_slot_on_head(self, slot):
            state = production.state_at_slot(C, self.genesis, slot)
            if self.dependent is not None:
                state.block_roots[C.SLOTS_PER_EPOCH - 1] = self.dependent
            return state

    node = ReorgNode(genesis16, genesis_root(genesis16))
    sp = SlashingProtection(tmp_path / "sp")
    client = ValidatorClient(C, interop_keys(range(16)), node, sp, OperationPool(C))
    e1 = C.SLOTS_PER_EPOCH

    async def duties():
        await client._duties_for(e1 + 1)
        await client._duties_for(e1 + 2)
        assert len(calls) == 1
        node.dependent = b"\x42" * 32
        await client._duties_for(e1 + 3)
        assert len(calls) == 2
    trio.run(duties)
    sp.close()

"""The testnet-only misbehaviours: flag parsing (hidden from --help), the second block
and vote that bypass slashing protection, late votes; and the normal client, asked
twice for one slot with a new head in between, never signs a second block or vote."""
import argparse

import pytest
import trio
import trio.testing

from beacon.config import minimal as C
from ssz.signing import hash_tree_root, signing_root
from tests.validator.test_client import FakeNode, first_proposal_slot, genesis_root
from validator import production
from validator.client import ValidatorClient, interop_keys
from validator.misbehave import MisbehavingClient
from validator.misbehave_options import (
    Misbehave, Misbehaviour, add_arguments, from_args, parse_misbehave,
)
from validator.op_pool import OperationPool
from validator.slashing_protection import DoubleProposal, DoubleVote, SlashingProtection


def test_flag_parsing_and_hidden_help():
    assert parse_misbehave("double-propose, double-vote") == {Misbehave.DOUBLE_PROPOSE,
                                                              Misbehave.DOUBLE_VOTE}
    for bad in ("", "triple-vote", "double-vote,nope"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_misbehave(bad)
    p = argparse.ArgumentParser()
    add_arguments(p)
    assert "misbehave" not in p.format_help() and "attest-delay" not in p.format_help()
    args = p.parse_args(["--misbehave", "double-vote", "--attest-delay", "3.5"])
    assert from_args(args) == Misbehaviour(frozenset({Misbehave.DOUBLE_VOTE}), 3.5)
    assert not from_args(p.parse_args([]))
    for bad in ("-1", "x", "4000"):
        with pytest.raises(SystemExit):
            p.parse_args(["--attest-delay", bad])
    from beacon.cli.main import build_parser
    run_help = build_parser()._subparsers._group_actions[0].choices["run"].format_help()
    assert "--misbehave" not in run_help


class ParentNode(FakeNode):
    """Head block with a parent (so a double vote has another block to name)."""

    def __init__(self, genesis):
        st = self.state_at_slot_on_head_of(genesis, 1)
        super().__init__(genesis, signing_root(st.latest_block_header))

    @staticmethod
    def state_at_slot_on_head_of(genesis, slot):
        st = production.state_at_slot(C, genesis, slot)
        st.latest_block_header.parent_root = b"\x42" * 32
        return st

    def state_at_slot_on_head(self, slot):
        return self.state_at_slot_on_head_of(self.genesis, slot)


def _run(client, slot):
    async def main():
        await client.on_slot(slot, trio.current_time() + 1)
    trio.run(main)


def test_double_propose_and_vote_bypass_protection_only_for_the_second(tmp_path, genesis16):
    slot, _ = first_proposal_slot(genesis16)
    node = ParentNode(genesis16)
    sp = SlashingProtection(tmp_path / "sp")
    mis = Misbehaviour(frozenset(Misbehave), 0.0)
    client = MisbehavingClient(C, interop_keys(range(16)), node, sp, OperationPool(C),
                               misbehaviour=mis)
    _run(client, slot)
    assert [int(b.slot) for b in node.blocks] == [slot, slot]
    assert signing_root(node.blocks[0]) != signing_root(node.blocks[1])
    targets = {int(a.data.target.epoch) for a in node.attestations}
    roots = {hash_tree_root(a.data) for a in node.attestations}
    assert len(targets) == 1 and len(roots) == 2 and len(node.attestations) == 2
    # Only the normal messages were recorded: the conflicting ones are still refused.
    proposer = client.keys[_proposer(genesis16, slot)]
    with pytest.raises(DoubleProposal):
        sp.check_and_record_block(proposer.pubkey, slot, signing_root(node.blocks[1]))
    second = node.attestations[1]
    voter = next(i for i, k in client.keys.items()
                 if any(d.validator_index == i for d in client.duties.attesters_at(slot)))
    with pytest.raises(DoubleVote):
        sp.check_and_record_attestation(client.keys[voter].pubkey, int(second.data.source.epoch),
                                        int(second.data.target.epoch), hash_tree_root(second.data))
    sp.close()


def _proposer(genesis, slot):
    from beacon.state_transition import helpers as h
    return h.get_beacon_proposer_index(C, production.state_at_slot(C, genesis, slot))


def test_normal_client_never_signs_twice_for_a_slot(tmp_path, genesis16):
    slot, _ = first_proposal_slot(genesis16)
    sp = SlashingProtection(tmp_path / "sp")
    root = genesis_root(genesis16)
    node = FakeNode(genesis16, root)
    pool = OperationPool(C)
    client = ValidatorClient(C, interop_keys(range(16)), node, sp, pool)
    _run(client, slot)
    n_blocks, n_atts = len(node.blocks), len(node.attestations)
    assert n_blocks == 1 and n_atts >= 1
    # Now a vote to include (another block) and another head to vote for (other data).
    from validator.keys import interop_privkey
    for vote in production.attest_slot(C, genesis16, root, slot - 1, interop_privkey):
        pool.add_attestation(vote)
    node.heads = [root, b"\x08" * 32]
    _run(client, slot)
    assert len(node.blocks) == n_blocks and len(node.attestations) == n_atts
    sp.close()


def test_attest_delay_holds_votes_back(tmp_path, genesis16):
    slot = 2
    node = FakeNode(genesis16, genesis_root(genesis16))
    sent_at = []
    real = node.submit_attestation

    async def timed(att):
        sent_at.append(trio.current_time())
        await real(att)
    node.submit_attestation = timed
    sp = SlashingProtection(tmp_path / "sp")
    client = MisbehavingClient(C, interop_keys(range(16)), node, sp, OperationPool(C),
                               misbehaviour=Misbehaviour(frozenset(), 9.0))

    async def main():
        t0 = trio.current_time()
        await client.on_slot(slot, t0 + 3)
        assert node.attestations == []            # held back
        await trio.sleep(C.SECONDS_PER_SLOT)
        await client.on_slot(slot + 1, trio.current_time() + 3)  # no duty, only late votes
        await trio.sleep(C.SECONDS_PER_SLOT)
        await client.on_slot(slot + 2, trio.current_time() + 3)
        assert node.attestations and min(sent_at) >= t0 + 9
    trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    sp.close()

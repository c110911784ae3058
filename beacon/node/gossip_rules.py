"""Gossip validation rules: decoded gossip object in, `Verdict` out.

The p2p layer runs these hooks before forwarding a message (v0.8.4 p2p-interface,
"Topics and messages"). Blocks and attestations are validated by importing them
through the chain task, which is stricter than the spec's minimum (proposer signature;
voted block known) and makes "valid" mean "in our fork choice". Operations are checked
by applying them to a copy of the head state, i.e. exactly their spec conditions, and
then pooled for our proposals.

Verdicts: ACCEPT (forward), IGNORE (drop, no penalty: duplicates, unknown parents,
too old or early), REJECT (drop and penalise the sender).
"""
from __future__ import annotations

import enum
import logging

from beacon.node import chain_adapter as ca
from beacon.node.chain_service import ChainService, Outcome
from beacon.state_transition.block.operations.attester_slashing import process_attester_slashing
from beacon.state_transition.block.operations.proposer_slashing import process_proposer_slashing
from beacon.state_transition.block.operations.voluntary_exit import process_voluntary_exit
from beacon.state_transition.signatures import Signatures

log = logging.getLogger(__name__)


class Verdict(enum.Enum):
    ACCEPT = "accept"
    IGNORE = "ignore"
    REJECT = "reject"


_OUTCOME = {Outcome.IMPORTED: Verdict.ACCEPT, Outcome.KNOWN: Verdict.IGNORE,
            Outcome.UNKNOWN_PARENT: Verdict.IGNORE, Outcome.IGNORED: Verdict.IGNORE,
            Outcome.DEFERRED: Verdict.ACCEPT,
            Outcome.INVALID: Verdict.REJECT}

_OPERATIONS = {
    "voluntary_exit": (process_voluntary_exit, "add_voluntary_exit"),
    "proposer_slashing": (process_proposer_slashing, "add_proposer_slashing"),
    "attester_slashing": (process_attester_slashing, "add_attester_slashing"),
}


class GossipRules:
    def __init__(self, config, chain_service: ChainService, clock, pool, metrics=None):
        self.config = config
        self.cs = chain_service
        self.clock = clock
        self.pool = pool
        self.metrics = metrics

    async def block(self, block, peer=None) -> Verdict:
        slot = int(block.slot)
        if not self.clock.slot_has_started(slot):
            return Verdict.IGNORE  # future: a peer with a fast clock, not malice
        finalized_epoch = ca.finalized_checkpoint(self.cs.chain)[0]
        if slot <= finalized_epoch * self.config.SLOTS_PER_EPOCH:
            return Verdict.IGNORE
        return _OUTCOME[(await self.cs.submit("block", block, "gossip", peer)).outcome]

    async def attestation(self, attestation, peer=None) -> Verdict:
        return _OUTCOME[(await self.cs.submit("attestation", attestation, "gossip", peer)).outcome]

    async def operation(self, kind: str, op, peer=None) -> Verdict:
        """Voluntary exits and slashings: valid iff they apply to the head state."""
        process, add = _OPERATIONS[kind]
        root, _ = ca.head(self.cs.chain)
        state = ca.state_at_block(self.cs.chain, root).copy()
        try:
            process(self.config, state, op, Signatures.VERIFY)
        except Exception as e:  # any spec-condition failure, typed or not: reject
            log.debug("rejected gossip %s: %s", kind, e)
            return Verdict.REJECT
        getattr(self.pool, add)(op)
        return Verdict.ACCEPT

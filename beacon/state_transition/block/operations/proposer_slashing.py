"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#proposer-slashings"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.errors import InvalidSignature, check
from beacon.state_transition.helpers import (
    compute_epoch_of_slot, get_current_epoch, get_domain, is_slashable_validator,
)
from beacon.state_transition.mutators import slash_validator
from beacon.state_transition.signatures import Signatures, bls_verify
from ssz.signing import signing_root

OP = "proposer_slashing"


def process_proposer_slashing(config: Config, state, slashing, signatures: Signatures, index=None,
                              ctx: EpochContext | None = None) -> None:
    proposer_index = int(slashing.proposer_index)
    check(proposer_index < len(state.validators), OP, "unknown proposer index", index)
    proposer = state.validators[proposer_index]
    h1, h2 = slashing.header_1, slashing.header_2
    check(compute_epoch_of_slot(config, int(h1.slot)) == compute_epoch_of_slot(config, int(h2.slot)),
          OP, "headers are from different epochs", index)
    check(h1.hash_tree_root() != h2.hash_tree_root(), OP, "headers are identical", index)
    check(is_slashable_validator(proposer, get_current_epoch(config, state)), OP,
          "proposer is not slashable", index)
    for header in (h1, h2):
        domain = get_domain(config, state, config.DOMAIN_BEACON_PROPOSER,
                            compute_epoch_of_slot(config, int(header.slot)))
        if not bls_verify(signatures, proposer.pubkey, signing_root(header), header.signature, domain):
            raise InvalidSignature(OP, "invalid header signature", index)
    slash_validator(config, state, proposer_index, ctx=ctx)

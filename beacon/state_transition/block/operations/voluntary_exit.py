"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#voluntary-exits"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.errors import InvalidSignature, check
from beacon.state_transition.helpers import get_current_epoch, get_domain, is_active_validator
from beacon.state_transition.mutators import initiate_validator_exit
from beacon.state_transition.signatures import Signatures, bls_verify
from ssz.signing import signing_root

OP = "voluntary_exit"


def process_voluntary_exit(config: Config, state, exit, signatures: Signatures, index=None,
                           ctx: EpochContext | None = None) -> None:
    validator_index = int(exit.validator_index)
    check(validator_index < len(state.validators), OP, "unknown validator index", index)
    validator = state.validators[validator_index]
    epoch = get_current_epoch(config, state)
    check(is_active_validator(validator, epoch), OP, "validator is not active", index)
    check(validator.exit_epoch == config.FAR_FUTURE_EPOCH, OP, "validator already exiting", index)
    check(epoch >= exit.epoch, OP, "exit epoch is in the future", index)
    check(epoch >= int(validator.activation_epoch) + config.PERSISTENT_COMMITTEE_PERIOD, OP,
          "validator has not been active long enough", index)
    domain = get_domain(config, state, config.DOMAIN_VOLUNTARY_EXIT, int(exit.epoch))
    if not bls_verify(signatures, validator.pubkey, signing_root(exit), exit.signature, domain):
        raise InvalidSignature(OP, "invalid exit signature", index)
    initiate_validator_exit(config, state, validator_index, ctx=ctx)

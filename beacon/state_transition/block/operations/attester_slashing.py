"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#attester-slashings"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.attestations import IndexedAttestationError, validate_indexed_attestation
from beacon.state_transition.errors import BlockProcessingError, InvalidSignature, check
from beacon.state_transition.helpers import (
    get_current_epoch, is_slashable_attestation_data, is_slashable_validator,
)
from beacon.state_transition.mutators import slash_validator
from beacon.state_transition.signatures import Signatures

OP = "attester_slashing"


def process_attester_slashing(config: Config, state, slashing, signatures: Signatures, index=None,
                              ctx: EpochContext | None = None) -> None:
    a1, a2 = slashing.attestation_1, slashing.attestation_2
    check(is_slashable_attestation_data(a1.data, a2.data), OP, "attestation data not slashable", index)
    for which, att in (("attestation_1", a1), ("attestation_2", a2)):
        try:
            validate_indexed_attestation(config, state, att, signatures, ctx=ctx)
        except IndexedAttestationError as e:
            cls = InvalidSignature if "signature" in str(e) else BlockProcessingError
            raise cls(OP, f"{which}: {e}", index) from None
    indices_1 = set(int(i) for i in a1.custody_bit_0_indices) | set(int(i) for i in a1.custody_bit_1_indices)
    indices_2 = set(int(i) for i in a2.custody_bit_0_indices) | set(int(i) for i in a2.custody_bit_1_indices)
    slashed_any = False
    epoch = get_current_epoch(config, state)
    for validator_index in sorted(indices_1 & indices_2):
        if is_slashable_validator(state.validators[validator_index], epoch):
            slash_validator(config, state, validator_index, ctx=ctx)
            slashed_any = True
    check(slashed_any, OP, "no validator slashed", index)

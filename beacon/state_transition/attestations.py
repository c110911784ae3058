"""Indexed attestations and their validity (shared by block processing and slashings).

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#is_valid_indexed_attestation
"""
from __future__ import annotations

import numpy as np

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.helpers import get_attesting_indices, get_domain
from beacon.state_transition.registry import validator_columns
from beacon.state_transition.signatures import Signatures, bls_verify_multiple_aggregate
from beacon.types import get_types


class IndexedAttestationError(ValueError):
    """Why an indexed attestation is invalid."""


def get_indexed_attestation(config: Config, state, attestation, ctx: EpochContext | None = None):
    T = get_types(config)
    attesting = get_attesting_indices(config, state, attestation.data, attestation.aggregation_bits, ctx=ctx)
    custody_1 = get_attesting_indices(config, state, attestation.data, attestation.custody_bits, ctx=ctx)
    if not np.isin(custody_1, attesting).all():
        raise IndexedAttestationError("custody bits set for validators that did not attest")
    custody_0 = np.setdiff1d(attesting, custody_1)
    return T.IndexedAttestation(
        custody_bit_0_indices=[int(i) for i in custody_0],
        custody_bit_1_indices=[int(i) for i in custody_1],
        data=attestation.data,
        signature=attestation.signature,
    )


def custody_bit_roots(config: Config, data) -> tuple[bytes, bytes]:
    T = get_types(config)
    return (bytes(T.AttestationDataAndCustodyBit(data=data, custody_bit=False).hash_tree_root()),
            bytes(T.AttestationDataAndCustodyBit(data=data, custody_bit=True).hash_tree_root()))


def validate_indexed_attestation(config: Config, state, indexed, signatures: Signatures,
                                 ctx: EpochContext | None = None) -> None:
    """Raise `IndexedAttestationError` unless `indexed` is valid (is_valid_indexed_attestation)."""
    bit_0 = [int(i) for i in indexed.custody_bit_0_indices]
    bit_1 = [int(i) for i in indexed.custody_bit_1_indices]
    if bit_1:
        raise IndexedAttestationError("custody bit 1 indices must be empty in phase 0")
    if len(bit_0) + len(bit_1) > config.MAX_VALIDATORS_PER_COMMITTEE:
        raise IndexedAttestationError("too many indices")
    if set(bit_0) & set(bit_1):
        raise IndexedAttestationError("custody bit index sets intersect")
    if bit_0 != sorted(bit_0) or bit_1 != sorted(bit_1):
        raise IndexedAttestationError("indices not sorted")
    cols = validator_columns(state, ctx=ctx)
    if any(i >= cols.count for i in bit_0 + bit_1):
        raise IndexedAttestationError("unknown validator index")
    if signatures is not Signatures.VERIFY:
        return
    groups = [[cols.pubkeys[i] for i in bit_0], [cols.pubkeys[i] for i in bit_1]]
    domain = get_domain(config, state, config.DOMAIN_ATTESTATION, int(indexed.data.target.epoch))
    if not bls_verify_multiple_aggregate(signatures, groups, custody_bit_roots(config, indexed.data),
                                         indexed.signature, domain):
        raise IndexedAttestationError("invalid aggregate signature")

"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#randao"""
from __future__ import annotations

from hashlib import sha256

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.errors import InvalidSignature
from beacon.state_transition.helpers import (
    get_beacon_proposer_index, get_current_epoch, get_domain, get_randao_mix, xor,
)
from beacon.state_transition.signatures import Signatures, bls_verify


def process_randao(config: Config, state, body, signatures: Signatures,
                   ctx: EpochContext | None = None) -> None:
    epoch = get_current_epoch(config, state)
    proposer = state.validators[get_beacon_proposer_index(config, state, ctx=ctx)]
    epoch_root = epoch.to_bytes(32, "little")  # hash_tree_root(uint64)
    if not bls_verify(signatures, proposer.pubkey, epoch_root, body.randao_reveal,
                      get_domain(config, state, config.DOMAIN_RANDAO)):
        raise InvalidSignature("randao", "invalid RANDAO reveal")
    mix = xor(get_randao_mix(config, state, epoch), sha256(bytes(body.randao_reveal)).digest())
    state.randao_mixes[epoch % config.EPOCHS_PER_HISTORICAL_VECTOR] = mix

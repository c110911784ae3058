"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#block-header"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.errors import InvalidSignature, check
from beacon.state_transition.helpers import get_beacon_proposer_index, get_domain
from beacon.state_transition.signatures import Signatures, bls_verify
from beacon.types import get_types
from ssz.signing import signing_root


def process_block_header(config: Config, state, block, signatures: Signatures,
                         ctx: EpochContext | None = None) -> None:
    check(block.slot == state.slot, "block_header", f"block slot {int(block.slot)} != state slot {int(state.slot)}")
    check(bytes(block.parent_root) == signing_root(state.latest_block_header), "block_header",
          "parent root does not match the latest block header")
    T = get_types(config)
    state.latest_block_header = T.BeaconBlockHeader(
        slot=block.slot,
        parent_root=block.parent_root,
        body_root=block.body.hash_tree_root(),
    )
    proposer = state.validators[get_beacon_proposer_index(config, state, ctx=ctx)]
    check(not proposer.slashed, "block_header", "proposer is slashed")
    if not bls_verify(signatures, proposer.pubkey, signing_root(block), block.signature,
                      get_domain(config, state, config.DOMAIN_BEACON_PROPOSER)):
        raise InvalidSignature("block_header", "invalid proposer signature")

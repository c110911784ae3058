"""Slot processing: cache roots each slot, run the epoch transition at epoch boundaries.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#beacon-chain-state-transition-function
"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext, context_for
from beacon.state_transition.epoch import process_epoch
from beacon.state_transition.errors import SlotProcessingError
from ssz.signing import signing_root

ZERO_ROOT = b"\x00" * 32


def process_slots(config: Config, state, slot: int, ctx: EpochContext | None = None) -> None:
    ctx = context_for(config, ctx)
    if not state.slot <= slot:
        raise SlotProcessingError(f"cannot process slots backwards from {int(state.slot)} to {slot}")
    while state.slot < slot:
        process_slot(config, state)
        if (int(state.slot) + 1) % config.SLOTS_PER_EPOCH == 0:
            process_epoch(config, state, ctx=ctx)
        state.slot = int(state.slot) + 1


def process_slot(config: Config, state) -> None:
    previous_state_root = bytes(state.hash_tree_root())
    pos = int(state.slot) % config.SLOTS_PER_HISTORICAL_ROOT
    state.state_roots[pos] = previous_state_root
    header = state.latest_block_header
    if bytes(header.state_root) == ZERO_ROOT:
        header.state_root = previous_state_root
        state.latest_block_header = header
    state.block_roots[pos] = signing_root(state.latest_block_header)

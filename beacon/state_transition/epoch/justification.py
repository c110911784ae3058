"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#justification-and-finalization"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.epoch.participation import participation
from beacon.state_transition.helpers import (
    get_block_root, get_current_epoch, get_previous_epoch, get_total_active_balance,
)
from beacon.types import get_types


def process_justification_and_finalization(config: Config, state,
                                           ctx: EpochContext | None = None) -> None:
    current_epoch = get_current_epoch(config, state)
    if current_epoch <= config.GENESIS_EPOCH + 1:
        return
    previous_epoch = get_previous_epoch(config, state)
    T = get_types(config)
    old_previous = state.previous_justified_checkpoint
    old_current = state.current_justified_checkpoint
    total = get_total_active_balance(config, state, ctx=ctx)

    state.previous_justified_checkpoint = state.current_justified_checkpoint
    bits = [bool(b) for b in state.justification_bits]
    bits = [False] + bits[:-1]
    for i, epoch in ((1, previous_epoch), (0, current_epoch)):
        p = participation(config, state, epoch, ctx=ctx)
        if p.balance(p.target_mask()) * 3 >= total * 2:
            state.current_justified_checkpoint = T.Checkpoint(
                epoch=epoch, root=get_block_root(config, state, epoch))
            bits[i] = True
    state.justification_bits = type(state.justification_bits)(*bits)

    # The 2nd/3rd/4th most recent epochs justified, the 2nd using the 4th as source
    if all(bits[1:4]) and old_previous.epoch + 3 == current_epoch:
        state.finalized_checkpoint = old_previous
    # The 2nd/3rd most recent epochs justified, the 2nd using the 3rd as source
    if all(bits[1:3]) and old_previous.epoch + 2 == current_epoch:
        state.finalized_checkpoint = old_previous
    # The 1st/2nd/3rd most recent epochs justified, the 1st using the 3rd as source
    if all(bits[0:3]) and old_current.epoch + 2 == current_epoch:
        state.finalized_checkpoint = old_current
    # The 1st/2nd most recent epochs justified, the 1st using the 2nd as source
    if all(bits[0:2]) and old_current.epoch + 1 == current_epoch:
        state.finalized_checkpoint = old_current

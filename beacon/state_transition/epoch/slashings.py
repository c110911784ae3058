"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#slashings"""
from __future__ import annotations

import numpy as np

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.helpers import get_current_epoch, get_total_active_balance
from beacon.state_transition.mutators import decrease_balance
from beacon.state_transition.registry import validator_columns


def process_slashings(config: Config, state, ctx: EpochContext | None = None) -> None:
    epoch = get_current_epoch(config, state)
    total = get_total_active_balance(config, state, ctx=ctx)
    cols = validator_columns(state, ctx=ctx)
    due = np.nonzero(cols.slashed & (cols.withdrawable_epoch == np.uint64(epoch + config.EPOCHS_PER_SLASHINGS_VECTOR // 2)))[0]
    if not len(due):
        return
    slashed_sum = min(sum(int(x) for x in state.slashings) * 3, total)
    increment = config.EFFECTIVE_BALANCE_INCREMENT
    for index in due:
        # Increment factored out of the numerator, as the spec does, to stay within uint64.
        penalty = int(cols.effective_balance[index]) // increment * slashed_sum // total * increment
        decrease_balance(state, int(index), penalty)

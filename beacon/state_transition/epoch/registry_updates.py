"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#registry-updates"""
from __future__ import annotations

import numpy as np

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.helpers import (
    compute_activation_exit_epoch, get_current_epoch, get_validator_churn_limit,
)
from beacon.state_transition.mutators import initiate_validator_exit
from beacon.state_transition.registry import validator_columns

U64 = np.uint64


def process_registry_updates(config: Config, state, ctx: EpochContext | None = None) -> None:
    epoch = get_current_epoch(config, state)
    far = U64(config.FAR_FUTURE_EPOCH)
    cols = validator_columns(state, ctx=ctx)
    eligible = np.nonzero((cols.activation_eligibility_epoch == far)
                          & (cols.effective_balance == U64(config.MAX_EFFECTIVE_BALANCE)))[0]
    active = (cols.activation_epoch <= U64(epoch)) & (U64(epoch) < cols.exit_epoch)
    ejected = np.nonzero(active & (cols.effective_balance <= U64(config.EJECTION_BALANCE)))[0]
    validators = state.validators
    for index in eligible:
        validators[int(index)].activation_eligibility_epoch = epoch
    for index in ejected:
        # Each exit moves the exit queue, so they are initiated one by one in index order.
        initiate_validator_exit(config, state, int(index), ctx=ctx)

    cols = validator_columns(state, ctx=ctx)
    threshold = U64(compute_activation_exit_epoch(config, int(state.finalized_checkpoint.epoch)))
    queued = np.nonzero((cols.activation_eligibility_epoch != far) & (cols.activation_epoch >= threshold))[0]
    order = queued[np.argsort(cols.activation_eligibility_epoch[queued], kind="stable")]
    activation_epoch = compute_activation_exit_epoch(config, epoch)
    for index in order[:get_validator_churn_limit(config, state, ctx=ctx)]:
        if cols.activation_epoch[index] == far:
            state.validators[int(index)].activation_epoch = activation_epoch

"""State mutators shared by block and epoch processing.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#beacon-state-mutators
"""
from __future__ import annotations

import numpy as np

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.helpers import (
    compute_activation_exit_epoch, get_beacon_proposer_index, get_current_epoch,
    get_validator_churn_limit,
)
from beacon.state_transition.registry import validator_columns

UINT64_MAX = 2**64 - 1


class BalanceOverflow(ArithmeticError):
    """A balance would exceed uint64 (the spec's uint64 arithmetic raises)."""


def increase_balance(state, index: int, delta: int) -> None:
    new = int(state.balances[index]) + delta
    if new > UINT64_MAX:
        raise BalanceOverflow(f"balance of validator {index} overflows")
    state.balances[index] = new


def decrease_balance(state, index: int, delta: int) -> None:
    current = int(state.balances[index])
    state.balances[index] = 0 if delta > current else current - delta


def initiate_validator_exit(config: Config, state, index: int,
                            ctx: EpochContext | None = None) -> None:
    validator = state.validators[index]
    if validator.exit_epoch != config.FAR_FUTURE_EPOCH:
        return
    cols = validator_columns(state, ctx=ctx)
    exits = cols.exit_epoch[cols.exit_epoch != np.uint64(config.FAR_FUTURE_EPOCH)]
    exit_queue_epoch = compute_activation_exit_epoch(config, get_current_epoch(config, state))
    if len(exits):
        exit_queue_epoch = max(exit_queue_epoch, int(exits.max()))
    churn = int(np.count_nonzero(cols.exit_epoch == np.uint64(exit_queue_epoch)))
    if churn >= get_validator_churn_limit(config, state, ctx=ctx):
        exit_queue_epoch += 1
    validator.exit_epoch = exit_queue_epoch
    validator.withdrawable_epoch = exit_queue_epoch + config.MIN_VALIDATOR_WITHDRAWABILITY_DELAY


def slash_validator(config: Config, state, slashed_index: int, whistleblower_index: int | None = None,
                    ctx: EpochContext | None = None) -> None:
    epoch = get_current_epoch(config, state)
    initiate_validator_exit(config, state, slashed_index, ctx=ctx)
    validator = state.validators[slashed_index]
    validator.slashed = True
    validator.withdrawable_epoch = max(int(validator.withdrawable_epoch), epoch + config.EPOCHS_PER_SLASHINGS_VECTOR)
    effective = int(validator.effective_balance)
    pos = epoch % config.EPOCHS_PER_SLASHINGS_VECTOR
    state.slashings[pos] = int(state.slashings[pos]) + effective
    decrease_balance(state, slashed_index, effective // config.MIN_SLASHING_PENALTY_QUOTIENT)

    proposer_index = get_beacon_proposer_index(config, state, ctx=ctx)
    if whistleblower_index is None:
        whistleblower_index = proposer_index
    whistleblower_reward = effective // config.WHISTLEBLOWER_REWARD_QUOTIENT
    proposer_reward = whistleblower_reward // config.PROPOSER_REWARD_QUOTIENT
    increase_balance(state, proposer_index, proposer_reward)
    increase_balance(state, whistleblower_index, whistleblower_reward - proposer_reward)

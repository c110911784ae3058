"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#rewards-and-penalties-1

Vectorised over the registry with numpy. Products like base_reward * attesting_balance
can exceed uint64, so they go through `_scaled`, which computes them with Python integers
once per distinct base reward (effective balances take few distinct values).
"""
from __future__ import annotations

import numpy as np

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.epoch.participation import participation
from beacon.state_transition.helpers import (
    get_current_epoch, get_epoch_committees, get_previous_epoch, get_total_active_balance,
    get_total_balance, integer_squareroot,
)
from beacon.state_transition.registry import read_balances, validator_columns, write_balances

U64 = np.uint64


def _scaled(values: np.ndarray, numerator: int, denominator: int) -> np.ndarray:
    """values * numerator // denominator, exactly, for uint64 `values`."""
    uniq, inverse = np.unique(values, return_inverse=True)
    table = np.array([int(v) * numerator // denominator for v in uniq], dtype=object)
    if len(table) and max(table) >= 2**64:
        raise OverflowError("reward exceeds uint64")
    return table.astype(U64)[inverse] if len(table) else np.zeros(0, dtype=U64)


def base_rewards(config: Config, state, ctx: EpochContext | None = None) -> np.ndarray:
    total = get_total_active_balance(config, state, ctx=ctx)
    eb = validator_columns(state, ctx=ctx).effective_balance
    return eb * U64(config.BASE_REWARD_FACTOR) // U64(integer_squareroot(total)) // U64(config.BASE_REWARDS_PER_EPOCH)


def get_attestation_deltas(config: Config, state,
                           ctx: EpochContext | None = None) -> tuple[np.ndarray, np.ndarray]:
    previous_epoch = get_previous_epoch(config, state)
    total = get_total_active_balance(config, state, ctx=ctx)
    cols = validator_columns(state, ctx=ctx)
    n = cols.count
    rewards = np.zeros(n, dtype=U64)
    penalties = np.zeros(n, dtype=U64)
    base = base_rewards(config, state, ctx=ctx)
    active = np.zeros(n, dtype=bool)
    active[cols.active_indices(previous_epoch)] = True
    eligible = active | (cols.slashed & (U64(previous_epoch + 1) < cols.withdrawable_epoch))

    p = participation(config, state, previous_epoch, ctx=ctx)
    source, target, head = p.source_mask(), p.target_mask(), p.head_mask()
    for mask in (source, target, head):
        attesting_balance = p.balance(mask)
        hit = eligible & mask
        rewards[hit] += _scaled(base[hit], attesting_balance, total)
        miss = eligible & ~mask
        penalties[miss] += base[miss]

    # Proposer and inclusion delay micro-rewards: each attester's earliest inclusion counts
    # (the first one in list order among equal delays, as the spec's min() picks).
    best_delay = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    best_proposer = np.zeros(n, dtype=np.int64)
    for a in p.attestations:
        members = a.indices
        better = a.inclusion_delay < best_delay[members]
        chosen = members[better]
        best_delay[chosen] = a.inclusion_delay
        best_proposer[chosen] = a.proposer_index
    attesters = np.nonzero(source)[0]
    proposer_reward = base[attesters] // U64(config.PROPOSER_REWARD_QUOTIENT)
    np.add.at(rewards, best_proposer[attesters], proposer_reward)
    max_attester_reward = base[attesters] - proposer_reward
    spe = config.SLOTS_PER_EPOCH
    factor = (spe + config.MIN_ATTESTATION_INCLUSION_DELAY - best_delay[attesters]).astype(U64)
    rewards[attesters] += max_attester_reward * factor // U64(spe)

    finality_delay = previous_epoch - int(state.finalized_checkpoint.epoch)
    if finality_delay > config.MIN_EPOCHS_TO_INACTIVITY_PENALTY:
        penalties[eligible] += base[eligible] * U64(config.BASE_REWARDS_PER_EPOCH)
        late = eligible & ~target
        penalties[late] += _scaled(cols.effective_balance[late], finality_delay,
                                   config.INACTIVITY_PENALTY_QUOTIENT)
    return rewards, penalties


def get_crosslink_deltas(config: Config, state,
                         ctx: EpochContext | None = None) -> tuple[np.ndarray, np.ndarray]:
    cols = validator_columns(state, ctx=ctx)
    rewards = np.zeros(cols.count, dtype=U64)
    penalties = np.zeros(cols.count, dtype=U64)
    base = base_rewards(config, state, ctx=ctx)
    epoch = get_previous_epoch(config, state)
    p = participation(config, state, epoch, ctx=ctx)
    committees = get_epoch_committees(config, state, epoch, ctx=ctx)
    for shard in committees.shards():
        committee = committees.committee(shard)
        _, attesters = p.winning_crosslink(state, shard)
        attesting_balance = p.balance(attesters)
        committee_balance = get_total_balance(config, state, committee, ctx=ctx)
        in_winner = attesters[committee]
        winners, losers = committee[in_winner], committee[~in_winner]
        rewards[winners] += _scaled(base[winners], attesting_balance, committee_balance)
        penalties[losers] += base[losers]
    return rewards, penalties


def process_rewards_and_penalties(config: Config, state, ctx: EpochContext | None = None) -> None:
    if get_current_epoch(config, state) == config.GENESIS_EPOCH:
        return
    r1, p1 = get_attestation_deltas(config, state, ctx=ctx)
    r2, p2 = get_crosslink_deltas(config, state, ctx=ctx)
    balances = read_balances(state)
    # Python-int check for overflow is unnecessary: rewards are bounded far below 2**64 - balance.
    increased = balances + r1 + r2
    penalty = p1 + p2
    write_balances(state, np.where(penalty > increased, U64(0), increased - penalty))

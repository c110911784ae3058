"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#final-updates"""
from __future__ import annotations

import numpy as np

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.helpers import (
    get_current_epoch, get_epoch_committees, get_randao_mix, get_shard_delta,
)
from beacon.state_transition.merkle import chunk_depth, merkleize, mix_in_length, uint64_list_root
from beacon.state_transition.registry import read_balances, validator_columns
from beacon.types import get_types

U64 = np.uint64


def process_final_updates(config: Config, state, ctx: EpochContext | None = None) -> None:
    current_epoch = get_current_epoch(config, state)
    next_epoch = current_epoch + 1
    T = get_types(config)
    if (int(state.slot) + 1) % config.SLOTS_PER_ETH1_VOTING_PERIOD == 0:
        state.eth1_data_votes = type(state.eth1_data_votes)()
    update_effective_balances(config, state, ctx=ctx)

    index_epoch = next_epoch + config.ACTIVATION_EXIT_DELAY
    active = validator_columns(state, ctx=ctx).active_indices(index_epoch)
    state.active_index_roots[index_epoch % config.EPOCHS_PER_HISTORICAL_VECTOR] = \
        uint64_list_root(active.tolist(), config.VALIDATOR_REGISTRY_LIMIT)
    state.compact_committees_roots[next_epoch % config.EPOCHS_PER_HISTORICAL_VECTOR] = \
        get_compact_committees_root(config, state, next_epoch, ctx=ctx)
    state.slashings[next_epoch % config.EPOCHS_PER_SLASHINGS_VECTOR] = 0
    state.randao_mixes[next_epoch % config.EPOCHS_PER_HISTORICAL_VECTOR] = \
        get_randao_mix(config, state, current_epoch)
    if next_epoch % (config.SLOTS_PER_HISTORICAL_ROOT // config.SLOTS_PER_EPOCH) == 0:
        batch = T.HistoricalBatch(block_roots=state.block_roots, state_roots=state.state_roots)
        state.historical_roots.append(batch.hash_tree_root())
    state.start_shard = (int(state.start_shard) + get_shard_delta(config, state, current_epoch, ctx=ctx)) % config.SHARD_COUNT
    # The two fields have distinct (equal-shaped) list classes; re-wrapping the backing in
    # the target's class avoids remerkleable's element-by-element coercion on assignment.
    previous_type = type(state.previous_epoch_attestations)
    state.previous_epoch_attestations = previous_type.view_from_backing(
        state.current_epoch_attestations.get_backing())
    state.current_epoch_attestations = type(state.current_epoch_attestations)()


def update_effective_balances(config: Config, state, ctx: EpochContext | None = None) -> None:
    """Effective balances follow balances with hysteresis; only changed ones are written."""
    cols = validator_columns(state, ctx=ctx)
    balances = read_balances(state)
    eb = cols.effective_balance
    half = config.EFFECTIVE_BALANCE_INCREMENT // 2
    changed = np.nonzero((balances < eb) | (eb + U64(3 * half) < balances))[0]
    increment = U64(config.EFFECTIVE_BALANCE_INCREMENT)
    new = np.minimum(balances[changed] - balances[changed] % increment, U64(config.MAX_EFFECTIVE_BALANCE))
    validators = state.validators
    for index, value in zip(changed.tolist(), new.tolist()):
        if value != int(eb[index]):
            validators[index].effective_balance = value


def get_compact_committees_root(config: Config, state, epoch: int,
                                ctx: EpochContext | None = None) -> bytes:
    """hash_tree_root(Vector[CompactCommittee, SHARD_COUNT]) computed without building it."""
    limit = config.MAX_VALIDATORS_PER_COMMITTEE
    empty = _compact_committee_root([], [], limit)
    roots = [empty] * config.SHARD_COUNT
    cols = validator_columns(state, ctx=ctx)
    committees = get_epoch_committees(config, state, epoch, ctx=ctx)
    compact_balance = (cols.effective_balance // np.uint64(config.EFFECTIVE_BALANCE_INCREMENT)).astype(np.int64)
    for shard in committees.shards():
        committee = committees.committee(shard)
        compact = (committee << 16) + (cols.slashed[committee].astype(np.int64) << 15) + compact_balance[committee]
        roots[shard] = _compact_committee_root(
            [cols.pubkey_roots[i] for i in committee.tolist()], compact.tolist(), limit)
    return merkleize(roots, chunk_depth(config.SHARD_COUNT))


def _compact_committee_root(pubkey_roots, compact_validators, limit: int) -> bytes:
    pubkeys_root = mix_in_length(merkleize(pubkey_roots, chunk_depth(limit)), len(pubkey_roots))
    return merkleize([pubkeys_root, uint64_list_root(compact_validators, limit)], 1)

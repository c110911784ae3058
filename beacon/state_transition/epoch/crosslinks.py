"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#crosslinks"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.epoch.participation import participation
from beacon.state_transition.helpers import (
    get_committee_count, get_crosslink_committee, get_current_epoch, get_previous_epoch,
    get_start_shard, get_total_balance,
)
from beacon.types import get_types


def process_crosslinks(config: Config, state) -> None:
    state.previous_crosslinks = state.current_crosslinks
    T = get_types(config)
    for epoch in (get_previous_epoch(config, state), get_current_epoch(config, state)):
        p = participation(config, state, epoch)
        start = get_start_shard(config, state, epoch)
        for offset in range(get_committee_count(config, state, epoch)):
            shard = (start + offset) % config.SHARD_COUNT
            committee = get_crosslink_committee(config, state, epoch, shard)
            # Later shards of this loop compare against crosslinks updated by earlier ones,
            # as in the spec, so the winner is computed against the live state each time.
            winner, attesters = p.winning_crosslink(state, shard)
            if 3 * p.balance(attesters) >= 2 * get_total_balance(config, state, committee):
                state.current_crosslinks[shard] = winner if winner is not None else T.Crosslink()

"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#crosslinks"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.epoch.participation import participation
from beacon.state_transition.helpers import (
    get_current_epoch, get_epoch_committees, get_previous_epoch, get_total_balance,
)
from beacon.types import get_types


def process_crosslinks(config: Config, state, ctx: EpochContext | None = None) -> None:
    # The two fields have distinct (equal-shaped) vector classes; re-wrapping the backing in
    # the target's class avoids remerkleable's element-by-element coercion on assignment.
    previous_type = type(state.previous_crosslinks)
    state.previous_crosslinks = previous_type.view_from_backing(state.current_crosslinks.get_backing())
    T = get_types(config)
    for epoch in (get_previous_epoch(config, state), get_current_epoch(config, state)):
        p = participation(config, state, epoch, ctx=ctx)
        committees = get_epoch_committees(config, state, epoch, ctx=ctx)
        for shard in committees.shards():
            committee = committees.committee(shard)
            # Later shards of this loop compare against crosslinks updated by earlier ones,
            # as in the spec, so the winner is computed against the live state each time.
            winner, attesters = p.winning_crosslink(state, shard)
            if 3 * p.balance(attesters) >= 2 * get_total_balance(config, state, committee, ctx=ctx):
                state.current_crosslinks[shard] = winner if winner is not None else T.Crosslink()

"""Epoch processing in spec order.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#epoch-processing

Budget (mainnet preset, warm caches): 16,384 validators <= 0.5 s.
"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext, context_for
from beacon.state_transition.epoch.crosslinks import process_crosslinks
from beacon.state_transition.epoch.final_updates import process_final_updates
from beacon.state_transition.epoch.justification import process_justification_and_finalization
from beacon.state_transition.epoch.registry_updates import process_registry_updates
from beacon.state_transition.epoch.rewards import process_rewards_and_penalties
from beacon.state_transition.epoch.slashings import process_slashings

STEPS = (
    ("justification_and_finalization", process_justification_and_finalization),
    ("crosslinks", process_crosslinks),
    ("rewards_and_penalties", process_rewards_and_penalties),
    ("registry_updates", process_registry_updates),
    ("slashings", process_slashings),
    ("final_updates", process_final_updates),
)


def process_epoch(config: Config, state, ctx: EpochContext | None = None) -> None:
    ctx = context_for(config, ctx)
    for _, step in STEPS:
        step(config, state, ctx=ctx)

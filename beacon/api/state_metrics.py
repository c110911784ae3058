"""Metrics read from a state: validator counts by status, deposits, live validators.

Called by the node once per slot with the head state (cheap for interop-sized
registries: one pass over the validators; the live-validator counts walk the state's
pending attestations).
"""
from __future__ import annotations

import logging

from beacon.api.metrics import VALIDATOR_STATUSES as STATUSES, NodeMetrics
from beacon.config import Config
from beacon.state_transition import helpers as h
from beacon.state_transition.context import EpochContext

log = logging.getLogger(__name__)


def validator_status_counts(state, epoch: int) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for v in state.validators:
        if epoch < int(v.activation_epoch):
            counts["pending"] += 1
        elif epoch < int(v.exit_epoch):
            counts["active"] += 1
        elif epoch < int(v.withdrawable_epoch):
            counts["exited"] += 1
        else:
            counts["withdrawable"] += 1
    return counts


def live_validators(config: Config, state, pending_attestations) -> int:
    # A context of its own: metrics run on whichever thread renders them.
    ctx = EpochContext(config)
    seen: set[int] = set()
    for pa in pending_attestations:
        seen.update(int(i) for i in h.get_attesting_indices(config, state, pa.data, pa.aggregation_bits,
                                                                ctx=ctx))
    return len(seen)


def update_state_metrics(metrics: NodeMetrics, config: Config, state, pool=None) -> None:
    epoch = int(state.slot) // config.SLOTS_PER_EPOCH
    for status, n in validator_status_counts(state, epoch).items():
        metrics.beacon_current_validators.set(n, status=status)
    for status, n in validator_status_counts(state, max(0, epoch - 1)).items():
        metrics.beacon_previous_validators.set(n, status=status)
    metrics.beacon_pending_deposits.set(
        int(state.eth1_data.deposit_count) - int(state.eth1_deposit_index))
    metrics.beacon_processed_deposits_total.set(int(state.eth1_deposit_index))
    metrics.set_checkpoints(state.finalized_checkpoint, state.current_justified_checkpoint,
                            state.previous_justified_checkpoint)
    if pool is not None:
        metrics.beacon_pending_exits.set(len(pool.voluntary_exits))
    try:
        metrics.beacon_current_live_validators.set(
            live_validators(config, state, state.current_epoch_attestations))
        metrics.beacon_previous_live_validators.set(
            live_validators(config, state, state.previous_epoch_attestations))
    except Exception as e:  # a committee lookup on an odd state must not cost the slot line
        log.debug("live validator metrics unavailable: %s", e)

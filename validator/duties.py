"""Validator duties of one epoch: which of our validators propose, and where they attest.

In: a state whose current epoch is the duty epoch (the head state advanced with
`process_slots` to the epoch's first slot) and the set of our validator indices.
Out: `EpochDuties` with proposer slots and one `AttesterDuty` per validator.

Both are fixed for the whole epoch once its first slot is processed: the proposer of a
slot depends on the state only through the epoch's seed, active set and effective
balances (all frozen during an epoch) and on `state.slot`, so one copy of the state with
its slot moved through the epoch gives every proposer without replaying slots.
Spec: validator/0_beacon-chain-validator.md#validator-assignments (v0.8.4).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from beacon.config import Config
from beacon.state_transition import helpers as h
from beacon.state_transition.context import EpochContext


@dataclass(frozen=True)
class AttesterDuty:
    validator_index: int
    slot: int
    shard: int
    committee: tuple[int, ...]
    position: int  # index of the validator in the committee (its aggregation bit)


@dataclass
class EpochDuties:
    epoch: int
    proposers: dict[int, int] = field(default_factory=dict)  # slot -> our validator index
    attesters: dict[int, AttesterDuty] = field(default_factory=dict)  # validator -> duty

    def attesters_at(self, slot: int) -> list[AttesterDuty]:
        return [d for d in self.attesters.values() if d.slot == slot]


def compute_epoch_duties(config: Config, state, our_indices: set[int],
                         ctx: EpochContext | None = None) -> EpochDuties:
    """Duties of `our_indices` in the state's current epoch (its slot may be any in it)."""
    epoch = h.get_current_epoch(config, state)
    duties = EpochDuties(epoch)
    if not our_indices:
        return duties
    start = h.compute_start_slot_of_epoch(config, epoch)

    probe = state.copy()
    for slot in range(max(start, int(state.slot)), start + config.SLOTS_PER_EPOCH):
        probe.slot = slot
        proposer = int(h.get_beacon_proposer_index(config, probe, ctx=ctx))
        if proposer in our_indices:
            duties.proposers[slot] = proposer

    committees_per_slot = h.get_committee_count(config, state, epoch, ctx=ctx) // config.SLOTS_PER_EPOCH
    start_shard = int(h.get_start_shard(config, state, epoch, ctx=ctx))
    for slot in range(start, start + config.SLOTS_PER_EPOCH):
        offset = committees_per_slot * (slot % config.SLOTS_PER_EPOCH)
        for i in range(committees_per_slot):
            shard = (start_shard + offset + i) % config.SHARD_COUNT
            committee = tuple(int(v) for v in h.get_crosslink_committee(config, state, epoch, shard, ctx=ctx))
            for position, v in enumerate(committee):
                if v in our_indices:
                    duties.attesters[v] = AttesterDuty(v, slot, shard, committee, position)
    return duties

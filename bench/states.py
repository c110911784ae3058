"""Synthetic states for benchmarks: N active validators, full participation, no BLS."""
from __future__ import annotations


from beacon.config import Config
from beacon.state_transition.helpers import (
    get_block_root, get_committee_count, get_crosslink_committee, get_start_shard,
    compute_start_slot_of_epoch,
)
from beacon.state_transition.context import EpochContext
from beacon.state_transition.merkle import uint64_list_root
from beacon.protocol import DEFAULT as PROTOCOL


def state_with_validators(config: Config, count: int, epoch: int = 3):
    """A state at the last slot of `epoch` with `count` active validators at 32 ETH."""
    T = PROTOCOL.types(config)
    max_eb = config.MAX_EFFECTIVE_BALANCE
    far = config.FAR_FUTURE_EPOCH
    validator_type = T.Validator
    validators = [validator_type(pubkey=i.to_bytes(48, "little"), effective_balance=max_eb,
                                 exit_epoch=far, withdrawable_epoch=far) for i in range(count)]
    fields = T.BeaconState.fields()
    root = uint64_list_root(list(range(count)), config.VALIDATOR_REGISTRY_LIMIT)
    n_hist = config.EPOCHS_PER_HISTORICAL_VECTOR
    state = T.BeaconState(
        slot=compute_start_slot_of_epoch(config, epoch + 1) - 1,
        validators=fields["validators"](*validators),
        balances=fields["balances"](*([max_eb] * count)),
        active_index_roots=fields["active_index_roots"](*([root] * n_hist)),
        block_roots=fields["block_roots"](*[i.to_bytes(32, "little") for i in range(1, config.SLOTS_PER_HISTORICAL_ROOT + 1)]),
    )
    state.previous_justified_checkpoint = T.Checkpoint(epoch=epoch - 2)
    state.current_justified_checkpoint = T.Checkpoint(epoch=epoch - 1)
    return state


def add_full_participation(config: Config, state, ctx: EpochContext | None = None) -> None:
    """Pending attestations from every committee of the previous and current epochs."""
    T = PROTOCOL.types(config)
    current = int(state.slot) // config.SLOTS_PER_EPOCH
    for epoch, field in ((current - 1, "previous_epoch_attestations"), (current, "current_epoch_attestations")):
        pending = []
        start = get_start_shard(config, state, epoch, ctx=ctx)
        count = get_committee_count(config, state, epoch, ctx=ctx)
        per_slot = count // config.SLOTS_PER_EPOCH
        for offset in range(count):
            shard = (start + offset) % config.SHARD_COUNT
            committee = get_crosslink_committee(config, state, epoch, shard, ctx=ctx)
            slot = compute_start_slot_of_epoch(config, epoch) + offset // per_slot
            bits_type = T.PendingAttestation.fields()["aggregation_bits"]
            data = T.AttestationData(
                beacon_block_root=state.block_roots[slot % config.SLOTS_PER_HISTORICAL_ROOT],
                target=T.Checkpoint(epoch=epoch, root=get_block_root(config, state, epoch)),
                crosslink=T.Crosslink(shard=shard),
            )
            pending.append(T.PendingAttestation(
                aggregation_bits=bits_type(*([True] * len(committee))), data=data,
                inclusion_delay=1, proposer_index=int(committee[0])))
        setattr(state, field, T.BeaconState.fields()[field](*pending))

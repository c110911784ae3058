"""Accessors of the beacon state: epochs, seeds, committees, proposers, domains.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#helper-functions

Committee work is done once per (seed, active set): the `EpochContext` passed as `ctx`
(context.py) keeps whole-epoch shufflings and the registry columns that everything else
here derives from. Every function that reads the registry takes `ctx`; called without
one it uses the thread's unowned context (the compatibility path, see context.py).
"""
from __future__ import annotations

import math
from hashlib import sha256

import numpy as np

from beacon.config import Config
from beacon.state_transition.context import EpochContext, context_for
from beacon.state_transition.registry import validator_columns
from beacon.state_transition.shuffling import shuffled_positions

FAR_FUTURE_EPOCH = 2**64 - 1


def integer_squareroot(n: int) -> int:
    return math.isqrt(n)


def xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b))


def compute_epoch_of_slot(config: Config, slot: int) -> int:
    return slot // config.SLOTS_PER_EPOCH


def compute_start_slot_of_epoch(config: Config, epoch: int) -> int:
    return epoch * config.SLOTS_PER_EPOCH


def compute_activation_exit_epoch(config: Config, epoch: int) -> int:
    return epoch + 1 + config.ACTIVATION_EXIT_DELAY


def compute_domain(domain_type: bytes, fork_version: bytes = b"\x00" * 4) -> bytes:
    return bytes(domain_type) + bytes(fork_version)


def get_current_epoch(config: Config, state) -> int:
    return int(state.slot) // config.SLOTS_PER_EPOCH


def get_previous_epoch(config: Config, state) -> int:
    current = get_current_epoch(config, state)
    return config.GENESIS_EPOCH if current == config.GENESIS_EPOCH else current - 1


def get_block_root_at_slot(config: Config, state, slot: int) -> bytes:
    if not slot < state.slot <= slot + config.SLOTS_PER_HISTORICAL_ROOT:
        raise ValueError(f"slot {slot} is not within the state's block roots (state slot {int(state.slot)})")
    return bytes(state.block_roots[slot % config.SLOTS_PER_HISTORICAL_ROOT])


def get_block_root(config: Config, state, epoch: int) -> bytes:
    return get_block_root_at_slot(config, state, compute_start_slot_of_epoch(config, epoch))


def get_randao_mix(config: Config, state, epoch: int) -> bytes:
    return bytes(state.randao_mixes[epoch % config.EPOCHS_PER_HISTORICAL_VECTOR])


def get_active_validator_indices(config: Config, state, epoch: int,
                                 ctx: EpochContext | None = None) -> np.ndarray:
    ctx = context_for(config, ctx)
    return validator_columns(state, ctx=ctx).active_indices(epoch)


def get_validator_churn_limit(config: Config, state, ctx: EpochContext | None = None) -> int:
    ctx = context_for(config, ctx)
    active = len(get_active_validator_indices(config, state, get_current_epoch(config, state), ctx=ctx))
    return max(config.MIN_PER_EPOCH_CHURN_LIMIT, active // config.CHURN_LIMIT_QUOTIENT)


def get_seed(config: Config, state, epoch: int) -> bytes:
    mix = get_randao_mix(
        config, state,
        epoch + config.EPOCHS_PER_HISTORICAL_VECTOR - config.MIN_SEED_LOOKAHEAD - 1)
    active_index_root = bytes(state.active_index_roots[epoch % config.EPOCHS_PER_HISTORICAL_VECTOR])
    return sha256(mix + active_index_root + epoch.to_bytes(32, "little")).digest()


def committee_count_for(config: Config, active_count: int) -> int:
    per_slot = max(1, min(config.SHARD_COUNT // config.SLOTS_PER_EPOCH,
                          active_count // config.SLOTS_PER_EPOCH // config.TARGET_COMMITTEE_SIZE))
    return per_slot * config.SLOTS_PER_EPOCH


def get_committee_count(config: Config, state, epoch: int, ctx: EpochContext | None = None) -> int:
    ctx = context_for(config, ctx)
    return committee_count_for(config, len(get_active_validator_indices(config, state, epoch, ctx=ctx)))


def get_shard_delta(config: Config, state, epoch: int, ctx: EpochContext | None = None) -> int:
    ctx = context_for(config, ctx)
    return min(get_committee_count(config, state, epoch, ctx=ctx),
               config.SHARD_COUNT - config.SHARD_COUNT // config.SLOTS_PER_EPOCH)


def get_start_shard(config: Config, state, epoch: int, ctx: EpochContext | None = None) -> int:
    ctx = context_for(config, ctx)
    current = get_current_epoch(config, state)
    if not epoch <= current + 1:
        raise ValueError(f"start shard of epoch {epoch} is unknown at epoch {current}")
    n = config.SHARD_COUNT
    shard = (int(state.start_shard) + get_shard_delta(config, state, current, ctx=ctx)) % n
    check_epoch = current + 1
    while check_epoch > epoch:
        check_epoch -= 1
        shard = (shard + n - get_shard_delta(config, state, check_epoch, ctx=ctx)) % n
    return shard


class Shuffling:
    """The shuffled active set of one epoch, cut into its committees."""

    __slots__ = ("shuffled", "committee_count")

    def __init__(self, shuffled: np.ndarray, committee_count: int):
        self.shuffled = shuffled
        self.committee_count = committee_count

    def committee(self, index: int) -> np.ndarray:
        n, count = len(self.shuffled), self.committee_count
        return self.shuffled[n * index // count: n * (index + 1) // count]


def get_shuffling(config: Config, state, epoch: int, seed: bytes | None = None,
                  ctx: EpochContext | None = None) -> Shuffling:
    ctx = context_for(config, ctx)
    cols = ctx.columns(state)
    active = cols.active_indices(epoch)
    if seed is None:
        seed = get_seed(config, state, epoch)
    digest = cols.memo(("active_digest", epoch), lambda: sha256(active.tobytes()).digest(), epoch)

    committee_count = committee_count_for(config, len(active))

    def compute() -> Shuffling:
        positions = shuffled_positions(len(active), seed, config.SHUFFLE_ROUND_COUNT)
        shuffled = active[positions]
        shuffled.flags.writeable = False
        return Shuffling(shuffled, committee_count)

    # The committee count is in the key: it depends on the preset, not only the seed.
    return ctx.shuffling((config.SHUFFLE_ROUND_COUNT, seed, digest, committee_count), compute)


class EpochCommittees:
    """Committees of one epoch by shard: what callers that loop over shards fetch once."""

    __slots__ = ("shard_count", "start_shard", "shuffling")

    def __init__(self, shard_count: int, start_shard: int, shuffling: Shuffling):
        self.shard_count = shard_count
        self.start_shard = start_shard
        self.shuffling = shuffling

    @property
    def count(self) -> int:
        return self.shuffling.committee_count

    def committee(self, shard: int) -> np.ndarray:
        return self.shuffling.committee((shard + self.shard_count - self.start_shard) % self.shard_count)

    def shards(self):
        """Shards with a committee this epoch, in committee order."""
        return [(self.start_shard + k) % self.shard_count for k in range(self.count)]


def get_epoch_committees(config: Config, state, epoch: int,
                         ctx: EpochContext | None = None) -> EpochCommittees:
    ctx = context_for(config, ctx)
    cols = validator_columns(state, ctx=ctx)
    seed = get_seed(config, state, epoch)
    key = ("committees", id(config), epoch, int(state.slot) // config.SLOTS_PER_EPOCH,
           int(state.start_shard), seed)
    return cols.memo(key, lambda: EpochCommittees(
        config.SHARD_COUNT, get_start_shard(config, state, epoch, ctx=ctx),
        get_shuffling(config, state, epoch, seed, ctx=ctx)), epoch)


def get_crosslink_committee(config: Config, state, epoch: int, shard: int,
                            ctx: EpochContext | None = None) -> np.ndarray:
    ctx = context_for(config, ctx)
    return get_epoch_committees(config, state, epoch, ctx=ctx).committee(shard)


def get_beacon_proposer_index(config: Config, state, ctx: EpochContext | None = None) -> int:
    ctx = context_for(config, ctx)
    cols = validator_columns(state, ctx=ctx)
    slot = int(state.slot)
    epoch = slot // config.SLOTS_PER_EPOCH
    seed = get_seed(config, state, epoch)
    start_shard = get_start_shard(config, state, epoch, ctx=ctx)

    def compute() -> int:
        committees_per_slot = get_committee_count(config, state, epoch, ctx=ctx) // config.SLOTS_PER_EPOCH
        offset = committees_per_slot * (slot % config.SLOTS_PER_EPOCH)
        shard = (start_shard + offset) % config.SHARD_COUNT
        committee = get_crosslink_committee(config, state, epoch, shard, ctx=ctx)
        if len(committee) == 0:
            raise ValueError("no committee to draw a proposer from")
        i = 0
        while True:
            candidate = int(committee[(epoch + i) % len(committee)])
            random_byte = sha256(seed + (i // 32).to_bytes(8, "little")).digest()[i % 32]
            if int(cols.effective_balance[candidate]) * 255 >= config.MAX_EFFECTIVE_BALANCE * random_byte:
                return candidate
            i += 1

    return cols.memo(("proposer", id(config), slot, seed, start_shard), compute, epoch)


def get_attestation_data_slot(config: Config, state, data, ctx: EpochContext | None = None) -> int:
    ctx = context_for(config, ctx)
    target_epoch = int(data.target.epoch)
    committee_count = get_committee_count(config, state, target_epoch, ctx=ctx)
    offset = (int(data.crosslink.shard) + config.SHARD_COUNT
              - get_start_shard(config, state, target_epoch, ctx=ctx)) % config.SHARD_COUNT
    return (compute_start_slot_of_epoch(config, target_epoch)
            + offset // (committee_count // config.SLOTS_PER_EPOCH))


def bits_to_array(bits) -> np.ndarray:
    """A Bitlist/Bitvector view as a numpy bool array of its length."""
    n = len(bits)
    raw = np.frombuffer(bits.encode_bytes(), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:n].astype(bool)


def get_attesting_indices(config: Config, state, data, bits,
                          ctx: EpochContext | None = None) -> np.ndarray:
    """Committee members whose bit is set, sorted ascending (the spec returns a set)."""
    ctx = context_for(config, ctx)
    committee = get_crosslink_committee(config, state, int(data.target.epoch), int(data.crosslink.shard), ctx=ctx)
    mask = bits_to_array(bits)
    if len(mask) != len(committee):
        raise ValueError(f"{len(mask)} bits for a committee of {len(committee)}")
    return np.sort(committee[mask])


def get_total_balance(config: Config, state, indices, ctx: EpochContext | None = None) -> int:
    ctx = context_for(config, ctx)
    cols = validator_columns(state, ctx=ctx)
    idx = np.asarray(indices, dtype=np.int64)
    return max(1, int(cols.effective_balance[idx].sum())) if len(idx) else 1


def get_total_active_balance(config: Config, state, ctx: EpochContext | None = None) -> int:
    ctx = context_for(config, ctx)
    cols = validator_columns(state, ctx=ctx)
    epoch = get_current_epoch(config, state)
    return cols.memo(("total_active", epoch),
                     lambda: get_total_balance(config, state, cols.active_indices(epoch), ctx=ctx), epoch)


def get_domain(config: Config, state, domain_type: bytes, message_epoch: int | None = None) -> bytes:
    epoch = get_current_epoch(config, state) if message_epoch is None else message_epoch
    fork = state.fork
    version = fork.previous_version if epoch < fork.epoch else fork.current_version
    return compute_domain(domain_type, bytes(version))


def is_active_validator(validator, epoch: int) -> bool:
    return validator.activation_epoch <= epoch < validator.exit_epoch


def is_slashable_validator(validator, epoch: int) -> bool:
    return (not validator.slashed) and validator.activation_epoch <= epoch < validator.withdrawable_epoch


def is_slashable_attestation_data(data_1, data_2) -> bool:
    double = data_1.hash_tree_root() != data_2.hash_tree_root() and data_1.target.epoch == data_2.target.epoch
    surround = data_1.source.epoch < data_2.source.epoch and data_2.target.epoch < data_1.target.epoch
    return bool(double or surround)


def is_valid_merkle_branch(leaf: bytes, branch, depth: int, index: int, root: bytes) -> bool:
    value = bytes(leaf)
    for i in range(depth):
        if (index >> i) & 1:
            value = sha256(bytes(branch[i]) + value).digest()
        else:
            value = sha256(value + bytes(branch[i])).digest()
    return value == bytes(root)

"""Block and attestation production as pure functions over a state (no I/O, no clock).

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/validator/0_beacon-chain-validator.md

    parent state --process_slots(copy)--> state at slot --fill body--> unsigned block
        --apply with signatures skipped--> state_root --sign (proposer key)--> block

    head state at slot --> AttestationData (head, source, target, crosslink)
        --sign per committee member--> single-bit attestations --aggregate--> one per data

Used by the validator client (with its own keys and slashing protection) and by the
test harness (interop keys). Inputs are never mutated.
"""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

from beacon import bls
from beacon.config import Config
from beacon.state_transition import EpochContext, Signatures, process_slots, state_transition
from beacon.state_transition import helpers as h
from beacon.types import Epoch, get_types
from ssz.signing import hash_tree_root, signing_root

ZERO_HASH = b"\x00" * 32


def state_at_slot(config: Config, state, slot: int, ctx: EpochContext | None = None):
    """A copy of `state` advanced through empty slots to `slot`."""
    out = state.copy()
    if int(out.slot) < slot:
        process_slots(config, out, slot, ctx=ctx)
    return out


def randao_reveal(config: Config, state, slot: int, privkey: int) -> bytes:
    """get_epoch_signature: the proposer's signature over the block's epoch."""
    epoch = slot // config.SLOTS_PER_EPOCH
    domain = h.get_domain(config, state, config.DOMAIN_RANDAO, epoch)
    return bls.sign(hash_tree_root(Epoch(epoch)), privkey, domain)


def build_block_and_state(config: Config, state, *, parent_root: bytes, slot: int,
                          randao_reveal: bytes, eth1_data=None, graffiti: bytes = ZERO_HASH,
                          operations: dict | None = None, deposits: Sequence = (),
                          ctx: EpochContext | None = None):
    """An unsigned block on `state` (the parent's post-state, or that advanced to `slot`)
    with its state_root filled in, and the post-state.

    Args:
        operations: BeaconBlockBody list fields by name (attestations, proposer_slashings,
            attester_slashings, voluntary_exits); missing ones are empty.
        eth1_data: the vote; default repeats the state's current eth1_data.
        ctx: the caller's EpochContext (the thread's unowned one when None).

    Raises:
        BlockProcessingError: the operations do not apply to the state.
    """
    T = get_types(config)
    pre = state_at_slot(config, state, slot, ctx=ctx)
    ops = dict(operations or {})
    body = T.BeaconBlockBody(
        randao_reveal=randao_reveal,
        eth1_data=eth1_data if eth1_data is not None else pre.eth1_data.copy(),
        graffiti=graffiti,
        proposer_slashings=list(ops.get("proposer_slashings", ())),
        attester_slashings=list(ops.get("attester_slashings", ())),
        attestations=list(ops.get("attestations", ())),
        deposits=list(ops.get("deposits", deposits)),
        voluntary_exits=list(ops.get("voluntary_exits", ())),
    )
    block = T.BeaconBlock(slot=slot, parent_root=parent_root, body=body)
    post = pre.copy()
    state_transition(config, post, block, signatures=Signatures.SKIP, validate_state_root=False,
                     ctx=ctx)
    block.state_root = post.hash_tree_root()
    return block, post


def build_block(config: Config, state, **kwargs):
    """`build_block_and_state` without the post-state."""
    return build_block_and_state(config, state, **kwargs)[0]


def sign_block(config: Config, state, block, privkey: int):
    """get_block_signature: sets and returns `block` (state: any state of the block's epoch)."""
    epoch = int(block.slot) // config.SLOTS_PER_EPOCH
    domain = h.get_domain(config, state, config.DOMAIN_BEACON_PROPOSER, epoch)
    block.signature = bls.sign(signing_root(block), privkey, domain)
    return block


def propose(config: Config, parent_state, parent_root: bytes, slot: int,
            privkey_of: Callable[[int], int], ctx: EpochContext | None = None, **body):
    """Build and sign the block of `slot` by its proposer; returns (block, post_state).

    `privkey_of(validator_index)` gives the proposer's key (e.g. interop_privkey).
    """
    pre = state_at_slot(config, parent_state, slot, ctx=ctx)
    key = privkey_of(h.get_beacon_proposer_index(config, pre, ctx=ctx))
    block, post = build_block_and_state(
        config, pre, parent_root=parent_root, slot=slot,
        randao_reveal=randao_reveal(config, pre, slot, key), ctx=ctx, **body)
    return sign_block(config, pre, block, key), post


# -- attestations ---------------------------------------------------------------------

def committees_at_slot(config: Config, state, slot: int, ctx: EpochContext | None = None
                       ) -> list[tuple[int, list[int]]]:
    """(shard, committee) of every committee attesting at `slot` (state in slot's epoch
    or the next)."""
    epoch = slot // config.SLOTS_PER_EPOCH
    per_slot = h.get_committee_count(config, state, epoch, ctx=ctx) // config.SLOTS_PER_EPOCH
    start = h.get_start_shard(config, state, epoch, ctx=ctx)
    first = start + per_slot * (slot % config.SLOTS_PER_EPOCH)
    out = []
    for i in range(per_slot):
        shard = (first + i) % config.SHARD_COUNT
        out.append((shard, [int(v) for v in h.get_crosslink_committee(config, state, epoch, shard, ctx=ctx)]))
    return out


def attestation_data(config: Config, state, *, head_root: bytes, shard: int):
    """AttestationData of `shard`'s committee, on head state processed to the assigned slot."""
    T = get_types(config)
    epoch = h.get_current_epoch(config, state)
    start_slot = epoch * config.SLOTS_PER_EPOCH
    boundary = head_root if start_slot == int(state.slot) else h.get_block_root(config, state, epoch)
    parent = state.current_crosslinks[shard]
    return T.AttestationData(
        beacon_block_root=head_root,
        source=state.current_justified_checkpoint.copy(),
        target=T.Checkpoint(epoch=epoch, root=boundary),
        crosslink=T.Crosslink(
            shard=shard,
            parent_root=parent.hash_tree_root(),
            start_epoch=parent.end_epoch,
            end_epoch=min(epoch, int(parent.end_epoch) + config.MAX_EPOCHS_PER_CROSSLINK),
            data_root=ZERO_HASH,
        ),
    )


def _bits(config: Config, n: int, set_positions: Iterable[int]):
    Bits = get_types(config).Attestation.fields()["aggregation_bits"]
    on = set(set_positions)
    return Bits(*[i in on for i in range(n)])


def sign_attestation(config: Config, state, data, committee: Sequence[int], validator_index: int,
                     privkey: int):
    """A single-member Attestation of `validator_index` (custody bit 0)."""
    T = get_types(config)
    position = list(committee).index(validator_index)
    message = hash_tree_root(T.AttestationDataAndCustodyBit(data=data, custody_bit=False))
    domain = h.get_domain(config, state, config.DOMAIN_ATTESTATION, int(data.target.epoch))
    return T.Attestation(aggregation_bits=_bits(config, len(committee), [position]), data=data,
                         custody_bits=_bits(config, len(committee), []),
                         signature=bls.sign(message, privkey, domain))


def aggregate(config: Config, attestations: Sequence):
    """One Attestation from attestations of the same data with disjoint bits.

    Raises:
        ValueError: empty input, different data, or overlapping bits.
    """
    if not attestations:
        raise ValueError("nothing to aggregate")
    T = get_types(config)
    first = attestations[0]
    root = hash_tree_root(first.data)
    n = len(first.aggregation_bits)
    on: set[int] = set()
    for a in attestations:
        if hash_tree_root(a.data) != root or len(a.aggregation_bits) != n:
            raise ValueError("attestations for different data or committees")
        bits = {i for i in range(n) if a.aggregation_bits[i]}
        if bits & on:
            raise ValueError("overlapping aggregation bits")
        on |= bits
    sig = (bytes(first.signature) if len(attestations) == 1
           else bls.aggregate_signatures([bytes(a.signature) for a in attestations]))
    return T.Attestation(aggregation_bits=_bits(config, n, on), data=first.data,
                         custody_bits=_bits(config, n, []), signature=sig)


def attest_slot(config: Config, head_state, head_root: bytes, slot: int,
                privkey_of: Callable[[int], int], participants: Callable[[int], bool] | None = None,
                ctx: EpochContext | None = None):
    """Aggregated attestations of every committee of `slot` voting for `head_root`.

    head_state is the head block's state (advanced to `slot` here on a copy);
    `participants(validator_index)` filters who attests (default: everyone).
    """
    state = state_at_slot(config, head_state, slot, ctx=ctx)
    out = []
    for shard, committee in committees_at_slot(config, state, slot, ctx=ctx):
        data = attestation_data(config, state, head_root=head_root, shard=shard)
        singles = [sign_attestation(config, state, data, committee, v, privkey_of(v))
                   for v in committee if participants is None or participants(v)]
        if singles:
            out.append(aggregate(config, singles))
    return out

"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#attestations"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.attestations import (
    IndexedAttestationError, get_indexed_attestation, validate_indexed_attestation,
)
from beacon.state_transition.errors import BlockProcessingError, InvalidSignature, check
from beacon.state_transition.helpers import (
    get_attestation_data_slot, get_beacon_proposer_index, get_crosslink_committee,
    get_current_epoch, get_previous_epoch,
)
from beacon.state_transition.signatures import Signatures
from beacon.types import get_types

OP = "attestation"
ZERO_ROOT = b"\x00" * 32


def process_attestation(config: Config, state, attestation, signatures: Signatures, index=None,
                        ctx: EpochContext | None = None) -> None:
    data = attestation.data
    shard = int(data.crosslink.shard)
    target_epoch = int(data.target.epoch)
    current_epoch = get_current_epoch(config, state)
    check(shard < config.SHARD_COUNT, OP, "shard out of range", index)
    check(target_epoch in (get_previous_epoch(config, state), current_epoch), OP,
          "target epoch is neither the previous nor the current epoch", index)
    attestation_slot = get_attestation_data_slot(config, state, data, ctx=ctx)
    check(attestation_slot + config.MIN_ATTESTATION_INCLUSION_DELAY <= state.slot
          <= attestation_slot + config.SLOTS_PER_EPOCH, OP, "attestation slot out of inclusion range", index)
    committee = get_crosslink_committee(config, state, target_epoch, shard, ctx=ctx)
    check(len(attestation.aggregation_bits) == len(attestation.custody_bits) == len(committee), OP,
          "bitfield lengths do not match the committee size", index)

    T = get_types(config)
    pending = T.PendingAttestation(
        data=data,
        aggregation_bits=attestation.aggregation_bits,
        inclusion_delay=int(state.slot) - attestation_slot,
        proposer_index=get_beacon_proposer_index(config, state, ctx=ctx),
    )
    if target_epoch == current_epoch:
        check(data.source.hash_tree_root() == state.current_justified_checkpoint.hash_tree_root(), OP,
              "source is not the current justified checkpoint", index)
        parent_crosslink = state.current_crosslinks[shard]
        state.current_epoch_attestations.append(pending)
    else:
        check(data.source.hash_tree_root() == state.previous_justified_checkpoint.hash_tree_root(), OP,
              "source is not the previous justified checkpoint", index)
        parent_crosslink = state.previous_crosslinks[shard]
        state.previous_epoch_attestations.append(pending)

    crosslink = data.crosslink
    check(bytes(crosslink.parent_root) == bytes(parent_crosslink.hash_tree_root()), OP,
          "crosslink parent root mismatch", index)
    check(crosslink.start_epoch == parent_crosslink.end_epoch, OP, "crosslink start epoch mismatch", index)
    check(crosslink.end_epoch == min(target_epoch, int(parent_crosslink.end_epoch) + config.MAX_EPOCHS_PER_CROSSLINK),
          OP, "crosslink end epoch mismatch", index)
    check(bytes(crosslink.data_root) == ZERO_ROOT, OP, "crosslink data root must be zero in phase 0", index)

    try:
        indexed = get_indexed_attestation(config, state, attestation, ctx=ctx)
        validate_indexed_attestation(config, state, indexed, signatures, ctx=ctx)
    except IndexedAttestationError as e:
        cls = InvalidSignature if "signature" in str(e) else BlockProcessingError
        raise cls(OP, str(e), index) from None

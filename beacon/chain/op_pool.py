"""Operation pool: attestations, slashings and exits waiting to be put in a block.

In: attestations from gossip and from our own validators, already validated (the
chain's gossip rules or our own signing); slashings and exits that passed their spec
conditions. Out: `block_operations(state)`, the operations a block built on `state`
can include, attestations aggregated as far as their bits allow and only with votes
the state does not hold yet.

Attestations are grouped by their data root; inside a group, any two with disjoint
bits merge into one (OR of the bits, BLS-aggregated signature), so a group holds a few
maximal aggregates rather than one entry per validator. Bounds (DoS): at most
`MAX_DATA_ROOTS` groups and `MAX_AGGREGATES_PER_DATA` aggregates in each; old groups
are pruned once they can no longer be included.
"""
from __future__ import annotations

from dataclasses import dataclass

from beacon import bls
from beacon.config import Config
from beacon.operations.check import includable
from beacon.types import get_types
from ssz.signing import hash_tree_root

MAX_DATA_ROOTS = 4096
MAX_AGGREGATES_PER_DATA = 16
MAX_OPS = 256


@dataclass
class _Aggregate:
    bits: list[bool]
    signature: bytes
    custody_bits: list[bool]


def _bits_or(a, b):
    return [x or y for x, y in zip(a, b)]


def _included_bits(state) -> dict[bytes, list[bool]]:
    """Per attestation data root, the votes the state's pending attestations hold."""
    out: dict[bytes, list[bool]] = {}
    for pending in (state.previous_epoch_attestations, state.current_epoch_attestations):
        for p in pending:
            root = hash_tree_root(p.data)
            bits = [bool(b) for b in p.aggregation_bits]
            have = out.get(root)
            out[root] = bits if have is None or len(have) != len(bits) else _bits_or(have, bits)
    return out


class OperationPool:
    def __init__(self, config: Config):
        self.config = config
        self.T = get_types(config)
        self._attestations: dict[bytes, tuple[object, list[_Aggregate]]] = {}
        self.proposer_slashings: dict[int, object] = {}  # by proposer index
        self.attester_slashings: list[object] = []
        self.voluntary_exits: dict[int, object] = {}  # by validator index

    # --- attestations --------------------------------------------------------
    def add_attestation(self, att) -> None:
        data_root = hash_tree_root(att.data)
        entry = self._attestations.get(data_root)
        if entry is None:
            if len(self._attestations) >= MAX_DATA_ROOTS:
                self._evict_oldest()
            entry = self._attestations[data_root] = (att.data, [])
        aggregates = entry[1]
        bits = [bool(b) for b in att.aggregation_bits]
        custody = [bool(b) for b in att.custody_bits]
        for agg in aggregates:
            if len(agg.bits) != len(bits):
                return  # malformed against its own group; keep the first shape
            if all(a or not b for a, b in zip(agg.bits, bits)):
                return  # nothing new
            if not any(a and b for a, b in zip(agg.bits, bits)):
                agg.signature = bls.aggregate_signatures([agg.signature, bytes(att.signature)])
                agg.bits = _bits_or(agg.bits, bits)
                agg.custody_bits = _bits_or(agg.custody_bits, custody)
                return
        if len(aggregates) < MAX_AGGREGATES_PER_DATA:
            aggregates.append(_Aggregate(bits, bytes(att.signature), custody))

    def _evict_oldest(self) -> None:
        oldest = min(self._attestations, key=lambda r: int(self._attestations[r][0].target.epoch))
        del self._attestations[oldest]

    def prune(self, current_epoch: int) -> None:
        """Drop attestations whose target is older than the previous epoch."""
        stale = [r for r, (data, _) in self._attestations.items()
                 if int(data.target.epoch) + 1 < current_epoch]
        for r in stale:
            del self._attestations[r]

    def attestation_count(self) -> int:
        return sum(len(aggs) for _, aggs in self._attestations.values())

    def _includable(self, state, data, ctx) -> bool:
        """Cheap pre-checks of process_attestation (v0.8.4) so one stale vote cannot
        make a proposal fail."""
        c = self.config
        slot, epoch = int(state.slot), int(state.slot) // c.SLOTS_PER_EPOCH
        target = int(data.target.epoch)
        # The epoch first: placing the data slot of an older target walks the start
        # shard back epoch by epoch.
        if target == epoch:
            source, parent = state.current_justified_checkpoint, state.current_crosslinks[int(data.crosslink.shard)]
        elif target + 1 == epoch:
            source, parent = state.previous_justified_checkpoint, state.previous_crosslinks[int(data.crosslink.shard)]
        else:
            return False
        data_slot = self._data_slot(state, data, ctx)
        if data_slot is None or not (data_slot + c.MIN_ATTESTATION_INCLUSION_DELAY <= slot
                                     <= data_slot + c.SLOTS_PER_EPOCH):
            return False
        # A vote made on another branch may come from another shuffling (seed and active
        # set are fixed by the chain up to the target epoch's start); its aggregate
        # signature would not verify here. Keep only votes whose target block is on this
        # state's chain (target slot < slot: the vote's own slot is already past).
        target_slot = target * c.SLOTS_PER_EPOCH
        if bytes(state.block_roots[target_slot % c.SLOTS_PER_HISTORICAL_ROOT]) != bytes(data.target.root):
            return False
        cl = data.crosslink
        return (hash_tree_root(data.source) == hash_tree_root(source)
                and bytes(cl.parent_root) == hash_tree_root(parent)
                and int(cl.start_epoch) == int(parent.end_epoch)
                and int(cl.end_epoch) == min(target, int(parent.end_epoch) + c.MAX_EPOCHS_PER_CROSSLINK)
                and bytes(cl.data_root) == bytes(32))

    def _data_slot(self, state, data, ctx=None) -> int | None:
        """get_attestation_data_slot of v0.8.4, None for an epoch the state cannot place."""
        from beacon.state_transition import helpers as h
        c, epoch = self.config, int(data.target.epoch)
        if epoch > int(state.slot) // c.SLOTS_PER_EPOCH + 1:
            return None
        per_slot = h.get_committee_count(c, state, epoch, ctx=ctx) // c.SLOTS_PER_EPOCH
        offset = (int(data.crosslink.shard) + c.SHARD_COUNT
                  - int(h.get_start_shard(c, state, epoch, ctx=ctx))) % c.SHARD_COUNT
        if per_slot == 0:
            return None
        return h.compute_start_slot_of_epoch(c, epoch) + offset // per_slot

    def attestations_for_block(self, state, ctx=None) -> list:
        """Aggregates includable on `state` (already at the block's slot) that carry votes
        the state does not hold yet, most new votes first.

        A vote already in the state's pending attestations (put there by an earlier
        block of this branch) adds nothing to rewards or to justification, but every
        importer pays a signature check for it: Lodestar 2019 about 0.3 s per
        attestation, so blocks that repeated an epoch's votes made it miss its slots."""
        included = _included_bits(state)
        candidates = []
        for data_root, (data, aggs) in self._attestations.items():
            if not self._includable(state, data, ctx):
                continue
            have = included.get(data_root)
            for agg in aggs:
                new = sum(agg.bits) if have is None or len(have) != len(agg.bits) else \
                    sum(1 for b, old in zip(agg.bits, have) if b and not old)
                if new:
                    candidates.append((new, data, agg))
        candidates.sort(key=lambda c: -c[0])
        out = []
        Bits = self.T.Attestation.fields()["aggregation_bits"]
        for _, data, agg in candidates[:self.config.MAX_ATTESTATIONS]:
            out.append(self.T.Attestation(aggregation_bits=Bits(*agg.bits), data=data,
                                          custody_bits=Bits(*agg.custody_bits),
                                          signature=agg.signature))
        return out

    # --- slashings and exits ---------------------------------------------------
    def add_proposer_slashing(self, op) -> None:
        if len(self.proposer_slashings) < MAX_OPS:
            self.proposer_slashings.setdefault(int(op.proposer_index), op)

    def add_attester_slashing(self, op) -> None:
        if len(self.attester_slashings) < MAX_OPS:
            self.attester_slashings.append(op)

    def add_voluntary_exit(self, op) -> None:
        if len(self.voluntary_exits) < MAX_OPS:
            self.voluntary_exits.setdefault(int(op.validator_index), op)

    def block_operations(self, state, ctx=None) -> dict:
        """Operations for a block on `state`: keys are BeaconBlockBody field names.
        `ctx`: the caller's EpochContext (the thread's unowned one when None)."""
        c = self.config
        epoch = int(state.slot) // c.SLOTS_PER_EPOCH
        vals = state.validators

        def slashable(i):
            return i < len(vals) and not vals[i].slashed and epoch < int(vals[i].withdrawable_epoch)

        prop = [op for i, op in self.proposer_slashings.items() if slashable(i)]
        att = [op for op in self.attester_slashings
               if any(slashable(int(i)) for i in op.attestation_1.custody_bit_0_indices)]
        exits = [op for i, op in self.voluntary_exits.items()
                 if i < len(vals) and int(vals[i].exit_epoch) == c.FAR_FUTURE_EPOCH
                 and int(op.epoch) <= epoch]
        # Only those that apply together, in block order (beacon/operations/check.py).
        return includable(c, state, {
            "attestations": self.attestations_for_block(state, ctx),
            "proposer_slashings": prop, "attester_slashings": att, "voluntary_exits": exits},
            ctx)

"""The pending attestations of an epoch resolved to validators, shared by the epoch steps.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#helper-functions-1

Justification, crosslinks and rewards all read the same attestations; resolving each
attestation's committee and bits once per epoch (instead of per spec helper call) is what
keeps epoch processing linear in the number of attestations.
"""
from __future__ import annotations

import numpy as np

from beacon.config import Config
from beacon.state_transition.context import EpochContext, context_for
from beacon.state_transition.helpers import (
    get_attestation_data_slot, get_attesting_indices, get_block_root, get_block_root_at_slot,
    get_current_epoch, get_previous_epoch,
)
from beacon.state_transition.registry import validator_columns


class ResolvedAttestation:
    __slots__ = ("indices", "target_ok", "data_slot", "beacon_block_root", "inclusion_delay",
                 "proposer_index", "shard", "crosslink", "crosslink_root")

    def __init__(self, config: Config, state, pending, epoch_root: bytes,
                 ctx: EpochContext | None = None):
        data = pending.data
        self.indices = get_attesting_indices(config, state, data, pending.aggregation_bits, ctx=ctx)
        self.target_ok = bytes(data.target.root) == epoch_root
        self.data_slot = get_attestation_data_slot(config, state, data, ctx=ctx)
        self.beacon_block_root = bytes(data.beacon_block_root)
        self.inclusion_delay = int(pending.inclusion_delay)
        self.proposer_index = int(pending.proposer_index)
        self.crosslink = data.crosslink
        self.crosslink_root = bytes(data.crosslink.hash_tree_root())
        self.shard = int(data.crosslink.shard)


class EpochParticipation:
    """Matching source/target/head attestations of `epoch` (previous or current)."""

    def __init__(self, config: Config, state, epoch: int, ctx: EpochContext | None = None):
        if epoch not in (get_previous_epoch(config, state), get_current_epoch(config, state)):
            raise ValueError(f"epoch {epoch} is neither the previous nor the current epoch")
        pending = (state.current_epoch_attestations if epoch == get_current_epoch(config, state)
                   else state.previous_epoch_attestations)
        epoch_root = get_block_root(config, state, epoch)
        self.epoch = epoch
        self._config, self._state = config, state
        self.attestations = [ResolvedAttestation(config, state, p, epoch_root, ctx=ctx) for p in pending]
        cols = validator_columns(state, ctx=ctx)
        self.count = cols.count
        self.unslashed = ~cols.slashed
        self.effective_balance = cols.effective_balance

    def mask(self, attestations) -> np.ndarray:
        """Unslashed validators attesting in any of `attestations` (get_unslashed_attesting_indices)."""
        out = np.zeros(self.count, dtype=bool)
        for a in attestations:
            out[a.indices] = True
        return out & self.unslashed

    def source_mask(self) -> np.ndarray:
        return self.mask(self.attestations)

    def target_mask(self) -> np.ndarray:
        return self.mask([a for a in self.attestations if a.target_ok])

    def head_mask(self) -> np.ndarray:
        # Only the rewards of the previous epoch look at heads; the block root of a
        # current-epoch attestation's slot may not be in the state yet.
        config, state = self._config, self._state
        return self.mask([a for a in self.attestations
                          if a.beacon_block_root == get_block_root_at_slot(config, state, a.data_slot)])

    def balance(self, mask: np.ndarray) -> int:
        """get_total_balance of the validators in `mask` (at least 1)."""
        return max(1, int(self.effective_balance[mask].sum()))

    def winning_crosslink(self, state, shard: int):
        """(crosslink view or None for the default, mask of its unslashed attesters)."""
        current_root = bytes(state.current_crosslinks[shard].hash_tree_root())
        for_shard = [a for a in self.attestations if a.shard == shard]
        best = None  # (balance, data_root, crosslink_root, crosslink)
        balances: dict[bytes, int] = {}
        for a in for_shard:
            if current_root not in (bytes(a.crosslink.parent_root), a.crosslink_root):
                continue
            bal = balances.get(a.crosslink_root)
            if bal is None:
                bal = balances[a.crosslink_root] = self.balance(
                    self.mask([b for b in for_shard if b.crosslink_root == a.crosslink_root]))
            key = (bal, bytes(a.crosslink.data_root))
            if best is None or key > best[:2]:
                best = (bal, key[1], a.crosslink_root, a.crosslink)
        if best is None:
            return None, self.mask([b for b in for_shard if b.crosslink_root == DEFAULT_CROSSLINK_ROOT])
        return best[3], self.mask([b for b in for_shard if b.crosslink_root == best[2]])


def _default_crosslink_root() -> bytes:
    from beacon.config import minimal
    from beacon.types import get_types
    return bytes(get_types(minimal).Crosslink().hash_tree_root())


DEFAULT_CROSSLINK_ROOT = _default_crosslink_root()

def participation(config: Config, state, epoch: int, ctx: EpochContext | None = None
                  ) -> EpochParticipation:
    """EpochParticipation, reused while the inputs it was computed from are unchanged.

    Justification, crosslinks and rewards each ask for it within one epoch transition;
    the key holds the tree nodes of every input, so a changed state never hits.
    """
    ctx = context_for(config, ctx)
    key = (id(config), epoch, int(state.slot), state.previous_epoch_attestations.get_backing(),
           state.current_epoch_attestations.get_backing(), state.validators.get_backing(),
           state.block_roots.get_backing(), state.active_index_roots.get_backing(),
           state.randao_mixes.get_backing(), int(state.start_shard))
    return ctx.participation(key, lambda: EpochParticipation(config, state, epoch, ctx=ctx))

"""The fork-choice store: time, checkpoints, proto-array and votes, with the v0.8.4 handlers.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_fork-choice.md

Data flow: the chain calls `on_tick` with wall time, `check_block` before running the
(expensive) state transition, `on_block` with the post-state's checkpoints after it,
`set_justified_balances` when the justified checkpoint moved, and `apply_votes` with
the validator indices of a verified attestation. `get_head` folds pending vote
changes into the proto-array and walks down from the justified block.

Departures from the spec's Python, all for speed or robustness, not semantics:
- states are not kept here: the chain owns states and hands over balances;
- only blocks descending from the finalized block are held (the spec's on_block
  asserts that for new blocks, so older branches can never gain children);
- a checkpoint whose root we never saw (e.g. older than a non-genesis anchor) does not
  replace the store's checkpoint, since get_head could not start from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from beacon.config import Config
from beacon.fork_choice.errors import (
    DuplicateBlock, FutureAttestation, FutureBlock, NotDescendantOfFinalized, UnknownBlockRoot,
)
from beacon.fork_choice.proto_array import ProtoArray
from beacon.fork_choice.votes import VoteTracker


@dataclass(frozen=True, order=True)
class Checkpoint:
    """Plain (epoch, root) pair; hashable, unlike the SSZ container."""
    epoch: int
    root: bytes

    @classmethod
    def from_ssz(cls, cp) -> "Checkpoint":
        return cls(int(cp.epoch), bytes(cp.root))


@dataclass(frozen=True)
class CheckpointChange:
    justified: bool
    finalized: bool


class ForkChoice:
    """LMD-GHOST over the blocks since finalization.

    Args:
        config: the preset (SLOTS_PER_EPOCH, SECONDS_PER_SLOT).
        genesis_time: the chain's genesis time (unix seconds).
        anchor_root, anchor_slot: the finalized block (or the anchor) the tree starts at.
        justified, finalized: the store's checkpoints; their roots must be in the tree.
        clock_disparity: seconds a block or attestation may be early (gossip allowance).
    """

    def __init__(self, config: Config, genesis_time: int, anchor_root: bytes, anchor_slot: int,
                 justified: Checkpoint, finalized: Checkpoint, clock_disparity: float = 0.5):
        self.config = config
        self.genesis_time = int(genesis_time)
        self.clock_disparity = clock_disparity
        self.proto = ProtoArray(anchor_root, anchor_slot)
        self.votes = VoteTracker()
        self.time = float(genesis_time)
        self.justified = justified
        self.finalized = finalized
        self._head: bytes | None = None

    # -- time -------------------------------------------------------------------------

    def on_tick(self, time: float) -> None:
        if time > self.time:
            self.time = time

    def slot_start(self, slot: int) -> float:
        return self.genesis_time + slot * self.config.SECONDS_PER_SLOT

    def _epoch_start_slot(self, epoch: int) -> int:
        return epoch * self.config.SLOTS_PER_EPOCH

    # -- blocks -----------------------------------------------------------------------

    def __contains__(self, root: bytes) -> bool:
        return root in self.proto

    def check_block(self, root: bytes, parent_root: bytes, slot: int) -> None:
        """The on_block assertions that need no state.

        Raises:
            DuplicateBlock, UnknownBlockRoot (parent), FutureBlock, NotDescendantOfFinalized.
        """
        if root in self.proto:
            raise DuplicateBlock(root)
        start = self.slot_start(slot)
        if self.time + self.clock_disparity < start:
            raise FutureBlock(slot, self.time, start)
        if parent_root not in self.proto:
            raise UnknownBlockRoot(parent_root, "parent")
        fin_slot = self.proto.slot(self.finalized.root) if self.finalized.root in self.proto else None
        if slot <= self._epoch_start_slot(self.finalized.epoch) or fin_slot is None or (
                self.proto.ancestor_at_slot(parent_root, fin_slot) != self.finalized.root):
            raise NotDescendantOfFinalized(root, slot, self.finalized.epoch)

    def on_block(self, root: bytes, parent_root: bytes, slot: int,
                 justified: Checkpoint, finalized: Checkpoint) -> CheckpointChange:
        """Add a block whose state transition succeeded, with its post-state checkpoints.

        The caller must run `check_block` first. When the returned change says the
        justified checkpoint moved, call `set_justified_balances`; when the finalized one
        moved, call `prune`.
        """
        self.proto.add(root, parent_root, slot)
        self._head = None
        j = f = False
        if justified.epoch > self.justified.epoch and justified.root in self.proto:
            self.justified = justified
            j = True
        if finalized.epoch > self.finalized.epoch and finalized.root in self.proto:
            self.finalized = finalized
            f = True
        return CheckpointChange(j, f)

    def set_justified_balances(self, balances: Sequence[int]) -> None:
        """Effective balances (0 if inactive) at the justified checkpoint's state."""
        self.votes.set_balances(balances)
        self._head = None

    def prune(self) -> list[bytes]:
        """Drop blocks that do not descend from the finalized block; returns their roots.

        Skipped while the justified block is not a finalized descendant (only possible
        if more than 1/3 of stake is slashable), so get_head always has its start.
        """
        fin = self.finalized.root
        if fin == self.proto.root or not self.proto.is_descendant(fin, self.justified.root):
            return []
        self._apply_pending()
        remap, removed = self.proto.prune(fin)
        self.votes.remap(remap)
        self._head = None
        return removed

    # -- attestations -----------------------------------------------------------------

    def check_attestation_target(self, target: Checkpoint, block_root: bytes) -> None:
        """The on_attestation assertions before the target state is needed.

        Raises:
            UnknownBlockRoot: target or voted block unknown (the spec requires the target;
                the head vote must be known too or its weight has nowhere to go).
            FutureAttestation: the target epoch has not started.
        """
        if target.root not in self.proto:
            raise UnknownBlockRoot(target.root, "target")
        if block_root not in self.proto:
            raise UnknownBlockRoot(block_root, "attested block")
        start = self.slot_start(self._epoch_start_slot(target.epoch))
        if self.time + self.clock_disparity < start:
            raise FutureAttestation(f"target epoch {target.epoch} starts at {start}")

    def check_attestation_slot(self, attestation_slot: int) -> None:
        # The spec writes `(attestation_slot + 1) * SECONDS_PER_SLOT`, forgetting
        # genesis_time; an attestation only counts once its slot has fully passed.
        end = self.slot_start(attestation_slot + 1)
        if self.time + self.clock_disparity < end:
            raise FutureAttestation(f"attestation slot {attestation_slot} ends at {end}")

    def apply_votes(self, validators: Iterable[int], block_root: bytes, target_epoch: int) -> list[int]:
        """Latest-message update for verified attesters; returns those whose message changed."""
        node = self.proto.index(block_root)
        changed = self.votes.set_votes(validators, node, target_epoch)
        if changed:
            self._head = None
        return changed

    def latest_message(self, validator: int) -> tuple[int, bytes] | None:
        m = self.votes.latest_message(validator)
        if m is None or m[1] < 0:
            return None
        return m[0], self.proto.roots[m[1]]

    # -- head -------------------------------------------------------------------------

    def _apply_pending(self) -> None:
        if self.votes.pending:
            self.proto.apply_deltas(self.votes.compute_deltas(len(self.proto)))

    def get_head(self) -> bytes:
        if self._head is None:
            self._apply_pending()
            j = self.justified
            self._head = self.proto.find_head(j.root, self._epoch_start_slot(j.epoch))
        return self._head

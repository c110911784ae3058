"""The chain service: block and attestation import, head, and queries over stored data.

    block -> cheap checks (known? future? parent? finalized?) -> state transition with
          signatures -> fork choice (block + its attestations) -> head
          -> ONE database batch (block, state if epoch boundary, checkpoints,
             latest messages, head, canonical index) -> prune batch if finalized moved

A plain synchronous class, not thread-safe: the node's chain task
(beacon/chain/service.py) is its only caller and runs every call in a worker thread,
one at a time; everyone else reads the snapshot that task publishes.

Time budget (minimal preset, 64 validators, native BLS): import_block ~10-50 ms,
mostly signature checks; get_head ~O(blocks since finalization) in pure Python.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from beacon.chain import anchor as anchor_mod
from beacon.chain.canonical import range_roots, write_head_change
from beacon.chain.errors import (
    AlreadyKnown, FinalizedConflict, FutureAttestation, FutureSlot, InvalidAttestation,
    InvalidBlock, InvalidSignature, StateUnavailable, UnknownAttestationBlock, UnknownParent,
)
from beacon.chain.loader import justified_balances, load_fork_choice
from beacon.chain.regen import StateRegen, is_boundary
from beacon.config import Config
from beacon.fork_choice import (
    Checkpoint, DuplicateBlock, ForkChoice, FutureBlock, NotDescendantOfFinalized,
    UnknownBlockRoot,
)
from beacon.fork_choice import FutureAttestation as FcFutureAttestation
from beacon.state_transition import (
    BlockProcessingError, Signatures, StateTransitionError, process_slots, state_transition,
)
from beacon.state_transition import InvalidSignature as TransitionInvalidSignature
from beacon.state_transition.attestations import (
    IndexedAttestationError, get_indexed_attestation, validate_indexed_attestation,
)
from beacon.state_transition.helpers import get_attestation_data_slot, get_attesting_indices
from beacon.storage import ChainDB, NotInitialized
from beacon.types import get_types
from ssz.codec import encode
from ssz.signing import signing_root

log = logging.getLogger(__name__)

# Errors a malformed block can still provoke inside helpers that predate their checks.
_UNEXPECTED = (ValueError, IndexError, KeyError, AssertionError, OverflowError, TypeError)


class Chain:
    """Use `Chain.open(config, db, anchor_state)`; see the module docstring.

    `observer` (e.g. beacon.operations.slasher.Slasher) is told of every block and vote
    after it verified: on_block(root, block, post_state), on_attestation(indexed).

    Args (of open):
        now: wall clock in unix seconds (tests pass a fake).
        clock_disparity: seconds a block may arrive before its slot starts.
        signatures: VERIFY in production; SKIP for trusted replays.
        hot_states: states kept in memory.
    """

    observer = None

    def __init__(self, config: Config, db: ChainDB, regen: StateRegen, fc: ForkChoice,
                 now: Callable[[], float], signatures: Signatures):
        self.config = config
        self.db = db
        self.T = get_types(config)
        self.regen = regen
        self.ctx = regen.ctx  # one EpochContext for the chain's worker (see regen)
        self.fork_choice = fc
        self.now = now
        self.signatures = signatures
        self._head = db.head()
        self._refresh_head()

    @classmethod
    def open(cls, config: Config, db: ChainDB, anchor_state=None, *,
             now: Callable[[], float] = time.time, clock_disparity: float = 0.5,
             signatures: Signatures = Signatures.VERIFY, hot_states: int = 64) -> "Chain":
        """Load the chain in `db`, first writing `anchor_state` into an empty one.

        Raises:
            NotInitialized: empty database and no anchor state.
            ChainMismatch: the database holds another preset, genesis time or anchor.
        """
        if not db.initialized:
            if anchor_state is None:
                raise NotInitialized(db.path)
            anchor_mod.initialize(config, db, anchor_state)
        elif anchor_state is not None:
            db.check_identity(preset=config.name, genesis_time=int(anchor_state.genesis_time),
                              anchor_root=anchor_mod.anchor_root(anchor_state))
        else:
            db.check_identity(preset=config.name)
        regen = StateRegen(config, db, hot_size=hot_states)
        fc = load_fork_choice(config, db, regen, clock_disparity)
        return cls(config, db, regen, fc, now, signatures)

    # -- views ------------------------------------------------------------------------

    @property
    def head_root(self) -> bytes:
        return self._head

    @property
    def head_slot(self) -> int:
        return self.fork_choice.proto.slot(self._head)

    @property
    def justified_checkpoint(self) -> Checkpoint:
        return self.fork_choice.justified

    @property
    def finalized_checkpoint(self) -> Checkpoint:
        return self.fork_choice.finalized

    @property
    def genesis_time(self) -> int:
        return self.fork_choice.genesis_time

    def head_state(self):
        """The head block's post-state (shared: copy before mutating)."""
        return self.regen.state_of_block(self._head)

    def block_by_root(self, root: bytes):
        raw = self.db.get_block(bytes(root))
        return None if raw is None else self.regen._decode(self.T.BeaconBlock, raw, "block")

    def blocks_by_range(self, head_root: bytes, start_slot: int, count: int, step: int = 1) -> list:
        """Blocks at start_slot + i*step (i < count) on head_root's chain, skipping empty slots.

        Raises:
            ValueError: step < 1.
            StateUnavailable: head_root is not a block since finalization.
        """
        if step < 1:
            raise ValueError("step must be at least 1")
        if bytes(head_root) not in self.fork_choice:
            raise StateUnavailable(f"0x{bytes(head_root).hex()} is not a non-finalized block")
        roots = range_roots(self.db, self.fork_choice.proto, bytes(head_root), start_slot, count, step)
        return [b for b in (self.block_by_root(r) for r in roots) if b is not None]

    def state_at_block(self, root: bytes):
        """Post-state of a stored block (a copy)."""
        return self.regen.state_of_block(bytes(root)).copy()

    def state_at_slot(self, slot: int, head_root: bytes | None = None):
        """The state at `slot` on head_root's chain (default: the head), empty slots processed.

        Raises:
            StateUnavailable: slot before the anchor state, or head_root unknown.
        """
        head_root = bytes(head_root) if head_root is not None else self._head
        proto = self.fork_choice.proto
        if head_root not in proto:
            raise StateUnavailable(f"0x{head_root.hex()} is not a non-finalized block")
        root = None
        for i in proto.iter_ancestors(head_root):
            if proto.slots[i] <= slot:
                root = proto.roots[i]
                break
        if root is None:
            found = self.db.canonical_at_or_before(slot)
            if found is None:
                raise StateUnavailable(f"slot {slot} is before the anchor")
            root = found[1]
        state = self.regen.state_of_block(root)
        if int(state.slot) > slot:
            raise StateUnavailable(f"slot {slot} is before the anchor state (slot {int(state.slot)})")
        state = state.copy()
        if int(state.slot) < slot:
            process_slots(self.config, state, slot, ctx=self.ctx)
        return state

    # -- block import -----------------------------------------------------------------

    def import_block(self, block) -> bytes:
        """Verify and store `block`; returns its root.

        Raises:
            AlreadyKnown, FutureSlot, UnknownParent, FinalizedConflict,
            InvalidSignature, InvalidBlock (see beacon.chain.errors for the actions).
        """
        root = signing_root(block)
        slot, parent = int(block.slot), bytes(block.parent_root)
        fc = self.fork_choice
        if root in fc or self.db.has_block(root):
            raise AlreadyKnown(root, slot)
        fc.on_tick(self.now())
        try:
            fc.check_block(root, parent, slot)
        except DuplicateBlock:
            raise AlreadyKnown(root, slot) from None
        except FutureBlock as e:
            raise FutureSlot(root, slot, e.slot_start, e.now) from None
        except UnknownBlockRoot:
            if self.db.has_block(parent):  # pruned: behind or beside the finalized block
                raise FinalizedConflict(root, slot, fc.finalized.epoch) from None
            raise UnknownParent(root, slot, parent) from None
        except NotDescendantOfFinalized:
            raise FinalizedConflict(root, slot, fc.finalized.epoch) from None

        state = self.regen.state_of_block(parent).copy()
        log.debug("importing block slot %d parent slot %d", slot, int(state.slot))
        try:
            state_transition(self.config, state, block, signatures=self.signatures, ctx=self.ctx)
        except TransitionInvalidSignature as e:
            raise InvalidSignature(root, slot, str(e)) from None
        except StateTransitionError as e:
            raise InvalidBlock(root, slot, str(e)) from None
        except _UNEXPECTED as e:
            raise InvalidBlock(root, slot, f"{type(e).__name__}: {e}") from None

        change = fc.on_block(root, parent, slot,
                             Checkpoint.from_ssz(state.current_justified_checkpoint),
                             Checkpoint.from_ssz(state.finalized_checkpoint))
        self.regen.put(root, state)
        changed = self._block_attestation_votes(state, block)
        if change.justified:
            fc.set_justified_balances(
                justified_balances(self.config, self.regen.checkpoint_state(fc.justified),
                                   ctx=self.ctx))
        old_head, new_head = self._head, fc.get_head()
        parent_slot = fc.proto.slot(parent)
        with self.db.batch() as b:
            b.put_block(root, encode(block), slot, parent)
            if is_boundary(self.config, slot, parent_slot):
                b.put_state(root, encode(state))
            self._put_votes(b, changed)
            b.put_checkpoints((fc.justified.epoch, fc.justified.root),
                              (fc.finalized.epoch, fc.finalized.root))
            write_head_change(self.db, b, fc.proto, old_head, new_head)
        self._head = new_head
        if change.finalized:
            self._prune()
        if self.observer is not None:
            self.observer.on_block(root, block, state, self.ctx)
        return root

    def _block_attestation_votes(self, state, block) -> list[int]:
        """Count the block's (already verified) attestations as latest messages."""
        fc = self.fork_choice
        changed: list[int] = []
        for att in block.body.attestations:
            data = att.data
            target = bytes(data.beacon_block_root)
            if target not in fc:
                continue
            indices = get_attesting_indices(self.config, state, data, att.aggregation_bits,
                                            ctx=self.ctx)
            changed += fc.apply_votes(indices.tolist(), target, int(data.target.epoch))
        return changed

    def _put_votes(self, batch, validators) -> None:
        for v in set(validators):
            m = self.fork_choice.latest_message(v)
            if m is not None:
                batch.put_latest_message(v, m[0], m[1])

    def _prune(self) -> None:
        """Second batch after finalization: forget blocks finalization made irrelevant."""
        removed = self.fork_choice.prune()
        if not removed:
            return
        with self.db.batch() as b:
            for root in removed:
                summary = self.db.get_summary(root)
                if summary is not None and self.db.canonical_root(summary[0]) == root:
                    b.delete_summary(root)  # finalized history: keep block and state
                else:
                    b.delete_block(root)

    def on_tick(self, now: float) -> None:
        """Advance the fork choice's clock (v0.8.4 `on_tick`) and recompute the head, so
        votes folded in since the last import take effect without waiting for one."""
        self.fork_choice.on_tick(now)
        self._refresh_head()

    def _refresh_head(self) -> None:
        new_head = self.fork_choice.get_head()
        if new_head != self._head:
            with self.db.batch() as b:
                write_head_change(self.db, b, self.fork_choice.proto, self._head, new_head)
            self._head = new_head

    # -- attestations -----------------------------------------------------------------

    def import_attestation(self, attestation, signatures: Signatures | None = None) -> list[int]:
        """Apply a gossip/API attestation to the fork choice (on_attestation).

        Returns the validators whose latest message changed.

        Args:
            signatures: SKIP for a vote whose signature was already checked (gossip
                validation, or our own validator signed it); default: the chain's mode.

        Raises:
            UnknownAttestationBlock, FutureAttestation, InvalidAttestation.
        """
        fc = self.fork_choice
        data = attestation.data
        target = Checkpoint.from_ssz(data.target)
        block_root = bytes(data.beacon_block_root)
        fc.on_tick(self.now())
        try:
            fc.check_attestation_target(target, block_root)
        except UnknownBlockRoot as e:
            raise UnknownAttestationBlock(e.root, e.what) from None
        except FcFutureAttestation as e:
            raise FutureAttestation(e.reason) from None
        if fc.proto.slot(target.root) > target.epoch * self.config.SLOTS_PER_EPOCH:
            raise InvalidAttestation("target block is newer than the target epoch")
        state = self.regen.checkpoint_state(target)
        try:
            slot = get_attestation_data_slot(self.config, state, data, ctx=self.ctx)
            fc.check_attestation_slot(slot)
            indexed = get_indexed_attestation(self.config, state, attestation, ctx=self.ctx)
            validate_indexed_attestation(self.config, state, indexed, signatures or self.signatures,
                                         ctx=self.ctx)
        except FcFutureAttestation as e:
            raise FutureAttestation(e.reason) from None
        except (IndexedAttestationError, BlockProcessingError) as e:
            raise InvalidAttestation(str(e)) from None
        except _UNEXPECTED as e:
            raise InvalidAttestation(f"{type(e).__name__}: {e}") from None
        indices = [int(i) for i in indexed.custody_bit_0_indices] + [
            int(i) for i in indexed.custody_bit_1_indices]
        changed = fc.apply_votes(indices, block_root, target.epoch)
        if changed:
            old_head, new_head = self._head, fc.get_head()
            with self.db.batch() as b:
                self._put_votes(b, changed)
                write_head_change(self.db, b, fc.proto, old_head, new_head)
            self._head = new_head
        if self.observer is not None:
            self.observer.on_attestation(indexed)
        return changed

"""Fork-choice errors: each names the check of the v0.8.4 handlers that failed.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_fork-choice.md#handlers
"""
from __future__ import annotations


class ForkChoiceError(Exception):
    """Base of the fork-choice errors."""


class UnknownBlockRoot(ForkChoiceError):
    """A root the fork choice does not hold (unknown, or pruned by finalization)."""

    def __init__(self, root: bytes, what: str = "block"):
        self.root = bytes(root)
        self.what = what
        super().__init__(f"unknown {what} 0x{self.root.hex()}")


class DuplicateBlock(ForkChoiceError):
    def __init__(self, root: bytes):
        self.root = bytes(root)
        super().__init__(f"block 0x{self.root.hex()} is already in the fork choice")


class FutureBlock(ForkChoiceError):
    """on_block: `store.time >= genesis_time + block.slot * SECONDS_PER_SLOT` failed."""

    def __init__(self, slot: int, now: float, slot_start: float):
        self.slot, self.now, self.slot_start = slot, now, slot_start
        super().__init__(f"block slot {slot} starts at {slot_start}, now is {now:.3f}")


class NotDescendantOfFinalized(ForkChoiceError):
    """on_block: the block does not extend the finalized checkpoint."""

    def __init__(self, root: bytes, slot: int, finalized_epoch: int):
        self.root, self.slot, self.finalized_epoch = bytes(root), slot, finalized_epoch
        super().__init__(
            f"block 0x{self.root.hex()} at slot {slot} conflicts with finalized epoch "
            f"{finalized_epoch}")


class FutureAttestation(ForkChoiceError):
    """on_attestation: the target epoch or the attestation slot has not started/ended yet."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)

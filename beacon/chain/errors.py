"""Import-level errors of the chain; each member implies one action for the caller.

| error              | action of the caller (gossip / sync / RPC)                    |
|--------------------|---------------------------------------------------------------|
| UnknownParent      | hold the block, fetch the parent (by root), retry             |
| FutureSlot         | hold the block until its slot starts (gossip: ignore)         |
| AlreadyKnown       | ignore                                                        |
| FinalizedConflict  | ignore; a peer serving many of these is on another chain      |
| InvalidBlock       | reject and penalise the sender (InvalidSignature is one kind) |

Attestations mirror this: UnknownAttestationBlock (fetch the block), FutureAttestation
(hold), InvalidAttestation (reject, penalise).
"""
from __future__ import annotations


def _hex(b: bytes) -> str:
    return "0x" + bytes(b).hex()


class ChainError(Exception):
    """Base of the chain's errors."""


class BlockError(ChainError):
    """A block could not be imported. `root` and `slot` identify it for logs."""

    def __init__(self, root: bytes, slot: int, message: str):
        self.root = bytes(root)
        self.slot = int(slot)
        super().__init__(f"block {_hex(self.root)} (slot {self.slot}): {message}")


class UnknownParent(BlockError):
    def __init__(self, root: bytes, slot: int, parent_root: bytes):
        self.parent_root = bytes(parent_root)
        super().__init__(root, slot, f"unknown parent {_hex(parent_root)}")


class FutureSlot(BlockError):
    def __init__(self, root: bytes, slot: int, slot_start: float, now: float):
        self.slot_start, self.now = slot_start, now
        super().__init__(root, slot, f"slot starts at {slot_start}, now is {now:.3f}")


class AlreadyKnown(BlockError):
    def __init__(self, root: bytes, slot: int):
        super().__init__(root, slot, "already known")


class FinalizedConflict(BlockError):
    def __init__(self, root: bytes, slot: int, finalized_epoch: int):
        self.finalized_epoch = finalized_epoch
        super().__init__(root, slot, f"does not extend the finalized checkpoint (epoch "
                                     f"{finalized_epoch})")


class InvalidBlock(BlockError):
    """The state transition rejected the block; `reason` says which rule failed."""

    def __init__(self, root: bytes, slot: int, reason: str):
        self.reason = reason
        super().__init__(root, slot, f"invalid: {reason}")


class InvalidSignature(InvalidBlock):
    """One of the block's BLS signatures (proposer, randao, operations) is wrong."""


class AttestationError(ChainError):
    """An attestation could not be applied to the fork choice."""


class UnknownAttestationBlock(AttestationError):
    def __init__(self, root: bytes, what: str):
        self.root, self.what = bytes(root), what
        super().__init__(f"attestation {what} {_hex(root)} is unknown")


class FutureAttestation(AttestationError):
    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"attestation too early: {reason}")


class InvalidAttestation(AttestationError):
    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"invalid attestation: {reason}")


class StateUnavailable(ChainError):
    """A state that the chain cannot produce (before the anchor, unknown block)."""

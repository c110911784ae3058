"""Import-level errors of the chain; each member implies one action for the caller.

Every error class carries that action as two class attributes, read by the gossip
boundary (beacon/network/topics.py, the one place they become a libp2p verdict and a
peer report) and by sync:

| error                   | `gossip`  | `peer`  | what else happens                          |
|-------------------------|-----------|---------|--------------------------------------------|
| UnknownParent           | QUEUE     | NONE    | block quarantined, parent fetched by root  |
| FutureSlot              | IGNORE    | NONE    | a peer with a fast clock, not malice       |
| AlreadyKnown            | IGNORE    | NONE    |                                            |
| FinalizedConflict       | IGNORE    | NONE    | a peer serving many is on another chain    |
| InvalidBlock            | REJECT    | INVALID | InvalidSignature is one kind               |
| UnknownAttestationBlock | QUEUE     | NONE    | voted block fetched by root                |
| FutureAttestation       | IGNORE    | NONE    | held until its slot is over (chain task)   |
| InvalidAttestation      | REJECT    | INVALID |                                            |
| InvalidOperation        | REJECT    | INVALID | exit/slashing not applicable to the head   |
| StateUnavailable        | IGNORE    | NONE    | a query, never a verdict on a peer         |

The chain package never imports p2p: `PeerEffect` names the p2p `PeerAction` it maps
to (`PeerAction[effect.name]`), so adding a penalty here needs no table elsewhere.
"""
from __future__ import annotations

import enum


class GossipAction(enum.Enum):
    """What gossip does with a message (libp2p-pubsub verdicts plus QUEUE)."""
    ACCEPT = "accept"  # forward
    IGNORE = "ignore"  # drop, no penalty
    REJECT = "reject"  # drop; `peer` says the penalty
    QUEUE = "queue"    # drop for now: a missing block is being fetched (no penalty)


class PeerEffect(enum.Enum):
    """Peer-score effect of an error; each non-NONE name is a p2p.peers.PeerAction."""
    NONE = "none"
    INVALID_MESSAGE = "invalid_message"


def _hex(b: bytes) -> str:
    return "0x" + bytes(b).hex()


class ChainError(Exception):
    """Base of the chain's errors. `gossip` and `peer`: see the module table."""
    gossip = GossipAction.IGNORE
    peer = PeerEffect.NONE


class BlockError(ChainError):
    """A block could not be imported. `root` and `slot` identify it for logs."""

    def __init__(self, root: bytes, slot: int, message: str):
        self.root = bytes(root)
        self.slot = int(slot)
        super().__init__(f"block {_hex(self.root)} (slot {self.slot}): {message}")


class UnknownParent(BlockError):
    gossip = GossipAction.QUEUE

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
    gossip = GossipAction.REJECT
    peer = PeerEffect.INVALID_MESSAGE

    def __init__(self, root: bytes, slot: int, reason: str):
        self.reason = reason
        super().__init__(root, slot, f"invalid: {reason}")


class InvalidSignature(InvalidBlock):
    """One of the block's BLS signatures (proposer, randao, operations) is wrong."""


class AttestationError(ChainError):
    """An attestation could not be applied to the fork choice."""


class UnknownAttestationBlock(AttestationError):
    gossip = GossipAction.QUEUE

    def __init__(self, root: bytes, what: str):
        self.root, self.what = bytes(root), what
        super().__init__(f"attestation {what} {_hex(root)} is unknown")


class FutureAttestation(AttestationError):
    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"attestation too early: {reason}")


class InvalidAttestation(AttestationError):
    gossip = GossipAction.REJECT
    peer = PeerEffect.INVALID_MESSAGE

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"invalid attestation: {reason}")


class InvalidOperation(ChainError):
    """A voluntary exit or slashing that does not apply to the head state."""
    gossip = GossipAction.REJECT
    peer = PeerEffect.INVALID_MESSAGE

    def __init__(self, kind: str, reason: str):
        self.kind, self.reason = kind, reason
        super().__init__(f"invalid {kind}: {reason}")


class StateUnavailable(ChainError):
    """A state that the chain cannot produce (before the anchor, unknown block)."""

"""The chain service: imports blocks and attestations, keeps the head, serves stored data."""
from beacon.chain.anchor import anchor_checkpoint, anchor_root
from beacon.chain.chain import Chain
from beacon.chain.errors import (
    AlreadyKnown, AttestationError, BlockError, ChainError, FinalizedConflict, FutureAttestation,
    FutureSlot, GossipAction, InvalidAttestation, InvalidBlock, InvalidSignature, PeerEffect,
    StateUnavailable, UnknownAttestationBlock, UnknownParent,
)

__all__ = [
    "AlreadyKnown", "AttestationError", "BlockError", "Chain", "ChainError", "FinalizedConflict",
    "FutureAttestation", "FutureSlot", "GossipAction", "InvalidAttestation", "InvalidBlock", "InvalidSignature",
    "PeerEffect", "StateUnavailable", "UnknownAttestationBlock", "UnknownParent", "anchor_checkpoint",
    "anchor_root",
]

"""v0.8.4 LMD-GHOST fork choice on a proto-array with incremental vote weights."""
from beacon.fork_choice.errors import (
    DuplicateBlock, ForkChoiceError, FutureAttestation, FutureBlock, NotDescendantOfFinalized,
    UnknownBlockRoot,
)
from beacon.fork_choice.proto_array import ProtoArray
from beacon.fork_choice.store import Checkpoint, CheckpointChange, ForkChoice
from beacon.fork_choice.votes import VoteTracker

__all__ = [
    "Checkpoint", "CheckpointChange", "DuplicateBlock", "ForkChoice", "ForkChoiceError",
    "FutureAttestation", "FutureBlock", "NotDescendantOfFinalized", "ProtoArray",
    "UnknownBlockRoot", "VoteTracker",
]

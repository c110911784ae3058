"""The phase0 v0.8.4 state transition: slots, blocks, epochs.

    from beacon.state_transition import EpochContext, Signatures, process_slots, state_transition

    ctx = EpochContext(config)          # one per chain (or per thread of work)
    state_transition(config, state, block, ctx=ctx)
"""
from beacon.state_transition.block import process_block
from beacon.state_transition.context import EpochContext
from beacon.state_transition.epoch import process_epoch
from beacon.state_transition.errors import (
    BlockProcessingError, InvalidSignature, SlotProcessingError, StateRootMismatch,
    StateTransitionError,
)
from beacon.state_transition.signatures import Signatures
from beacon.state_transition.slot import process_slot, process_slots
from beacon.state_transition.transition import state_transition

__all__ = [
    "BlockProcessingError", "EpochContext", "InvalidSignature", "Signatures", "SlotProcessingError",
    "StateRootMismatch", "StateTransitionError", "process_block", "process_epoch",
    "process_slot", "process_slots", "state_transition",
]

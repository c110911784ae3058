"""The state transition function.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#beacon-chain-state-transition-function

`state_transition` mutates the state it is given; callers that keep the pre-state pass a
`.copy()` (remerkleable copies share the tree, so a copy is cheap).
"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext, context_for
from beacon.state_transition.block import process_block
from beacon.state_transition.errors import StateRootMismatch
from beacon.state_transition.signatures import Signatures
from beacon.state_transition.slot import process_slots


def state_transition(config: Config, state, block, *, signatures: Signatures = Signatures.VERIFY,
                     validate_state_root: bool = True, ctx: EpochContext | None = None):
    """Apply `block` to `state` (in place) and return the state.

    Args:
        ctx: the caller's `EpochContext` (committees, registry columns); a cold one is
            made for this call when None, which costs a full registry parse.
    Raises:
        SlotProcessingError: the block is older than the state.
        BlockProcessingError: the block is invalid (`InvalidSignature` for bad signatures,
            `StateRootMismatch` when the post-state root differs from `block.state_root`).
    """
    ctx = context_for(config, ctx)
    process_slots(config, state, int(block.slot), ctx=ctx)
    process_block(config, state, block, signatures, ctx=ctx)
    if validate_state_root:
        actual = bytes(state.hash_tree_root())
        if actual != bytes(block.state_root):
            raise StateRootMismatch(bytes(block.state_root), actual)
    return state

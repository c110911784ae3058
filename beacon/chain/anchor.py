"""Starting a chain from any BeaconState (genesis or later).

The anchor block is the state's latest block header; when the state is still at that
block's slot its header's state_root is zero (process_slot fills it in at the next
slot), so we fill it with the state's own root, as process_slot would.

Interop rule ("start from a specified state"): the anchor is trusted as both justified
and finalized, at the epoch of the anchor block's slot.
"""
from __future__ import annotations

from beacon.config import Config
from beacon.fork_choice import Checkpoint
from beacon.storage import ChainDB
from beacon.types import get_types
from ssz.codec import encode
from ssz.signing import signing_root


def anchor_header(state):
    header = state.latest_block_header.copy()
    if bytes(header.state_root) == b"\x00" * 32:
        header.state_root = state.hash_tree_root()
    return header


def anchor_root(state) -> bytes:
    return signing_root(anchor_header(state))


def anchor_checkpoint(config: Config, state) -> Checkpoint:
    header = anchor_header(state)
    return Checkpoint(int(header.slot) // config.SLOTS_PER_EPOCH, signing_root(header))


def anchor_block(config: Config, state):
    """The anchor's full block when its body is empty (genesis), else None.

    Only the header of a later anchor is known, so there is no block to serve for it.
    """
    T = get_types(config)
    header = anchor_header(state)
    block = T.BeaconBlock(slot=header.slot, parent_root=header.parent_root,
                          state_root=header.state_root, body=T.BeaconBlockBody(),
                          signature=header.signature)
    return block if signing_root(block) == signing_root(header) else None


def initialize(config: Config, db: ChainDB, state) -> Checkpoint:
    """Write the anchor into an empty database (one atomic batch)."""
    header = anchor_header(state)
    cp = anchor_checkpoint(config, state)
    block = anchor_block(config, state)
    db.initialize(preset=config.name, genesis_time=int(state.genesis_time), anchor_root=cp.root,
                  anchor_header_ssz=encode(header), anchor_slot=int(header.slot),
                  anchor_state_ssz=encode(state), checkpoint=(cp.epoch, cp.root),
                  anchor_block_ssz=None if block is None else encode(block))
    return cp

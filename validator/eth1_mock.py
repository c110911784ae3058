"""Mocked eth1 votes, the 2019 interop standard (no eth1 chain is followed).

Every client votes the same deterministic Eth1Data for a voting period, so the votes
agree and the chain's eth1_data changes in a predictable way:
    voting_period = current_epoch // (SLOTS_PER_ETH1_VOTING_PERIOD // SLOTS_PER_EPOCH)
    deposit_root  = sha256(voting_period as 32 bytes, little-endian)
    block_hash    = sha256(deposit_root)
    deposit_count = state.eth1_deposit_index
"""
from __future__ import annotations

from hashlib import sha256

from beacon.config import Config
from beacon.types import get_types


def voting_period(config: Config, epoch: int) -> int:
    return epoch // (config.SLOTS_PER_ETH1_VOTING_PERIOD // config.SLOTS_PER_EPOCH)


def mock_eth1_data(config: Config, state, epoch: int | None = None):
    """The Eth1Data to vote for in a block built on `state` (at the block's epoch).

    Args:
        state: the pre-state of the block, advanced to the block's slot.
        epoch: the block's epoch; defaults to the state's current epoch.
    """
    if epoch is None:
        epoch = int(state.slot) // config.SLOTS_PER_EPOCH
    deposit_root = sha256(voting_period(config, epoch).to_bytes(32, "little")).digest()
    return get_types(config).Eth1Data(
        deposit_root=deposit_root,
        deposit_count=int(state.eth1_deposit_index),
        block_hash=sha256(deposit_root).digest(),
    )

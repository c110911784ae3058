"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#eth1-data"""
from __future__ import annotations

from beacon.config import Config


def process_eth1_data(config: Config, state, body) -> None:
    vote = body.eth1_data
    state.eth1_data_votes.append(vote)
    root = vote.hash_tree_root()
    count = sum(1 for v in state.eth1_data_votes if v.hash_tree_root() == root)
    if count * 2 > config.SLOTS_PER_ETH1_VOTING_PERIOD:
        state.eth1_data = vote

"""Genesis from eth1 deposits.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#genesis

The spec recomputes `hash_tree_root(List[DepositData](leaves[:i+1]))` for every deposit,
quadratic in the deposit count; an incremental deposit tree gives the same roots in
O(depth) per deposit.
"""
from __future__ import annotations

from beacon.config import Config
from beacon.genesis.deposit_tree import DepositTree
from beacon.state_transition.block.operations.deposit import process_deposit
from beacon.state_transition.epoch.final_updates import get_compact_committees_root
from beacon.state_transition.errors import BlockProcessingError
from beacon.state_transition.merkle import uint64_list_root
from beacon.state_transition.context import EpochContext
from beacon.state_transition.signatures import Signatures
from beacon.types import get_types


class GenesisError(ValueError):
    """The deposits cannot form a genesis state (e.g. a deposit's proof is wrong)."""


def initialize_beacon_state_from_eth1(config: Config, eth1_block_hash: bytes, eth1_timestamp: int,
                                      deposits, signatures: Signatures = Signatures.VERIFY):
    T = get_types(config)
    # Genesis is built once: its caches (the pubkey index deposits look up) are its own.
    ctx = EpochContext(config)
    state = T.BeaconState(
        genesis_time=eth1_timestamp - eth1_timestamp % config.SECONDS_PER_DAY + 2 * config.SECONDS_PER_DAY,
        eth1_data=T.Eth1Data(block_hash=eth1_block_hash, deposit_count=len(deposits)),
        latest_block_header=T.BeaconBlockHeader(body_root=T.BeaconBlockBody().hash_tree_root()),
    )
    tree = DepositTree()
    for index, deposit in enumerate(deposits):
        tree.push(bytes(deposit.data.hash_tree_root()))
        eth1_data = state.eth1_data
        eth1_data.deposit_root = tree.root()
        state.eth1_data = eth1_data
        try:
            process_deposit(config, state, deposit, signatures, index, ctx=ctx)
        except BlockProcessingError as e:
            raise GenesisError(str(e)) from None

    validators = state.validators
    balances = state.balances
    for index in range(len(validators)):
        balance = int(balances[index])
        validator = validators[index]
        effective = min(balance - balance % config.EFFECTIVE_BALANCE_INCREMENT, config.MAX_EFFECTIVE_BALANCE)
        validator.effective_balance = effective
        if effective == config.MAX_EFFECTIVE_BALANCE:
            validator.activation_eligibility_epoch = config.GENESIS_EPOCH
            validator.activation_epoch = config.GENESIS_EPOCH
    state.validators = validators

    active = ctx.columns(state).active_indices(config.GENESIS_EPOCH)
    active_index_root = uint64_list_root(active.tolist(), config.VALIDATOR_REGISTRY_LIMIT)
    committee_root = get_compact_committees_root(config, state, config.GENESIS_EPOCH, ctx=ctx)
    vector_type = type(state.active_index_roots)
    state.active_index_roots = vector_type(*([active_index_root] * config.EPOCHS_PER_HISTORICAL_VECTOR))
    state.compact_committees_roots = vector_type(*([committee_root] * config.EPOCHS_PER_HISTORICAL_VECTOR))
    return state


def is_valid_genesis_state(config: Config, state) -> bool:
    if state.genesis_time < config.MIN_GENESIS_TIME:
        return False
    active = EpochContext(config).columns(state).active_indices(config.GENESIS_EPOCH)
    return len(active) >= config.MIN_GENESIS_ACTIVE_VALIDATOR_COUNT

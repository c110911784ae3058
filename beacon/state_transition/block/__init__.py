"""Block processing in spec order: header, RANDAO, eth1 data, operations.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#block-processing
"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext, context_for
from beacon.state_transition.block.eth1_data import process_eth1_data
from beacon.state_transition.block.header import process_block_header
from beacon.state_transition.block.operations.attestation import process_attestation
from beacon.state_transition.block.operations.attester_slashing import process_attester_slashing
from beacon.state_transition.block.operations.deposit import process_deposit
from beacon.state_transition.block.operations.proposer_slashing import process_proposer_slashing
from beacon.state_transition.block.operations.transfer import process_transfer
from beacon.state_transition.block.operations.voluntary_exit import process_voluntary_exit
from beacon.state_transition.block.randao import process_randao
from beacon.state_transition.errors import BlockProcessingError, check
from beacon.state_transition.mutators import BalanceOverflow
from beacon.state_transition.signatures import Signatures

OPERATIONS = (
    ("proposer_slashings", process_proposer_slashing),
    ("attester_slashings", process_attester_slashing),
    ("attestations", process_attestation),
    ("deposits", process_deposit),
    ("voluntary_exits", process_voluntary_exit),
    ("transfers", process_transfer),
)


def process_block(config: Config, state, block, signatures: Signatures = Signatures.VERIFY,
                  ctx: EpochContext | None = None) -> None:
    ctx = context_for(config, ctx)
    process_block_header(config, state, block, signatures, ctx=ctx)
    process_randao(config, state, block.body, signatures, ctx=ctx)
    process_eth1_data(config, state, block.body)
    process_operations(config, state, block.body, signatures, ctx=ctx)


def process_operations(config: Config, state, body, signatures: Signatures,
                       ctx: EpochContext | None = None) -> None:
    ctx = context_for(config, ctx)
    expected_deposits = min(config.MAX_DEPOSITS,
                            int(state.eth1_data.deposit_count) - int(state.eth1_deposit_index))
    check(len(body.deposits) == expected_deposits, "deposits",
          f"block has {len(body.deposits)} deposits, expected {expected_deposits}")
    transfer_roots = [t.hash_tree_root() for t in body.transfers]
    check(len(transfer_roots) == len(set(transfer_roots)), "transfers", "duplicate transfers")
    for field, function in OPERATIONS:
        for i, operation in enumerate(getattr(body, field)):
            apply_operation(function, config, state, operation, signatures, field[:-1], i, ctx=ctx)


def apply_operation(function, config, state, operation, signatures, name: str, index: int | None,
                    ctx: EpochContext | None = None) -> None:
    """Run one operation, turning helper failures (bad indices, overflow) into block errors."""
    try:
        function(config, state, operation, signatures, index, ctx=ctx)
    except BlockProcessingError:
        raise
    except (ValueError, IndexError, BalanceOverflow) as e:
        raise BlockProcessingError(name, str(e) or type(e).__name__, index) from None

"""Whether a voluntary exit or a slashing applies to a state: the spec's own processing
on a copy (with signatures), so "valid" means exactly "a block on this state could
include it".

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#operations
"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.block.operations.attester_slashing import process_attester_slashing
from beacon.state_transition.block.operations.proposer_slashing import process_proposer_slashing
from beacon.state_transition.block.operations.voluntary_exit import process_voluntary_exit
from beacon.state_transition.signatures import Signatures

# kind (also its gossip topic name) -> (spec processing, OperationPool method)
KINDS = {
    "voluntary_exit": (process_voluntary_exit, "add_voluntary_exit"),
    "proposer_slashing": (process_proposer_slashing, "add_proposer_slashing"),
    "attester_slashing": (process_attester_slashing, "add_attester_slashing"),
}


class OperationRejected(Exception):
    """The operation does not apply to the state; `reason` is the spec rule that failed."""

    def __init__(self, kind: str, reason: str):
        super().__init__(f"invalid {kind}: {reason}")
        self.kind = kind
        self.reason = reason


def check_operation(config: Config, state, kind: str, op) -> None:
    """Apply `op` to a copy of `state` with signatures verified.

    Raises:
        OperationRejected: any failed condition (the reason is the spec's, e.g.
            "validator has not been active long enough" or "invalid exit signature").
    """
    process = KINDS[kind][0]
    try:
        process(config, state.copy(), op, Signatures.VERIFY)
    except Exception as e:  # typed BlockProcessingError, or a helper's IndexError
        raise OperationRejected(kind, getattr(e, "reason", None) or f"{type(e).__name__}: {e}") from None


def add_to_pool(pool, kind: str, op) -> None:
    getattr(pool, KINDS[kind][1])(op)


def includable(config: Config, state, operations: dict, ctx=None) -> dict:
    """`operations` (BeaconBlockBody list fields) without the slashings and exits that
    would not apply to `state` (a state at the block's slot) in block order, then cut
    to the block's limits (MAX_PROPOSER_SLASHINGS...), so a stale candidate never takes
    the place of a good one.

    Applied one after the other on a copy, as process_operations would, so two that
    each apply alone but not together (a proposer slashing and an attester slashing of
    the same, single validator) do not make the block invalid. Signatures are not
    checked again: the pool only holds checked operations. Cost: a state copy and the
    processing of at most 16 + 1 + 16 operations, no BLS.
    """
    from beacon.state_transition.signatures import Signatures
    work = state.copy()
    out = dict(operations)
    for field, kind, limit in (
            ("proposer_slashings", "proposer_slashing", config.MAX_PROPOSER_SLASHINGS),
            ("attester_slashings", "attester_slashing", config.MAX_ATTESTER_SLASHINGS),
            ("voluntary_exits", "voluntary_exit", config.MAX_VOLUNTARY_EXITS)):
        kept = []
        for op in operations.get(field, ()):
            if len(kept) >= limit:
                break
            try:
                KINDS[kind][0](config, work, op, Signatures.SKIP, ctx=ctx)
            except Exception:  # stale (already applied) or in conflict with one kept
                continue
            kept.append(op)
        out[field] = kept
    return out

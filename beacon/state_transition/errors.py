"""Typed failures of the state transition.

Every `assert` of the spec's block processing becomes a `BlockProcessingError` naming the
operation, its index in the block and the reason, so callers can log and score peers
without parsing strings.
"""
from __future__ import annotations


class StateTransitionError(Exception):
    """Base of every failure the transition reports."""


class SlotProcessingError(StateTransitionError):
    """`process_slots` was asked to go backwards."""


class BlockProcessingError(StateTransitionError):
    """A block (or one of its operations) breaks a rule of the spec.

    Attributes:
        operation: spec name of the step, e.g. "attestation" or "block_header".
        index: position of the operation in the block body, when it has one.
        reason: what rule failed.
    """

    def __init__(self, operation: str, reason: str, index: int | None = None):
        self.operation = operation
        self.index = index
        self.reason = reason
        where = operation if index is None else f"{operation}[{index}]"
        super().__init__(f"{where}: {reason}")


class InvalidSignature(BlockProcessingError):
    """A BLS signature in the block does not verify."""


class StateRootMismatch(BlockProcessingError):
    def __init__(self, expected: bytes, actual: bytes):
        super().__init__("state_root", f"block says {expected.hex()}, post-state is {actual.hex()}")
        self.expected = expected
        self.actual = actual


def check(condition: bool, operation: str, reason: str, index: int | None = None) -> None:
    """Raise `BlockProcessingError` unless `condition` holds (the spec's `assert`)."""
    if not condition:
        raise BlockProcessingError(operation, reason, index)

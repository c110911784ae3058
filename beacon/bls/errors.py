"""Typed errors of beacon.bls.

Only signing, aggregation and key handling raise; the verify* functions turn every
`BLSError` into False because their inputs come from the network.
"""
from __future__ import annotations


class BLSError(ValueError):
    """Base class: bad keys, messages or point encodings."""


class DecodeError(BLSError):
    """Bytes that are not a valid compressed G1/G2 point of the prime-order subgroup."""


class InvalidPrivateKey(BLSError):
    """A private key outside [1, r)."""


class InvalidInput(BLSError):
    """A message hash that is not 32 bytes or a domain that is not 8 bytes."""


class BackendUnavailable(BLSError):
    """The requested backend cannot be loaded or failed its self-test."""

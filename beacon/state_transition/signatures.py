"""Whether and how the transition checks BLS signatures.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#bls-signatures
"""
from __future__ import annotations

import enum


class Signatures(enum.Enum):
    """How block signatures are treated.

    VERIFY: production. SKIP: the block's signatures are trusted (already verified, or we
    are building the block), but deposit proofs of possession are still checked because
    they decide the outcome, not the validity. OFF: BLS disabled entirely, like the spec
    tests' `bls_setting: 2`.
    """

    VERIFY = "verify"
    SKIP = "skip"
    OFF = "off"


def bls_verify(signatures: Signatures, pubkey: bytes, message_hash: bytes, signature: bytes,
               domain: bytes) -> bool:
    if signatures is not Signatures.VERIFY:
        return True
    from beacon import bls
    return bls.verify(bytes(pubkey), bytes(message_hash), bytes(signature), bytes(domain))


def bls_verify_multiple_aggregate(signatures: Signatures, pubkey_groups, message_hashes,
                                  signature: bytes, domain: bytes) -> bool:
    if signatures is not Signatures.VERIFY:
        return True
    from beacon import bls
    return bls.verify_multiple_aggregate(pubkey_groups, message_hashes, bytes(signature), bytes(domain))

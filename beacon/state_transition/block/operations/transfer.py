"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#transfers"""
from __future__ import annotations

from hashlib import sha256

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.errors import InvalidSignature, check
from beacon.state_transition.helpers import get_beacon_proposer_index, get_current_epoch, get_domain
from beacon.state_transition.mutators import decrease_balance, increase_balance
from beacon.state_transition.signatures import Signatures, bls_verify
from ssz.signing import signing_root

OP = "transfer"
UINT64_MAX = 2**64 - 1


def process_transfer(config: Config, state, transfer, signatures: Signatures, index=None,
                     ctx: EpochContext | None = None) -> None:
    sender, recipient = int(transfer.sender), int(transfer.recipient)
    amount, fee = int(transfer.amount), int(transfer.fee)
    n = len(state.validators)
    check(sender < n and recipient < n, OP, "unknown validator index", index)
    # The spec computes amount + fee in uint64, which raises on overflow.
    check(amount + fee <= UINT64_MAX, OP, "amount + fee overflows", index)
    balance = int(state.balances[sender])
    check(balance >= max(amount + fee, amount, fee), OP, "balance does not cover amount and fee", index)
    check(state.slot == transfer.slot, OP, "transfer is not for this slot", index)
    validator = state.validators[sender]
    check(validator.activation_eligibility_epoch == config.FAR_FUTURE_EPOCH
          or get_current_epoch(config, state) >= validator.withdrawable_epoch
          or balance >= amount + fee + config.MAX_EFFECTIVE_BALANCE,
          OP, "sender is neither ineligible, withdrawable nor left with MAX_EFFECTIVE_BALANCE", index)
    expected = config.BLS_WITHDRAWAL_PREFIX + sha256(bytes(transfer.pubkey)).digest()[1:]
    check(bytes(validator.withdrawal_credentials) == expected, OP,
          "pubkey does not match withdrawal credentials", index)
    if not bls_verify(signatures, transfer.pubkey, signing_root(transfer), transfer.signature,
                      get_domain(config, state, config.DOMAIN_TRANSFER)):
        raise InvalidSignature(OP, "invalid transfer signature", index)
    decrease_balance(state, sender, amount + fee)
    increase_balance(state, recipient, amount)
    increase_balance(state, get_beacon_proposer_index(config, state, ctx=ctx), fee)
    check(not (0 < int(state.balances[sender]) < config.MIN_DEPOSIT_AMOUNT), OP, "sender left with dust", index)
    check(not (0 < int(state.balances[recipient]) < config.MIN_DEPOSIT_AMOUNT), OP,
          "recipient left with dust", index)

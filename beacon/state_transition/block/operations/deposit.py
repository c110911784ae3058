"""Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#deposits"""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.context import EpochContext
from beacon.state_transition.errors import check
from beacon.state_transition.helpers import compute_domain, is_valid_merkle_branch
from beacon.state_transition.mutators import increase_balance
from beacon.state_transition.registry import validator_columns
from beacon.state_transition.signatures import Signatures, bls_verify
from beacon.types import get_types
from ssz.signing import signing_root

OP = "deposit"


def pubkey_index(state, ctx: EpochContext | None = None) -> dict:
    """pubkey -> validator index, cached with the registry columns."""
    cols = validator_columns(state, ctx=ctx)
    return cols.memo("pubkey_index", lambda: {pk: i for i, pk in enumerate(cols.pubkeys)})


def process_deposit(config: Config, state, deposit, signatures: Signatures, index=None,
                    ctx: EpochContext | None = None) -> None:
    check(is_valid_merkle_branch(
        leaf=deposit.data.hash_tree_root(),
        branch=deposit.proof,
        depth=config.DEPOSIT_CONTRACT_TREE_DEPTH + 1,  # +1 for the length mix-in
        index=int(state.eth1_deposit_index),
        root=state.eth1_data.deposit_root,
    ), OP, "invalid Merkle proof", index)
    state.eth1_deposit_index = int(state.eth1_deposit_index) + 1

    pubkey = bytes(deposit.data.pubkey)
    amount = int(deposit.data.amount)
    existing = pubkey_index(state, ctx=ctx).get(pubkey)
    if existing is None:
        # The deposit contract does not check proofs of possession; an invalid one makes the
        # deposit a no-op rather than the block invalid. Deposits are valid across forks, hence
        # compute_domain with the default fork version.
        domain = compute_domain(config.DOMAIN_DEPOSIT)
        if signatures is Signatures.SKIP:
            # Even when block signatures are trusted, a deposit's proof of possession decides
            # the outcome, so it is always checked.
            signatures = Signatures.VERIFY
        if not bls_verify(signatures, pubkey, signing_root(deposit.data), deposit.data.signature, domain):
            return
        T = get_types(config)
        far = config.FAR_FUTURE_EPOCH
        state.validators.append(T.Validator(
            pubkey=pubkey,
            withdrawal_credentials=deposit.data.withdrawal_credentials,
            activation_eligibility_epoch=far,
            activation_epoch=far,
            exit_epoch=far,
            withdrawable_epoch=far,
            effective_balance=min(amount - amount % config.EFFECTIVE_BALANCE_INCREMENT,
                                  config.MAX_EFFECTIVE_BALANCE),
        ))
        state.balances.append(amount)
    else:
        increase_balance(state, existing, amount)

"""Quick-start genesis of the 2019 interop "mocked start" standard.

Standard: https://github.com/ethereum/eth2.0-pm/tree/master/interop/mocked_start
(restated in issue 3). From `(genesis_time, validator_count)`:

    interop key i -> DepositData(pubkey, BLS_WITHDRAWAL_PREFIX + sha256(pubkey)[1:],
                                 MAX_EFFECTIVE_BALANCE, proof-of-possession signature)
                  -> Deposit(proof against the deposit tree right after deposit i, data)
    initialize_beacon_state_from_eth1(0x42 * 32, 2**40, deposits); genesis_time := T

`is_valid_genesis_state` is deliberately not run: MIN_GENESIS_TIME and the validator
count minimum do not apply to these coordinated starts.

Time budget: ~1 ms per validator for keys and signatures with the native BLS backend;
the deposit proofs are O(depth) each thanks to the incremental `DepositTree`.
"""
from __future__ import annotations

from hashlib import sha256

from remerkleable.tree import PairNode, Root, RootNode, subtree_fill_to_contents

from beacon.config import Config
from beacon.genesis.deposit_tree import DepositTree
from beacon.state_transition.helpers import compute_domain
from beacon.types import get_types
from ssz.signing import signing_root
from validator.keys import interop_privkey, interop_pubkey

INTEROP_ETH1_BLOCK_HASH = b"\x42" * 32
INTEROP_ETH1_TIMESTAMP = 2**40


def deposit_domain(config: Config) -> bytes:
    """v0.8.4 `compute_domain(DOMAIN_DEPOSIT)`: domain type + the default (zero) fork version.

    Deposits are signed without a fork so they stay valid across forks.
    """
    return compute_domain(config.DOMAIN_DEPOSIT)


def withdrawal_credentials(config: Config, pubkey: bytes) -> bytes:
    return bytes(config.BLS_WITHDRAWAL_PREFIX) + sha256(pubkey).digest()[1:]


def interop_deposit_data(config: Config, index: int):
    """Signed DepositData of interop validator `index` with MAX_EFFECTIVE_BALANCE."""
    from beacon import bls
    DepositData = get_types(config).DepositData
    pubkey = bytes(interop_pubkey(index))
    # Built from the fixed-size encoding: remerkleable's keyword constructor runs slow
    # typing checks per field, which dominated genesis time for 1,024 validators.
    message = (pubkey + withdrawal_credentials(config, pubkey)
               + config.MAX_EFFECTIVE_BALANCE.to_bytes(8, "little"))
    unsigned = DepositData.decode_bytes(message + bytes(96))
    signature = bls.sign(signing_root(unsigned), interop_privkey(index), deposit_domain(config))
    return DepositData.decode_bytes(message + bytes(signature))


def deposits_with_proofs(config: Config, datas) -> list:
    """Wrap DepositData in Deposits, each proven against the tree right after it."""
    T = get_types(config)
    tree = DepositTree()
    deposits = []
    for data in datas:
        index = tree.push(bytes(data.hash_tree_root()))
        deposits.append(_deposit(T.Deposit, tree.proof(index), data))
    return deposits


def _deposit(Deposit, proof: list[bytes], data):
    """`Deposit(proof=proof, data=data)`, assembled from tree nodes.

    remerkleable's constructor and decoder coerce each of the 33 proof items through slow
    `typing` protocol checks (~2 ms per deposit); building the backing tree directly
    gives the same view in microseconds.
    """
    proof_type = Deposit.fields()["proof"]
    proof_node = subtree_fill_to_contents([RootNode(Root(p)) for p in proof],
                                          proof_type.tree_depth())
    return Deposit.view_from_backing(PairNode(proof_node, data.get_backing()))


def interop_deposits(config: Config, validator_count: int) -> list:
    return deposits_with_proofs(
        config, (interop_deposit_data(config, i) for i in range(validator_count)))


def quickstart_state(config: Config, genesis_time: int, validator_count: int):
    """The interop quick-start genesis BeaconState.

    Raises:
        ValueError: a negative validator count or a genesis time outside uint64.
    """
    if validator_count < 0:
        raise ValueError(f"validator count must not be negative, got {validator_count}")
    if not 0 <= genesis_time < 2**64:
        raise ValueError(f"genesis time must fit in a uint64, got {genesis_time}")
    from beacon.genesis import initialize_beacon_state_from_eth1
    deposits = interop_deposits(config, validator_count)
    state = initialize_beacon_state_from_eth1(
        config, eth1_block_hash=INTEROP_ETH1_BLOCK_HASH,
        eth1_timestamp=INTEROP_ETH1_TIMESTAMP, deposits=deposits)
    state.genesis_time = genesis_time
    return state

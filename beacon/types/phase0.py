"""The phase0 containers, built once per preset by `get_types(config)`.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#containers

List limits and vector lengths depend on the preset, so the containers are made by a
factory instead of at module level; each preset gets its own classes and both can
live in one process.
"""
import functools

from remerkleable.bitfields import Bitlist, Bitvector
from remerkleable.complex import Container, List, Vector

from beacon.config import Config
from beacon.types.base import (
    BLSPubkey, BLSSignature, Bytes32, Epoch, Gwei, Hash, Shard, Slot, ValidatorIndex,
    Version, boolean, uint64,
)

# The order in which the spec defines them; also the names `by_name` knows.
CONTAINER_NAMES = (
    "Fork", "Checkpoint", "Validator", "Crosslink", "AttestationData",
    "AttestationDataAndCustodyBit", "IndexedAttestation", "PendingAttestation", "Eth1Data",
    "HistoricalBatch", "DepositData", "CompactCommittee", "BeaconBlockHeader",
    "ProposerSlashing", "AttesterSlashing", "Attestation", "Deposit", "VoluntaryExit",
    "Transfer", "BeaconBlockBody", "BeaconBlock", "BeaconState",
)


class Phase0Types:
    """Namespace of the containers of one preset; attributes are the spec names."""

    def __init__(self, config: Config, containers: dict):
        self.config = config
        self._containers = containers
        for name, cls in containers.items():
            setattr(self, name, cls)

    def by_name(self, name: str):
        """Container class by spec name; raises KeyError naming the known types."""
        try:
            return self._containers[name]
        except KeyError:
            raise KeyError(
                f"unknown type {name!r}; known: {', '.join(CONTAINER_NAMES)}") from None

    def names(self):
        return CONTAINER_NAMES

    def __repr__(self):
        return f"<Phase0Types {self.config.name}>"


@functools.cache
def get_types(config: Config) -> Phase0Types:
    c = config

    class Fork(Container):
        previous_version: Version
        current_version: Version
        epoch: Epoch

    class Checkpoint(Container):
        epoch: Epoch
        root: Hash

    class Validator(Container):
        pubkey: BLSPubkey
        withdrawal_credentials: Hash
        effective_balance: Gwei
        slashed: boolean
        activation_eligibility_epoch: Epoch
        activation_epoch: Epoch
        exit_epoch: Epoch
        withdrawable_epoch: Epoch

    class Crosslink(Container):
        shard: Shard
        parent_root: Hash
        start_epoch: Epoch
        end_epoch: Epoch
        data_root: Hash

    class AttestationData(Container):
        beacon_block_root: Hash
        source: Checkpoint
        target: Checkpoint
        crosslink: Crosslink

    class AttestationDataAndCustodyBit(Container):
        data: AttestationData
        custody_bit: boolean

    class IndexedAttestation(Container):
        custody_bit_0_indices: List[ValidatorIndex, c.MAX_VALIDATORS_PER_COMMITTEE]
        custody_bit_1_indices: List[ValidatorIndex, c.MAX_VALIDATORS_PER_COMMITTEE]
        data: AttestationData
        signature: BLSSignature

    class PendingAttestation(Container):
        aggregation_bits: Bitlist[c.MAX_VALIDATORS_PER_COMMITTEE]
        data: AttestationData
        inclusion_delay: Slot
        proposer_index: ValidatorIndex

    class Eth1Data(Container):
        deposit_root: Hash
        deposit_count: uint64
        block_hash: Hash

    class HistoricalBatch(Container):
        block_roots: Vector[Hash, c.SLOTS_PER_HISTORICAL_ROOT]
        state_roots: Vector[Hash, c.SLOTS_PER_HISTORICAL_ROOT]

    class DepositData(Container):
        pubkey: BLSPubkey
        withdrawal_credentials: Hash
        amount: Gwei
        signature: BLSSignature

    class CompactCommittee(Container):
        pubkeys: List[BLSPubkey, c.MAX_VALIDATORS_PER_COMMITTEE]
        compact_validators: List[uint64, c.MAX_VALIDATORS_PER_COMMITTEE]

    class BeaconBlockHeader(Container):
        slot: Slot
        parent_root: Hash
        state_root: Hash
        body_root: Hash
        signature: BLSSignature

    class ProposerSlashing(Container):
        proposer_index: ValidatorIndex
        header_1: BeaconBlockHeader
        header_2: BeaconBlockHeader

    class AttesterSlashing(Container):
        attestation_1: IndexedAttestation
        attestation_2: IndexedAttestation

    class Attestation(Container):
        aggregation_bits: Bitlist[c.MAX_VALIDATORS_PER_COMMITTEE]
        data: AttestationData
        custody_bits: Bitlist[c.MAX_VALIDATORS_PER_COMMITTEE]
        signature: BLSSignature

    class Deposit(Container):
        proof: Vector[Hash, c.DEPOSIT_CONTRACT_TREE_DEPTH + 1]
        data: DepositData

    class VoluntaryExit(Container):
        epoch: Epoch
        validator_index: ValidatorIndex
        signature: BLSSignature

    class Transfer(Container):
        sender: ValidatorIndex
        recipient: ValidatorIndex
        amount: Gwei
        fee: Gwei
        slot: Slot
        pubkey: BLSPubkey
        signature: BLSSignature

    class BeaconBlockBody(Container):
        randao_reveal: BLSSignature
        eth1_data: Eth1Data
        graffiti: Bytes32
        proposer_slashings: List[ProposerSlashing, c.MAX_PROPOSER_SLASHINGS]
        attester_slashings: List[AttesterSlashing, c.MAX_ATTESTER_SLASHINGS]
        attestations: List[Attestation, c.MAX_ATTESTATIONS]
        deposits: List[Deposit, c.MAX_DEPOSITS]
        voluntary_exits: List[VoluntaryExit, c.MAX_VOLUNTARY_EXITS]
        transfers: List[Transfer, c.MAX_TRANSFERS]

    class BeaconBlock(Container):
        slot: Slot
        parent_root: Hash
        state_root: Hash
        body: BeaconBlockBody
        signature: BLSSignature

    class BeaconState(Container):
        genesis_time: uint64
        slot: Slot
        fork: Fork
        latest_block_header: BeaconBlockHeader
        block_roots: Vector[Hash, c.SLOTS_PER_HISTORICAL_ROOT]
        state_roots: Vector[Hash, c.SLOTS_PER_HISTORICAL_ROOT]
        historical_roots: List[Hash, c.HISTORICAL_ROOTS_LIMIT]
        eth1_data: Eth1Data
        eth1_data_votes: List[Eth1Data, c.SLOTS_PER_ETH1_VOTING_PERIOD]
        eth1_deposit_index: uint64
        validators: List[Validator, c.VALIDATOR_REGISTRY_LIMIT]
        balances: List[Gwei, c.VALIDATOR_REGISTRY_LIMIT]
        start_shard: Shard
        randao_mixes: Vector[Hash, c.EPOCHS_PER_HISTORICAL_VECTOR]
        active_index_roots: Vector[Hash, c.EPOCHS_PER_HISTORICAL_VECTOR]
        compact_committees_roots: Vector[Hash, c.EPOCHS_PER_HISTORICAL_VECTOR]
        slashings: Vector[Gwei, c.EPOCHS_PER_SLASHINGS_VECTOR]
        previous_epoch_attestations: List[PendingAttestation, c.MAX_ATTESTATIONS * c.SLOTS_PER_EPOCH]
        current_epoch_attestations: List[PendingAttestation, c.MAX_ATTESTATIONS * c.SLOTS_PER_EPOCH]
        previous_crosslinks: Vector[Crosslink, c.SHARD_COUNT]
        current_crosslinks: Vector[Crosslink, c.SHARD_COUNT]
        justification_bits: Bitvector[c.JUSTIFICATION_BITS_LENGTH]
        previous_justified_checkpoint: Checkpoint
        current_justified_checkpoint: Checkpoint
        finalized_checkpoint: Checkpoint

    local = locals()
    return Phase0Types(config, {name: local[name] for name in CONTAINER_NAMES})

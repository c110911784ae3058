"""SSZ types of phase0 v0.8.4, built per preset.

Usage:
    T = get_types(config)
    state = T.BeaconState.decode_bytes(data)
"""
from beacon.types.base import (
    BLSPubkey, BLSSignature, Domain, DomainType, Epoch, Gwei, Hash, Shard, Slot,
    ValidatorIndex, Version, Bytes32, uint64, boolean,
)
from beacon.types.phase0 import Phase0Types, get_types

__all__ = [
    "BLSPubkey", "BLSSignature", "Domain", "DomainType", "Epoch", "Gwei", "Hash", "Shard",
    "Slot", "ValidatorIndex", "Version", "Bytes32", "uint64", "boolean",
    "Phase0Types", "get_types",
]

"""Preset-independent aliases of the spec's custom types.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#custom-types
"""
from remerkleable.basic import boolean, uint64
from remerkleable.byte_arrays import Bytes4, Bytes8, Bytes32, Bytes48, Bytes96

Slot = uint64
Epoch = uint64
Shard = uint64
ValidatorIndex = uint64
Gwei = uint64
Hash = Bytes32
Version = Bytes4
DomainType = Bytes4
Domain = Bytes8
BLSPubkey = Bytes48
BLSSignature = Bytes96

__all__ = [
    "boolean", "uint64", "Bytes4", "Bytes8", "Bytes32", "Bytes48", "Bytes96",
    "Slot", "Epoch", "Shard", "ValidatorIndex", "Gwei", "Hash", "Version", "DomainType",
    "Domain", "BLSPubkey", "BLSSignature",
]

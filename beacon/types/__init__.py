"""SSZ types of phase0 v0.8.4, built per preset.

Usage:
    T = get_types(config)
    state = T.BeaconState.decode_bytes(data)

`get_types` is the v0.8.4 factory kept for callers not yet on the protocol seam; code
that may run under another protocol asks `beacon.protocol.get_protocol(...).types(config)`.
"""
from beacon.types.base import (
    BLSPubkey, BLSSignature, Domain, DomainType, Epoch, Gwei, Hash, Shard, Slot,
    ValidatorIndex, Version, Bytes32, uint64, boolean,
)
from beacon.types import phase0
from beacon.types.phase0 import Phase0Types



def get_types(config) -> Phase0Types:
    """The v0.8.4 containers of `config`'s preset (what the DEFAULT protocol's `types` gives)."""
    return phase0.get_types(config)


__all__ = [
    "BLSPubkey", "BLSSignature", "Domain", "DomainType", "Epoch", "Gwei", "Hash", "Shard",
    "Slot", "ValidatorIndex", "Version", "Bytes32", "uint64", "boolean",
    "Phase0Types", "get_types",
]

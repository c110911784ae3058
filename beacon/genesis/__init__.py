"""Genesis states: from eth1 deposits (spec) and the interop quick-start."""
from beacon.genesis.eth1 import GenesisError, initialize_beacon_state_from_eth1, is_valid_genesis_state

__all__ = ["GenesisError", "initialize_beacon_state_from_eth1", "is_valid_genesis_state"]

"""Load presets in the spec's config YAML format into frozen `Config` values.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#constants
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, fields
from pathlib import Path

import yaml

PRESETS_DIR = Path(__file__).parent / "presets"


@dataclass(frozen=True)
class Config:
    """Every preset value of v0.8.4 phase0, plus the fixed spec constants.

    Byte-typed values (domains, prefixes, addresses) are `bytes`; the rest are `int`.
    """

    PRESET_BASE: str
    # Misc
    SHARD_COUNT: int
    TARGET_COMMITTEE_SIZE: int
    MAX_VALIDATORS_PER_COMMITTEE: int
    MIN_PER_EPOCH_CHURN_LIMIT: int
    CHURN_LIMIT_QUOTIENT: int
    SHUFFLE_ROUND_COUNT: int
    MIN_GENESIS_ACTIVE_VALIDATOR_COUNT: int
    MIN_GENESIS_TIME: int
    # Deposit contract
    DEPOSIT_CONTRACT_ADDRESS: bytes
    # Gwei values
    MIN_DEPOSIT_AMOUNT: int
    MAX_EFFECTIVE_BALANCE: int
    EJECTION_BALANCE: int
    EFFECTIVE_BALANCE_INCREMENT: int
    # Initial values
    GENESIS_SLOT: int
    BLS_WITHDRAWAL_PREFIX: bytes
    # Time parameters
    SECONDS_PER_SLOT: int
    MIN_ATTESTATION_INCLUSION_DELAY: int
    SLOTS_PER_EPOCH: int
    MIN_SEED_LOOKAHEAD: int
    ACTIVATION_EXIT_DELAY: int
    SLOTS_PER_ETH1_VOTING_PERIOD: int
    SLOTS_PER_HISTORICAL_ROOT: int
    MIN_VALIDATOR_WITHDRAWABILITY_DELAY: int
    PERSISTENT_COMMITTEE_PERIOD: int
    MAX_EPOCHS_PER_CROSSLINK: int
    MIN_EPOCHS_TO_INACTIVITY_PENALTY: int
    EARLY_DERIVED_SECRET_PENALTY_MAX_FUTURE_EPOCHS: int
    # State vector lengths
    EPOCHS_PER_HISTORICAL_VECTOR: int
    EPOCHS_PER_SLASHINGS_VECTOR: int
    HISTORICAL_ROOTS_LIMIT: int
    VALIDATOR_REGISTRY_LIMIT: int
    # Rewards and penalties
    BASE_REWARD_FACTOR: int
    WHISTLEBLOWER_REWARD_QUOTIENT: int
    PROPOSER_REWARD_QUOTIENT: int
    INACTIVITY_PENALTY_QUOTIENT: int
    MIN_SLASHING_PENALTY_QUOTIENT: int
    # Max operations per block
    MAX_PROPOSER_SLASHINGS: int
    MAX_ATTESTER_SLASHINGS: int
    MAX_ATTESTATIONS: int
    MAX_DEPOSITS: int
    MAX_VOLUNTARY_EXITS: int
    MAX_TRANSFERS: int
    # Signature domain types
    DOMAIN_BEACON_PROPOSER: bytes
    DOMAIN_RANDAO: bytes
    DOMAIN_ATTESTATION: bytes
    DOMAIN_DEPOSIT: bytes
    DOMAIN_VOLUNTARY_EXIT: bytes
    DOMAIN_TRANSFER: bytes
    DOMAIN_CUSTODY_BIT_CHALLENGE: bytes
    DOMAIN_SHARD_PROPOSER: bytes
    DOMAIN_SHARD_ATTESTER: bytes

    # Fixed constants of the spec (not preset values)
    FAR_FUTURE_EPOCH: int = 2**64 - 1
    BASE_REWARDS_PER_EPOCH: int = 5
    DEPOSIT_CONTRACT_TREE_DEPTH: int = 32
    SECONDS_PER_DAY: int = 86400
    JUSTIFICATION_BITS_LENGTH: int = 4
    GENESIS_EPOCH: int = 0

    def replace(self, **changes) -> "Config":
        """A copy with some values changed (e.g. a test's SECONDS_PER_SLOT)."""
        return dataclasses.replace(self, **changes)

    @property
    def name(self) -> str:
        return self.PRESET_BASE


_BYTES_FIELDS = {f.name for f in fields(Config) if f.type in ("bytes", bytes)}
_INT_FIELDS = {f.name for f in fields(Config) if f.type in ("int", int)}
_FIXED = {"FAR_FUTURE_EPOCH", "BASE_REWARDS_PER_EPOCH", "DEPOSIT_CONTRACT_TREE_DEPTH",
          "SECONDS_PER_DAY", "JUSTIFICATION_BITS_LENGTH", "GENESIS_EPOCH"}


class ConfigError(ValueError):
    """A preset file is missing a value, has an unknown key or a malformed value."""


def _parse(key: str, raw: str):
    if key in _BYTES_FIELDS:
        if not raw.startswith("0x"):
            raise ConfigError(f"{key}: expected a 0x-prefixed hex string, got {raw!r}")
        return bytes.fromhex(raw[2:])
    try:
        return int(raw, 0)
    except ValueError:
        raise ConfigError(f"{key}: expected an integer, got {raw!r}") from None


def load_config(text: str, name: str) -> Config:
    """Parse the spec's config YAML format.

    Values are read as strings (YAML's BaseLoader) because hex values such as
    `DOMAIN_RANDAO: 0x01000000` are byte strings, not numbers.
    """
    data = yaml.load(text, Loader=yaml.BaseLoader) or {}
    if not isinstance(data, dict):
        raise ConfigError("a config must be a mapping of NAME: value")
    values = {}
    for key, raw in data.items():
        if key in _FIXED or key == "PRESET_BASE":
            continue
        if key not in _BYTES_FIELDS and key not in _INT_FIELDS:
            raise ConfigError(f"unknown config key {key}")
        values[key] = _parse(key, str(raw))
    missing = (_BYTES_FIELDS | _INT_FIELDS) - _FIXED - set(values)
    if missing:
        raise ConfigError(f"config {name} lacks {', '.join(sorted(missing))}")
    return Config(PRESET_BASE=name, **values)


@functools.cache
def load_preset(name: str) -> Config:
    """The named preset shipped with the node: `minimal` or `mainnet`."""
    path = PRESETS_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(f"unknown preset {name!r} (choose minimal or mainnet)")
    return load_config(path.read_text(), name)


minimal = load_preset("minimal")
mainnet = load_preset("mainnet")

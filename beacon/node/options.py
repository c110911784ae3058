"""Node options: the validated result of the `run` command line.

Kept apart from argparse so tests and other entry points can build a node directly.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from beacon.config import Config, load_preset


class OptionsError(ValueError):
    """An option the user must fix (missing genesis on first start, bad multiaddr...)."""


@dataclass(frozen=True)
class NodeOptions:
    datadir: Path
    config: Config
    genesis_state: Path | None = None
    listen: str = "/ip4/127.0.0.1/tcp/9000"
    peers: tuple[str, ...] = ()
    p2p_key: str | None = None
    validator_indices: tuple[int, ...] = ()
    host: str = "127.0.0.1"
    http_port: int | None = 5052
    metrics_port: int | None = 8008
    log_level: str = "info"
    state_cache_size: int = 64  # hot post-block states (beacon.chain.regen.StateRegen)
    extra: dict = field(default_factory=dict)

    @classmethod
    def build(cls, *, datadir, genesis_state=None, preset="minimal", seconds_per_slot=None,
              listen="/ip4/127.0.0.1/tcp/9000", peers=(), p2p_key=None, validator_indices=(),
              http_port=5052, metrics_port=8008, log_level="info",
              state_cache_size=64) -> "NodeOptions":
        """Validate and assemble the options.

        Raises:
            OptionsError: a missing genesis file, a malformed address, duplicate indices.
        """
        config = load_preset(preset)
        if seconds_per_slot is not None:
            config = config.replace(SECONDS_PER_SLOT=int(seconds_per_slot))
        if genesis_state is not None and not os.path.isfile(genesis_state):
            raise OptionsError(f"genesis state file not found: {genesis_state}")
        for addr in (listen, *peers):
            if not addr.startswith("/ip4/") or "/tcp/" not in addr:
                raise OptionsError(f"unsupported multiaddr {addr!r} (expected /ip4/A/tcp/P...)")
        if p2p_key is not None:
            _check_p2p_key(p2p_key)
        if int(state_cache_size) < 1:
            raise OptionsError("--state-cache-size must be at least 1")
        if len(set(validator_indices)) != len(validator_indices):
            raise OptionsError("a validator index is given twice")
        return cls(datadir=Path(datadir), config=config,
                   genesis_state=Path(genesis_state) if genesis_state else None,
                   listen=listen, peers=tuple(peers), p2p_key=p2p_key,
                   validator_indices=tuple(validator_indices), http_port=http_port,
                   metrics_port=metrics_port, log_level=log_level,
                   state_cache_size=int(state_cache_size))


_HEX = re.compile(r"(0[xX])?[0-9a-fA-F]+")


def _check_p2p_key(value: str) -> None:
    """--p2p-key is hex or a file holding hex: anything not hex must be a readable file."""
    if _HEX.fullmatch(value.strip()):
        return
    if os.path.isdir(value):
        raise OptionsError(f"--p2p-key {value}: is a directory, expected a key file")
    if not os.path.isfile(value):
        raise OptionsError(f"--p2p-key {value}: no such file (and not a hex key)")

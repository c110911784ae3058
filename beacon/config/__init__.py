"""Chain configuration: the spec constants and a preset's values, as one frozen value.

A `Config` is passed explicitly into every spec function and type factory, so the
`minimal` and `mainnet` presets can be used side by side in one process.
"""
from beacon.config.preset import Config, load_config, load_preset, minimal, mainnet

__all__ = ["Config", "load_config", "load_preset", "minimal", "mainnet"]

"""Runner registry: one module per official test format.

Each runner module exposes `run(case: Case, config: Config) -> None`, which returns on
success, raises `CaseFailure` (or any exception) on a mismatch and `SkipCase(reason)` when
it cannot run the case. A format with no runner module counts every case as failed.
"""
from __future__ import annotations

import importlib

RUNNER_NAMES = (
    "bls", "ssz_generic", "ssz_static", "shuffling", "operations", "epoch_processing",
    "sanity", "genesis",
)


def get_runner(name: str):
    """The `run` function of runner `name`, or None when no module exists for it."""
    if name not in RUNNER_NAMES:
        return None
    try:
        module = importlib.import_module(f"spec_tests.runners.{name}")
    except ModuleNotFoundError as e:
        if e.name == f"spec_tests.runners.{name}":
            return None
        raise
    return module.run

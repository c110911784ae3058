"""Interop quick-start genesis time (deposits signed, proofs built, state initialised)."""
from __future__ import annotations

import time

from beacon.config import minimal
from beacon.genesis.quickstart import quickstart_state


def rows():
    for count in (64, 1024):
        start = time.perf_counter()
        quickstart_state(minimal, 1567777777, count)
        yield (f"quick-start genesis, minimal, {count} validators", time.perf_counter() - start, "s",
               "native BLS, incremental deposit tree")

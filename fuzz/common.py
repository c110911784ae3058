"""Shared pieces of the targets: the Target record, seed loading, sync coroutine driving."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

SPEC_TESTS_DIR = Path(os.environ.get("SPEC_TESTS_DIR",
                                     Path(__file__).resolve().parents[1] / "../shared/spec-tests/v0.8.4/tests"))
SSZ_STATIC = SPEC_TESTS_DIR / "minimal" / "phase0" / "ssz_static"
MAX_SEEDS_PER_TYPE = 24


@dataclass(frozen=True)
class Target:
    """`make()` builds the one-input function (imports happen there, under atheris's
    instrumentation); `seeds()` returns the starting corpus."""
    name: str
    make: Callable[[], Callable[[bytes], None]]
    seeds: Callable[[], list[bytes]]
    max_len: int = 4096


def ssz_static_seeds(type_name: str, limit: int = MAX_SEEDS_PER_TYPE) -> list[bytes]:
    """serialized.ssz of the type's ssz_static cases, smallest first (empty if absent)."""
    root = SSZ_STATIC / type_name
    if not root.is_dir():
        return []
    files = sorted(root.glob("*/case_*/serialized.ssz"), key=lambda p: (p.stat().st_size, str(p)))
    return [p.read_bytes() for p in files[:limit]]


def drive(coro):
    """Run a coroutine that never really suspends; its return value."""
    try:
        coro.send(None)
    except StopIteration as e:
        return e.value
    coro.close()
    raise AssertionError("the coroutine suspended; it must not wait on anything here")

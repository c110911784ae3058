"""Shared fixtures: deterministic keys and a way to run a test on a chosen backend."""
from __future__ import annotations

import random

import pytest

from beacon import bls
from beacon.bls.fields import R


@pytest.fixture
def on_backend():
    """Call with a backend name; the previous backend is restored afterwards."""
    previous = bls.backend_name()
    yield bls.use_backend
    bls.use_backend(previous)


@pytest.fixture
def native(on_backend):
    on_backend("native")


@pytest.fixture(scope="session")
def keys() -> list[int]:
    rng = random.Random(20190801)
    return [rng.randrange(1, R) for _ in range(8)]


def message(i: int) -> bytes:
    return i.to_bytes(4, "big") * 8


DOMAIN = bytes.fromhex("0100000000000000")

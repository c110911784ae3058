"""Swap-or-not shuffling, for one index and for a whole list at once.

Spec: https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/core/0_beacon-chain.md#compute_shuffled_index

`shuffled_positions` runs all indices through the rounds together with numpy, which is
what makes a 100,000-validator shuffle take milliseconds instead of seconds.
"""
from __future__ import annotations

from hashlib import sha256

import numpy as np


def compute_shuffled_index(index: int, index_count: int, seed: bytes, rounds: int) -> int:
    if not index < index_count:
        raise ValueError(f"index {index} out of range for {index_count} indices")
    for r in range(rounds):
        round_byte = r.to_bytes(1, "little")
        pivot = int.from_bytes(sha256(seed + round_byte).digest()[:8], "little") % index_count
        flip = (pivot + index_count - index) % index_count
        position = max(index, flip)
        source = sha256(seed + round_byte + (position // 256).to_bytes(4, "little")).digest()
        if (source[(position % 256) // 8] >> (position % 8)) & 1:
            index = flip
    return index


def shuffled_positions(index_count: int, seed: bytes, rounds: int) -> np.ndarray:
    """`out[i] == compute_shuffled_index(i, index_count, seed, rounds)` for every i."""
    n = index_count
    idx = np.arange(n, dtype=np.int64)
    if n <= 1:
        return idx
    blocks = (n + 255) // 256
    for r in range(rounds):
        round_byte = r.to_bytes(1, "little")
        pivot = int.from_bytes(sha256(seed + round_byte).digest()[:8], "little") % n
        source = b"".join(
            sha256(seed + round_byte + b.to_bytes(4, "little")).digest() for b in range(blocks))
        bits = np.unpackbits(np.frombuffer(source, dtype=np.uint8), bitorder="little")
        flip = (pivot - idx) % n
        position = np.maximum(idx, flip)
        idx = np.where(bits[position].astype(bool), flip, idx)
    return idx

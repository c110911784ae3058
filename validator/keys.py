"""Interop validator keys (the 2019 "mocked start" standard).

privkey(i) = int.from_bytes(sha256(i.to_bytes(32, "little")), "little") % CURVE_ORDER
"""
from __future__ import annotations

import functools
from hashlib import sha256

CURVE_ORDER = 52435875175126190479447740508185965837690552500527637822603658699938581184513


def interop_privkey(index: int) -> int:
    return int.from_bytes(sha256(index.to_bytes(32, "little")).digest(), "little") % CURVE_ORDER


@functools.lru_cache(maxsize=None)
def interop_pubkey(index: int) -> bytes:
    from beacon import bls
    return bls.privtopub(interop_privkey(index))

"""BLS timings for both backends, in milliseconds per call.

"fresh" rows use a new message per call, so hash_to_G2 is inside the figure; "cached"
rows repeat a message whose hash (and every pubkey) is already in the LRU caches, as
in block processing where attestations share messages and validators repeat. Each
pure row carries its ratio to the native one.
"""
from __future__ import annotations

import itertools
import os
from typing import Callable, Iterator

from beacon import bls
from bench.util import best_of

DOMAIN = bytes.fromhex("0100000000000000")
_TARGETS = {"verify, cached": 2.5, "fast_aggregate_verify 128 keys, cached": 3.0}


def _fresh_messages() -> Callable[[], bytes]:
    counter = itertools.count(1 << 64)  # never a message used for setup
    return lambda: next(counter).to_bytes(32, "big")


def _cases(repeat: int, number: int) -> Iterator[tuple[str, float]]:
    keys = list(range(1000, 1128))
    pubkeys = [bls.privtopub(k) for k in keys]
    fresh = _fresh_messages()
    fixed = bytes(range(32))
    sig = bls.sign(fixed, keys[0], DOMAIN)
    sigs2 = bls.aggregate_signatures([sig, bls.sign(bytes(32), keys[1], DOMAIN)])
    agg_sig = bls.aggregate_signatures([bls.sign(fixed, k, DOMAIN) for k in keys])
    from beacon.bls import _backend
    assert bls.fast_aggregate_verify(pubkeys, fixed, agg_sig, DOMAIN)  # warms both caches

    def timed(fn: Callable[[], object]) -> float:
        return best_of(fn, repeat=repeat, number=number) * 1e3

    yield "hash_to_G2, fresh message", timed(lambda: bls.hash_to_G2(fresh(), DOMAIN))
    yield "sign, fresh message", timed(lambda: bls.sign(fresh(), keys[0], DOMAIN))
    yield "verify, cached", timed(lambda: bls.verify(pubkeys[0], fixed, sig, DOMAIN))
    yield "verify, fresh message (invalid)", timed(
        lambda: bls.verify(pubkeys[0], fresh(), sig, DOMAIN))
    yield "verify_multiple 2 messages, cached", timed(
        lambda: bls.verify_multiple(pubkeys[:2], [fixed, bytes(32)], sigs2, DOMAIN))
    yield "fast_aggregate_verify 128 keys, cached", timed(
        lambda: bls.fast_aggregate_verify(pubkeys, fixed, agg_sig, DOMAIN))
    yield "pubkey decompression (uncached, subgroup check)", timed(
        lambda: _backend.decode_g1(pubkeys[5]))


def rows():
    previous = bls.backend_name()
    try:
        bls.use_backend("native")
        # Many short repeats: the best one is the least disturbed by other processes.
        native = dict(_cases(repeat=40, number=2))
        bls.use_backend("pure")
        pure = dict(_cases(repeat=1, number=1))
    finally:
        bls.use_backend(previous)
    load = f"load avg {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    for label, ms in native.items():
        target = _TARGETS.get(label)
        note = f"target <= {target} ms" if target else load
        yield f"bls native: {label}", ms, "ms", note
    for label, ms in pure.items():
        yield f"bls pure: {label}", ms, "ms", f"pure/native = {ms / native[label]:.0f}x"

"""Chain benchmarks: block import rate with signatures, get_head at 100k validators, memory.

Rows:
- blocks imported per second: a 10-epoch minimal chain, 64 interop validators, every
  validator attesting (so each block carries one aggregate per slot), full signature
  checks, LevelDB writes included; chain building is not timed.
- get_head: proto-array over 256 and 8192 blocks (a bushy tip: several long forks) and
  100,000 validators' latest messages: after all votes arrive, after one slot's worth
  (1/32) change, and after a new justified balance set re-weights everyone.
- resident memory of the process after these runs (VmHWM, peak RSS).
"""
from __future__ import annotations

import random
import tempfile
import time

from beacon.config import minimal
from beacon.fork_choice import Checkpoint, ForkChoice


def _import_rate():
    from tests.harness import ChainHarness
    h = ChainHarness(validators=64)
    slots = range(1, 10 * minimal.SLOTS_PER_EPOCH + 1)
    t = time.perf_counter()
    blocks = h.build_chain(h.genesis_root, slots)
    build = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as d:
        chain = h.open_chain(d)
        t = time.perf_counter()
        for b in blocks:
            chain.import_block(b)
        elapsed = time.perf_counter() - t
        fin = chain.finalized_checkpoint.epoch
        chain.db.close()
    return len(blocks) / elapsed, f"{len(blocks)} blocks, finalized epoch {fin}; build {build:.1f}s"


def _get_head(validators: int = 100_000, blocks: int = 256):
    rng = random.Random(1)
    root = lambda i: i.to_bytes(32, "big")  # noqa: E731
    cp = Checkpoint(0, root(1))
    fc = ForkChoice(minimal, 0, root(1), 0, cp, cp)
    fc.on_tick(10**9)
    slots = {root(1): 0}
    for i in range(2, blocks + 2):
        parent = rng.choice(list(slots)[-4:])  # a bushy tip: several live forks
        fc.proto.add(root(i), parent, slots[parent] + 1)
        slots[root(i)] = slots[parent] + 1
    fc.set_justified_balances([32 * 10**9] * validators)
    roots = list(slots)
    t = time.perf_counter()
    for v0 in range(0, validators, 128):  # committees of 128 voting together
        fc.apply_votes(range(v0, min(v0 + 128, validators)), rng.choice(roots[-32:]), 1)
    votes_time = time.perf_counter() - t
    t = time.perf_counter()
    fc.get_head()
    full = time.perf_counter() - t
    per_slot = validators // 32
    t = time.perf_counter()
    for v0 in range(0, per_slot, 128):
        fc.apply_votes(range(v0, min(v0 + 128, per_slot)), rng.choice(roots[-8:]), 2)
    fc.get_head()
    incremental = time.perf_counter() - t
    # A new justified state: every validator's balance changes, so all votes move.
    fc.set_justified_balances([31 * 10**9] * validators)
    t = time.perf_counter()
    fc.get_head()
    recount = time.perf_counter() - t
    return votes_time, full, incremental, recount


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rows():
    rate, note = _import_rate()
    yield ("chain: blocks imported/s (minimal, 64 validators, sigs on)", rate, "blocks/s", note)
    for blocks in (256, 8192):
        votes_time, full, incremental, recount = _get_head(blocks=blocks)
        tree = f"{blocks} blocks"
        yield (f"chain: record 100k latest messages ({tree})", votes_time * 1000, "ms",
               "782 aggregates of 128")
        yield (f"chain: get_head, 100k new votes, {tree}", full * 1000, "ms", "first head")
        yield (f"chain: get_head after 3125 votes change, {tree}", incremental * 1000, "ms",
               "one slot of votes, incl. recording")
        yield (f"chain: get_head after justified balances change, {tree}", recount * 1000, "ms",
               "all 100k votes re-weighted")
    yield ("chain: peak resident memory", _peak_rss_mb(), "MB", "whole bench process so far")

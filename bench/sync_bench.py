"""Range sync from one peer: the blocks/s a fresh node imports while it catches up.

Node A (`beacon-node run`, no validators) starts on a datadir that already holds a
minimal chain of EPOCHS epochs built with 64 interop validators, every validator
attesting, so each block carries its slot's aggregates. Node B starts empty, dials A and
range-syncs with every signature checked and every block written to LevelDB. The rate
runs from B's first imported block to its head reaching A's, read from B's API every
POLL seconds. Baseline, same run: the same blocks imported in this process by one
`Chain` (no network, no processes), which bounds what sync can reach on this machine.
A and B share the machine's cores with each other and with the poller.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

EPOCHS = 32
SECONDS_PER_SLOT = 6  # the clock barely moves during the sync: no new slots to chase
POLL = 0.2


def _build(epochs: int):
    """(harness, blocks), the genesis time put so that the wall clock is at the tip."""
    from beacon.config import minimal
    from tests.harness import ChainHarness

    slots = epochs * minimal.SLOTS_PER_EPOCH
    h = ChainHarness(validators=64, genesis_time=int(time.time()) - (slots + 1) * SECONDS_PER_SLOT)
    return h, h.build_chain(h.genesis_root, range(1, slots + 1))


def _import_in_process(h, blocks, datadir: Path) -> float:
    chain = h.open_chain(datadir)
    try:
        start = time.perf_counter()
        for b in blocks:
            chain.import_block(b)
        return len(blocks) / (time.perf_counter() - start)
    finally:
        chain.db.close()


def _sync(h, tip: int, work: Path) -> tuple[float, float, int]:
    """(blocks/s, seconds, blocks synced) for B range-syncing from A, whose datadir in
    `work` already holds the chain up to slot `tip`."""
    from ssz.codec import encode
    from tests.node.cluster import Node, wait_for

    genesis = work / "genesis.ssz"
    genesis.write_bytes(encode(h.genesis))
    a = Node("A", work, genesis, validators=None, seconds_per_slot=SECONDS_PER_SLOT)
    b = Node("B", work, genesis, validators=None, seconds_per_slot=SECONDS_PER_SLOT)
    try:
        a.start()
        b.peers = [a.multiaddr(timeout=60)]
        b.start()
        wait_for(lambda: b.head_slot() > 0, 120, a, b, interval=POLL)
        first_slot, start = b.head_slot(), time.perf_counter()
        wait_for(lambda: b.head_slot() >= tip, 600, a, b, interval=POLL)
        took = time.perf_counter() - start
        return (tip - first_slot) / took, took, tip - first_slot
    finally:
        for n in (b, a):
            try:
                n.stop(timeout=20)
            except AssertionError:
                pass  # stop() killed it; a bench does not fail on a slow stop


def rows():
    t = time.perf_counter()
    h, blocks = _build(EPOCHS)
    build = time.perf_counter() - t
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as d:
        work = Path(d)
        (work / "A").mkdir()
        # The baseline import fills A's datadir: the chain A then serves.
        baseline = _import_in_process(h, blocks, work / "A" / "chain")
        rate, took, synced = _sync(h, int(blocks[-1].slot), work)
    yield ("sync: in-process import (baseline)", baseline, "blocks/s",
           f"{len(blocks)} blocks, minimal, 64 validators, sigs on; build {build:.0f}s")
    yield ("sync: range sync from one peer", rate, "blocks/s",
           f"{synced} blocks in {took:.1f}s, {rate / baseline:.2f}x baseline")

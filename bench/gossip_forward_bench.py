"""Gossip block forward latency through a 3-node line A -> B -> C while B imports.

B runs the node's real block topic (beacon/network/block_topic.py) over a chain task
with 64 interop validators; A publishes signed blocks of slots 1..N; C only listens.
B's chain imports every block it forwards, and each import is made to take at least
`IMPORT_SECONDS` (a busy loop after the real import), so every block after the first
arrives while an import runs in B's worker thread.

Forward latency = (C receives the block) - (B's validator is handed it): B's checks
(slot window, seen, proposer signature in its own worker thread) plus one loopback hop.
All three nodes share this process and the 2 cores, so the hop is pessimistic.
"""
from __future__ import annotations

import logging
import statistics
import tempfile
import time
from pathlib import Path

import trio

VALIDATORS = 64
BLOCKS = 12
IMPORT_SECONDS = 0.5


def _blocks(config, genesis, n):
    from ssz.signing import signing_root
    from validator import production
    from validator.keys import interop_privkey
    header = genesis.latest_block_header.copy()
    header.state_root = genesis.hash_tree_root()
    parent, state, out = signing_root(header), genesis, []
    for slot in range(1, n + 1):
        block, state = production.propose(config, state, parent, slot, interop_privkey)
        out.append(block)
        parent = signing_root(block)
    return out


async def _run(tmp: Path, import_seconds: float) -> list:
    from beacon.api.metrics import NodeMetrics
    from beacon.chain.op_pool import OperationPool
    from beacon.chain.service import ChainService
    from beacon.config import minimal as C
    from beacon.genesis.quickstart import quickstart_state
    from beacon.network.block_topic import BlockTopic
    from beacon.network.topics import GossipBoundary
    from beacon.node.chain_open import open_chain
    from beacon.node.clock import SlotClock
    from p2p.gossip import Topic
    from ssz.codec import encode
    from tests.p2p.harness import connect, node, wait_until

    # The clock is in slot BLOCKS + 1: every block's slot has started, and the node is
    # "following" (its head within an epoch of the clock), as in a live network.
    genesis = quickstart_state(C, int(time.time()) - (BLOCKS + 1) * C.SECONDS_PER_SLOT,
                               VALIDATORS)
    blocks = _blocks(C, genesis, BLOCKS)
    (tmp / "genesis.ssz").write_bytes(encode(genesis))
    chain = open_chain(C, tmp / "b", tmp / "genesis.ssz")
    real_import = chain.import_block

    def slow_import(block):
        started = time.monotonic()
        root = real_import(block)
        while time.monotonic() - started < import_seconds:
            sum(range(1000))
        return root
    chain.import_block = slow_import
    cs = ChainService(chain, C, NodeMetrics(), OperationPool(C))
    clock = SlotClock(int(genesis.genesis_time), C.SECONDS_PER_SLOT, C.SLOTS_PER_EPOCH)
    handed, received, busy = {}, {}, []
    try:
        async with trio.open_nursery() as nursery:
            await nursery.start(cs.run)
            cs.request_tick()  # as the slot loop does: facts for the clock's epoch
            async with node() as a, node() as b, node() as c:
                topic = BlockTopic(C, cs, clock)
                validate = GossipBoundary(b.peers).validator(topic)

                async def timed(block, peer):
                    if int(block.slot) not in handed:  # first of its two topic names
                        handed[int(block.slot)] = time.perf_counter()
                        busy.append(cs._exclusive.locked())  # an import is in flight
                    return await validate(block, peer)
                b.gossip.set_validator(Topic.BEACON_BLOCK, timed)
                await connect(a, b)
                await connect(b, c)
                t = Topic.BEACON_BLOCK.topic_id
                await wait_until(lambda: {a.peer_id, c.peer_id} <= {
                    p.to_base58() for p in b.host.gossipsub.mesh.get(t, ())}, timeout=20)

                async def listen():
                    async for m in c.gossip_messages:
                        if m.topic == t:
                            received.setdefault(int(m.value.slot), time.perf_counter())
                nursery.start_soon(listen)
                for block in blocks:
                    await a.publish(Topic.BEACON_BLOCK, block)
                    await trio.sleep(0.15)  # a new block while the last one imports
                with trio.move_on_after(30):
                    while len(received) < len(blocks):
                        await trio.sleep(0.05)
            nursery.cancel_scope.cancel()
    finally:
        chain.db.close()
    lat = [(received[s] - handed[s]) * 1000 for s in received if s in handed]
    during = sum(busy)
    what = f"imports >= {import_seconds:.1f} s" if import_seconds else "real imports only"
    note = (f"{len(lat)}/{BLOCKS} forwarded, {during} arrived during an import "
            f"({what}), {VALIDATORS} validators, one process")
    label = "B importing" if import_seconds else "baseline"
    return [(f"gossip block forward A->B->C, median ({label})", statistics.median(lat),
             "ms", note),
            (f"gossip block forward A->B->C, max ({label})", max(lat), "ms", note)]


def rows():
    import sys

    import libp2p  # noqa: F401 - slow first import, outside the harness's start timeout

    from beacon.node.node import GIL_SWITCH_INTERVAL
    logging.getLogger("libp2p").setLevel(logging.WARNING)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)  # as run_node sets it
    try:
        out = []
        for seconds in (0.0, IMPORT_SECONDS):
            with tempfile.TemporaryDirectory(prefix="bench-forward-") as tmp:
                out += trio.run(_run, Path(tmp), seconds)
        return out
    finally:
        sys.setswitchinterval(previous)

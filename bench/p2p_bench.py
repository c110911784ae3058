"""P2P benchmarks, all in one process on loopback (both ends share the 2 cores):

* gossip messages/s through a 3-node line A -> B -> C (Noise + mplex), B validating;
* latency of one 64-block beacon_blocks_by_range request (best of 20);
* RSS growth over 5,000 request streams on one mplex connection (leak check).
"""
from __future__ import annotations

import logging
import os
import time

import trio

N_GOSSIP = 500


def _rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


async def _run() -> list:
    from p2p.api import ValidationResult
    from p2p.gossip import Topic
    from tests.p2p.fakechain import T
    from tests.p2p.harness import connect, node, wait_until

    rows = []
    async with node() as a, node() as b, node() as c:
        async def ok(value, peer):
            return ValidationResult.ACCEPT
        b.gossip.set_validator(Topic.BEACON_ATTESTATION, ok)
        await connect(a, b)
        await connect(b, c)
        t = Topic.BEACON_ATTESTATION.topic_id
        await wait_until(lambda: {a.peer_id, c.peer_id} <= {
            p.to_base58() for p in b.host.gossipsub.mesh.get(t, ())}, timeout=10)
        msgs = [T.Attestation(data=T.AttestationData(beacon_block_root=i.to_bytes(32, "little")))
                for i in range(N_GOSSIP)]
        start = time.perf_counter()
        got = 0

        async def receive():
            nonlocal got
            while got < N_GOSSIP:
                await c.gossip_messages.receive()
                got += 1

        with trio.move_on_after(120):
            async with trio.open_nursery() as n:
                n.start_soon(receive)
                for m in msgs:
                    await a.publish(Topic.BEACON_ATTESTATION, m)
        elapsed = time.perf_counter() - start
        rows.append(("p2p gossip through 3-node line (A->B->C)", got / elapsed, "msg/s",
                     f"{got}/{N_GOSSIP} delivered, Noise+mplex, one process"))

        head = c.chain.head.hash_tree_root()
        best = float("inf")
        for _ in range(20):
            t0 = time.perf_counter()
            blocks = await b.blocks_by_range(c.peer_id, head, 0, 66)   # slots 5, 7 empty
            best = min(best, time.perf_counter() - t0)
        rows.append(("p2p beacon_blocks_by_range 64 blocks latency", best * 1e3, "ms",
                     f"{len(blocks)} blocks (minimal preset, empty bodies), best of 20"))

        for _ in range(200):
            await a.request_status(b.peer_id)
        rss0 = _rss_kib()
        t0 = time.perf_counter()
        for _ in range(5000):
            await a.request_status(b.peer_id)
        el = time.perf_counter() - t0
        rows.append(("p2p RSS growth over 5000 mplex request streams", _rss_kib() - rss0,
                     "KiB", f"one connection; {el / 5000 * 1e3:.1f} ms per status round trip"))
    return rows


def rows():
    logging.getLogger("libp2p").setLevel(logging.CRITICAL)
    yield from trio.run(_run)

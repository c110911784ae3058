"""The trio thread stays responsive while the chain imports a slow block.

A monkeypatched import spins the CPU for 2 s (in the chain's worker thread, holding the
GIL in turns as a real state transition does). Meanwhile the slot clock ticks every
0.2 s (the node's slot loop: wake up, ask for a tick) and an HTTP client asks the Beacon
API twice per tick. With the import on the trio thread, the ticks and answers caught
behind it would be up to 2 s late.

Thresholds: the typical (median) tick lateness and answer latency during the import
exceed those measured just before it, without the import, by less than 100 ms; and none
waits for the import (each under 1.5 s of its 2 s). The maximum is not held to 100 ms:
on a machine shared with other jobs (load 8 on 2 cores while this was written) the same
measurement without any import already peaks at 60-160 ms, and a full garbage
collection in either thread stops both (one answer took 0.95 s in ~10 runs).
"""
import statistics
import sys
import time

import trio

from beacon.api.server import serve_api
from beacon.node.clock import SlotClock
from beacon.node.node import GIL_SWITCH_INTERVAL
from beacon.node.views import NodeView
from tests.api.harness import get
from tests.chain.test_service import build_chain, open_service

IMPORT_SECONDS = 2.0
LIMIT = 0.100


def test_slot_ticks_and_http_answers_are_not_delayed_by_a_slow_import(tmp_path, genesis16):
    blocks, _ = build_chain(genesis16, 1)
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    window = {}

    def slow_import(block):
        window["start"] = time.monotonic()
        deadline = window["start"] + IMPORT_SECONDS
        while time.monotonic() < deadline:  # CPU-bound, like a state transition
            sum(range(1000))
        window["end"] = time.monotonic()
        return b"\x00" * 32

    clock = SlotClock(int(time.time()) - 1, 0.2, 8)
    lateness, latencies = [], []

    async def ticks():
        async for slot in clock.slots():
            lateness.append((time.monotonic(), clock.now() - clock.slot_start(slot)))
            cs.request_tick()  # what the node's slot loop does; must not wait

    async def http(port):
        for path in ("/eth/v1/node/syncing", "/eth/v1/beacon/states/head/finality_checkpoints"):
            started = time.monotonic()
            status, _, _ = await get(port, path)
            assert status == 200
            latencies.append((started, time.monotonic() - started))

    async def main():
        async with trio.open_nursery() as nursery:
            await nursery.start(cs.run)
            port = await nursery.start(serve_api, NodeView(cs.config, cs, clock=clock),
                                       "127.0.0.1", 0)
            await http(port)  # warm up the app (first request builds routes)
            latencies.clear()
            nursery.start_soon(ticks)
            for _ in range(8):  # the baseline: this machine's noise, no import
                await http(port)
                await trio.sleep(0.1)
            window["baseline_end"] = time.monotonic()
            cs.chain.import_block = slow_import
            assert cs.enqueue_block(blocks[0], "gossip", "peer")
            while "start" not in window:
                await trio.sleep(0.01)
            while "end" not in window:
                await http(port)
                await trio.sleep(0.1)
            nursery.cancel_scope.cancel()

    previous = sys.getswitchinterval()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)  # as run_node sets it
    try:
        trio.run(main)
    finally:
        sys.setswitchinterval(previous)
        cs.chain.db.close()
    inside = lambda t: window["start"] <= t <= window["end"]  # noqa: E731
    during_ticks = [late for t, late in lateness if inside(t)]
    during_http = [lat for t, lat in latencies if inside(t)]
    before = lambda t: t < window["baseline_end"]  # noqa: E731
    base_ticks = [late for t, late in lateness if before(t)]
    base_http = [lat for t, lat in latencies if before(t)]
    assert len(during_ticks) >= 5 and len(during_http) >= 10  # measured while it ran
    for values, base in ((during_ticks, base_ticks), (during_http, base_http)):
        assert statistics.median(values) < statistics.median(base) + LIMIT, (values, base)
        assert max(values) < IMPORT_SECONDS * 0.75, values

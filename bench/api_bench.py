"""Beacon API under load: 500 concurrent requests against a real node producing blocks.

A `beacon-node run` subprocess (16 validators, 2 s slots, loopback) serves the API
while its validators propose and attest; this process opens 500 connections at once,
each sending one GET, and reports latency percentiles from connect to the last byte.
A last row sends the same 500 requests over 50 keep-alive connections (10 each).
Client and node share the machine's cores, so the figures include the client's cost.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import trio

CONCURRENCY = 500
KEEPALIVE_CONNECTIONS = 50  # clients that reuse connections, as validator clients do
PATHS = ("/eth/v1/node/version", "/eth/v1/beacon/headers/head",
         "/eth/v1/beacon/states/head/finality_checkpoints")


async def _one(port: int, path: str, gate: trio.Event, out: list, errors: list) -> None:
    await gate.wait()
    start = trio.current_time()
    try:
        stream = await trio.open_tcp_stream("127.0.0.1", port)
        async with stream:
            await stream.send_all(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                  .encode())
            data = b""
            while chunk := await stream.receive_some(65536):
                data += chunk
        if not data.startswith(b"HTTP/1.1 200"):
            errors.append(data[:40])
            return
    except OSError as e:  # counted, not fatal: a refused connect is a result here
        errors.append(repr(e))
        return
    out.append(trio.current_time() - start)


async def _keepalive(port: int, path: str, gate: trio.Event, out: list, errors: list) -> None:
    """CONCURRENCY / KEEPALIVE_CONNECTIONS requests in a row on one connection."""
    await gate.wait()
    request = f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    try:
        stream = await trio.open_tcp_stream("127.0.0.1", port)
        async with stream:
            buf = b""
            for _ in range(CONCURRENCY // KEEPALIVE_CONNECTIONS):
                start = trio.current_time()
                await stream.send_all(request)
                while b"\r\n\r\n" not in buf:
                    buf += await stream.receive_some(65536)
                head, _, buf = buf.partition(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length:")))
                while len(buf) < length:
                    buf += await stream.receive_some(65536)
                buf = buf[length:]
                if not head.startswith(b"HTTP/1.1 200"):
                    errors.append(head[:40])
                    continue
                out.append(trio.current_time() - start)
    except OSError as e:  # counted, not fatal: a broken connection is a result here
        errors.append(repr(e))


async def _burst(port: int, path: str, keepalive: bool = False) -> tuple[list[float], list, float]:
    latencies, errors = [], []
    gate = trio.Event()
    with trio.fail_after(60):
        async with trio.open_nursery() as nursery:
            if keepalive:
                for _ in range(KEEPALIVE_CONNECTIONS):
                    nursery.start_soon(_keepalive, port, path, gate, latencies, errors)
            else:
                for _ in range(CONCURRENCY):
                    nursery.start_soon(_one, port, path, gate, latencies, errors)
            await trio.sleep(0.1)
            started = trio.current_time()
            gate.set()
    return latencies, errors, trio.current_time() - started


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    import os
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def rows():
    from tests.node.cluster import Node, make_genesis, wait_for

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        genesis = tmp / "genesis.ssz"
        make_genesis(genesis, 16, delay=1)
        node = Node("bench", tmp, genesis, validators="0:16", seconds_per_slot=2).start()
        try:
            wait_for(lambda: node.head_slot() >= 2, 60, node)
            before = node.head_slot()
            t0 = time.monotonic()
            for path, keepalive in [(p, False) for p in PATHS] + [(PATHS[1], True)]:
                cpu = _cpu_seconds(node.proc.pid)
                lat, errors, wall = trio.run(_burst, node.http_port, path, keepalive)
                cpu = _cpu_seconds(node.proc.pid) - cpu
                ms = [x * 1000 for x in lat]
                note = (f"p50 {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms, "
                        f"{len(lat)} ok / {len(errors)} failed, burst {wall * 1000:.0f} ms "
                        f"({len(lat) / wall:.0f} req/s), node CPU {cpu / CONCURRENCY * 1000:.1f} "
                        "ms/req incl. block production")
                how = (f"{KEEPALIVE_CONNECTIONS} keep-alive conns" if keepalive
                       else "new connections")
                yield (f"API p99, {CONCURRENCY} GET {path} ({how})", _pct(ms, 99), "ms", note)
            slots = (time.monotonic() - t0) / 2
            produced = node.head_slot() - before
            yield ("API bench: blocks imported during the bursts", produced, "blocks",
                   f"{slots:.1f} slots elapsed (the node kept producing)")
        finally:
            node.stop()
            node.kill()

"""Attestation signature checks, many per worker-thread hop.

Gossip validators run concurrently (pubsub runs up to 10 at a time); each hands its
check to `SignatureBatch.verify` and waits. The batch task takes every check queued by
then (up to `MAX_BATCH`) into one `trio.to_thread.run_sync` call, so a burst of votes
at the attestation deadline costs one thread hop instead of one each.

The checks themselves stay one BLS verification per attestation: combining different
signatures into one pairing check is only sound with random per-signature scalars
(Lighthouse's batch verification), which our BLS backends do not expose; summing
signatures without them lets two invalid ones cancel out.

Runs in worker threads, beside the chain's import: checks may read only immutable
inputs (the snapshot's `EpochFacts`, the decoded message).
"""
from __future__ import annotations

import logging
from typing import Callable

import trio

log = logging.getLogger(__name__)

MAX_BATCH = 64
QUEUE = 1024


class _Job:
    __slots__ = ("check", "ok", "done")

    def __init__(self, check: Callable[[], bool]):
        self.check = check
        self.ok = False
        self.done = trio.Event()


def _run_all(checks: list[Callable[[], bool]]) -> list[bool]:
    out = []
    for check in checks:
        try:
            out.append(bool(check()))
        except (ValueError, IndexError, KeyError, TypeError) as e:
            # Malformed input past the handler's shape checks (an index outside the
            # registry): the message is invalid, not our bug.
            log.debug("signature check failed: %s: %s", type(e).__name__, e)
            out.append(False)
    return out


class SignatureBatch:
    def __init__(self):
        self._send, self._recv = trio.open_memory_channel(QUEUE)
        self.batches = 0  # thread hops made (for tests and the benchmark)

    async def verify(self, check: Callable[[], bool]) -> bool | None:
        """Run `check` in a worker thread with others queued now; None: queue full."""
        job = _Job(check)
        try:
            self._send.send_nowait(job)
        except trio.WouldBlock:
            return None
        await job.done.wait()
        return job.ok

    async def run(self, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
        async with self._recv:
            task_status.started()
            async for job in self._recv:
                batch = [job]
                while len(batch) < MAX_BATCH:
                    try:
                        batch.append(self._recv.receive_nowait())
                    except trio.WouldBlock:
                        break
                results = await trio.to_thread.run_sync(_run_all, [j.check for j in batch])
                self.batches += 1
                for j, ok in zip(batch, results):
                    j.ok = ok
                    j.done.set()

"""Catch-up sync: range sync from peers that are ahead, and parent lookups by root.

In: peer statuses from the handshake (`on_peer_status`), lookup requests from the chain
task and the attestation topic (a block or vote whose parent/target is unknown). Out:
blocks submitted to the chain task, in slot order, as source "sync" or "lookup"; our
head and finality come from the chain's published snapshot.

Range sync asks one peer at a time for `BATCH` slots from just after our finalized
slot, and moves on while the peer keeps giving blocks we can import, until our head
reaches the slot the peer announced. Blocks we already have cost only a duplicate
check. Lookups fetch one root from the peer that sent us its child; a chain of unknown
parents is walked back at most `MAX_LOOKUP_DEPTH` times (the rest is range sync's job).
Every request runs under the p2p layer's timeouts; a failing peer just ends the attempt.
"""
from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass

import trio

from beacon.chain.errors import AlreadyKnown, GossipAction
from beacon.chain.service import ChainService, LookupRequest
from p2p.errors import P2PError

log = logging.getLogger(__name__)


class InvalidSyncBlock(Exception):
    """A peer served a block the chain rejects: this sync attempt ends."""

BATCH = 64
MAX_LOOKUP_DEPTH = 32
STATUS_QUEUE = 32
RATE_WINDOW = 30.0  # seconds of imports the blocks/s figure averages over
LOG_INTERVAL = 5.0  # seconds between two sync progress lines


@dataclass(frozen=True)
class SyncSnapshot:
    target_slot: int
    distance: int  # slots between our head and the peer's announced head
    blocks_per_second: float
    eta_seconds: float | None  # None until a rate is known


class SyncProgress:
    """Range-sync progress: distance, blocks/s over a sliding window, and an ETA.

    Written by the range-sync task after each block; read by the API
    (`/eth/v1/node/syncing`) and by the progress log line (every `LOG_INTERVAL`).
    """

    def __init__(self, now=time.monotonic):
        self._now = now
        self._target: int | None = None
        self._samples: deque[tuple[float, int]] = deque()  # (time, blocks imported)
        self._last_log = 0.0

    def start(self, target_slot: int) -> None:
        self._target = target_slot
        self._samples.clear()
        self._samples.append((self._now(), 0))

    def record(self, imported: int) -> None:
        now = self._now()
        self._samples.append((now, imported))
        # Keep the oldest sample inside the window as the rate's time origin.
        while len(self._samples) > 2 and now - self._samples[1][0] > RATE_WINDOW:
            self._samples.popleft()

    def log_due(self) -> bool:
        """True at most once per `LOG_INTERVAL`, so a long batch still shows progress."""
        now = self._now()
        if now - self._last_log < LOG_INTERVAL:
            return False
        self._last_log = now
        return True

    def finish(self) -> None:
        self._target = None
        self._samples.clear()

    def snapshot(self, head_slot: int) -> SyncSnapshot | None:
        """None when no range sync is running."""
        if self._target is None:
            return None
        distance = max(0, self._target - head_slot)
        elapsed = self._now() - self._samples[0][0] if self._samples else 0.0
        blocks = sum(n for _, n in list(self._samples)[1:])
        rate = blocks / elapsed if elapsed > 0 else 0.0
        eta = distance / rate if rate > 0 else None
        return SyncSnapshot(self._target, distance, rate, eta)

    def log_line(self, head_slot: int) -> str:
        s = self.snapshot(head_slot)
        if s is None:
            return "not syncing"
        eta = "unknown" if s.eta_seconds is None else f"{s.eta_seconds:.0f} s"
        return (f"head {head_slot} of {s.target_slot}, distance {s.distance} slots, "
                f"{s.blocks_per_second:.1f} blocks/s, ETA {eta}")


class SyncService:
    def __init__(self, config, chain_service: ChainService, network):
        self.config = config
        self.cs = chain_service
        self.network = network  # request_blocks_by_range(peer, ...) / request_blocks_by_root(peer, roots)
        self._status_send, self._status_recv = trio.open_memory_channel(STATUS_QUEUE)
        self._lookups_seen: dict[bytes, int] = {}
        self.progress = SyncProgress()

    def on_peer_status(self, peer, head_slot: int, head_root: bytes) -> None:
        """Called by the network after a handshake; never blocks."""
        try:
            self._status_send.send_nowait((peer, head_slot, bytes(head_root)))
        except trio.WouldBlock:
            pass  # a flood of handshakes; the next one will do

    async def run(self, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(self._range_loop)
            nursery.start_soon(self._lookup_loop)
            task_status.started()

    # --- range sync ---------------------------------------------------------
    async def _range_loop(self) -> None:
        async with self._status_recv:
            async for peer, head_slot, head_root in self._status_recv:
                if head_slot <= self.cs.snapshot.head_slot:
                    continue
                self.progress.start(head_slot)
                try:
                    await self._range_sync(peer, head_slot, head_root)
                except (P2PError, InvalidSyncBlock) as e:  # a bad peer ends this attempt
                    log.info("range sync from %s stopped: %s", _short(peer), e)
                finally:
                    self.progress.finish()

    async def _range_sync(self, peer, target_slot: int, head_root: bytes) -> None:
        fin_epoch, _ = self.cs.snapshot.finalized
        start = fin_epoch * self.config.SLOTS_PER_EPOCH + 1
        log.info("syncing from %s: slots %d..%d", _short(peer), start, target_slot)
        while start <= target_slot:
            blocks = await self.network.request_blocks_by_range(
                peer, head_root, start, BATCH, 1)
            imported = 0
            for block in sorted(blocks, key=lambda b: int(b.slot)):
                error = await self.cs.import_block(block, "sync", peer)
                if error is not None and error.gossip is GossipAction.REJECT:
                    raise InvalidSyncBlock(str(error))
                counted = error is None or isinstance(error, AlreadyKnown)
                imported += counted
                self.progress.record(int(counted))
                if self.progress.log_due():
                    log.info("sync: %s", self.progress.log_line(self.cs.snapshot.head_slot))
            start += BATCH
            if not blocks and start > target_slot:
                break
        log.info("synced from %s up to slot %d (head now %d)", _short(peer), target_slot,
                 self.cs.snapshot.head_slot)

    # --- parent lookups -------------------------------------------------------
    async def _lookup_loop(self) -> None:
        async with self.cs.lookup_recv:
            async for req in self.cs.lookup_recv:
                await self._lookup(req)

    async def _lookup(self, req: LookupRequest) -> None:
        if req.peer is None or self.cs.snapshot.knows_block(req.root):
            return
        depth = self._lookups_seen.get(req.root, 0)
        if depth >= MAX_LOOKUP_DEPTH or len(self._lookups_seen) > 4096:
            self._lookups_seen.clear()
            return
        self._lookups_seen[req.root] = depth + 1
        try:
            blocks = await self.network.request_blocks_by_root(req.peer, [req.root])
        except P2PError as e:
            log.debug("lookup of %s from %s failed: %s", req.root.hex()[:12], _short(req.peer), e)
            return
        for block in blocks:
            if block is not None:
                # Its own unknown parent (if any) comes back here through the chain task.
                await self.cs.import_block(block, "lookup", req.peer)


def _short(peer) -> str:
    text = str(peer)
    return text[-8:] if len(text) > 8 else text

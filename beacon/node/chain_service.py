"""The chain task: the only code that writes to the chain.

Gossip, range sync, parent lookups and our own validator all send `ImportRequest`s into
one bounded channel; this task imports them one at a time and answers each on its
reply channel with an `ImportOutcome`, which gossip turns into ACCEPT/IGNORE/REJECT
and a peer action:

    gossip ─┐
    sync   ─┼─> [import channel, bounded] ─> ChainService.run ─> chain.import_* ─> outcome
    lookup ─┤                                   │ parent unknown -> quarantine + lookup
    local  ─┘                                   └ head moved -> metrics, waiters woken

Blocks whose parent is unknown wait in a small quarantine keyed by parent root and are
retried when the parent arrives; the parent is requested by root from the sending peer.
Readers (HTTP API, validator duties) read the chain synchronously on the trio thread;
imports also run on the trio thread, so a reader never sees a half-applied import.
"""
from __future__ import annotations

import enum
import logging
import time
from dataclasses import dataclass

import trio

from beacon.node import chain_adapter as ca
from ssz.signing import signing_root

log = logging.getLogger(__name__)

IMPORT_QUEUE_SIZE = 256
QUARANTINE_LIMIT = 256
DEFERRED_LIMIT = 4096
LOOKUP_QUEUE_SIZE = 64
IMPORTED_PER_SLOT_LIMIT = 64


class Outcome(enum.Enum):
    IMPORTED = "imported"  # ACCEPT: forward
    KNOWN = "known"  # IGNORE: duplicate, no penalty
    UNKNOWN_PARENT = "unknown_parent"  # IGNORE: quarantined, parent requested
    DEFERRED = "deferred"  # ACCEPT: voted block known, applied once its slot is over
    IGNORED = "ignored"  # IGNORE: too old / future / not now
    INVALID = "invalid"  # REJECT: penalise the sender


@dataclass
class ImportRequest:
    kind: str  # "block" | "attestation"
    obj: object
    source: str  # "gossip" | "sync" | "lookup" | "local"
    peer: object = None
    reply: trio.MemorySendChannel | None = None


@dataclass
class ImportOutcome:
    outcome: Outcome
    reason: str = ""


@dataclass
class LookupRequest:
    root: bytes
    peer: object


class ChainService:
    """Owns the chain; see the module docstring for the data flow."""

    def __init__(self, chain, config, metrics=None, pool=None):
        self.chain = chain
        self.config = config
        self.metrics = metrics
        self.pool = pool
        self.import_send, self._import_recv = trio.open_memory_channel(IMPORT_QUEUE_SIZE)
        self.lookup_send, self.lookup_recv = trio.open_memory_channel(LOOKUP_QUEUE_SIZE)
        self._quarantine: dict[bytes, list[ImportRequest]] = {}
        # v0.8.4 on_attestation only counts a vote once its slot is over, but gossip
        # carries votes during their slot: hold those and apply them at the next tick.
        self._deferred: list[ImportRequest] = []
        self._imported_by_slot: dict[int, list[bytes]] = {}  # for the orphaned-blocks metric
        self._head_changed = trio.Event()
        self._last_head = ca.head(chain)
        if metrics is not None:
            metrics.set_head(self._last_head[1], self._last_head[0])

    # --- public API for other services -----------------------------------------
    async def submit(self, kind: str, obj, source: str, peer=None) -> ImportOutcome:
        """Queue an import and wait for its outcome (backpressure: waits when full)."""
        send, recv = trio.open_memory_channel(1)
        await self.import_send.send(ImportRequest(kind, obj, source, peer, send))
        async with recv:
            return await recv.receive()

    async def wait_for_block_at(self, slot: int) -> None:
        """Return once the head is at `slot` or later."""
        while ca.head(self.chain)[1] < slot:
            await self._head_changed.wait()

    # --- the task ----------------------------------------------------------------
    async def run(self, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
        async with self._import_recv:
            task_status.started()
            async for req in self._import_recv:
                result = self._process(req)
                if req.reply is not None:
                    try:
                        req.reply.send_nowait(result)
                    except (trio.WouldBlock, trio.BrokenResourceError):
                        pass  # the requester gave up (cancelled); nothing to tell
                await trio.sleep(0)  # let gossip and the API breathe between imports

    def _process(self, req: ImportRequest) -> ImportOutcome:
        if req.kind == "block":
            result = self._import_block(req)
            if result.outcome is Outcome.IMPORTED:
                self._release_children(signing_root(req.obj))
            return result
        if req.kind == "attestation":
            return self._import_attestation(req)
        if req.kind == "tick":
            self._tick(req.obj)
            return ImportOutcome(Outcome.IMPORTED)
        return ImportOutcome(Outcome.INVALID, f"unknown kind {req.kind}")

    async def tick(self, now: float) -> None:
        """Advance the fork choice's clock and apply the votes held for it."""
        await self.submit("tick", now, "clock")

    def _tick(self, now: float) -> None:
        ca.on_tick(self.chain, now)
        deferred, self._deferred = self._deferred, []
        for req in deferred:
            self._import_attestation(req, retry=True)
        self._after_head_may_have_moved()

    def _import_block(self, req: ImportRequest) -> ImportOutcome:
        block = req.obj
        started = time.perf_counter()
        try:
            ca.import_block(self.chain, block)
        except ca.AlreadyKnown:
            return ImportOutcome(Outcome.KNOWN)
        except ca.ParentUnknown:
            self._quarantine_block(req)
            return ImportOutcome(Outcome.UNKNOWN_PARENT)
        except ca.NotNow as e:
            return ImportOutcome(Outcome.IGNORED, str(e))
        except ca.Invalid as e:
            log.info("rejected block at slot %d from %s: %s", int(block.slot), req.source, e)
            if self.metrics:
                self.metrics.beacon_blocks_rejected_total.inc(reason=type(e).__name__)
            return ImportOutcome(Outcome.INVALID, str(e))
        elapsed = time.perf_counter() - started
        roots = self._imported_by_slot.setdefault(int(block.slot), [])
        if len(roots) < IMPORTED_PER_SLOT_LIMIT:  # equivocating proposers: a metric, capped
            roots.append(signing_root(block))
        log.debug("imported block slot %d %s from %s in %.0f ms", int(block.slot),
                  signing_root(block).hex()[:12], req.source, elapsed * 1000)
        if self.metrics:
            self.metrics.beacon_block_import_seconds.observe(elapsed)
            self.metrics.beacon_blocks_imported_total.inc()
        self._after_head_may_have_moved()
        return ImportOutcome(Outcome.IMPORTED)

    def _import_attestation(self, req: ImportRequest, retry: bool = False) -> ImportOutcome:
        att = req.obj
        try:
            ca.import_attestation(self.chain, att)
        except ca.AlreadyKnown:
            return ImportOutcome(Outcome.KNOWN)
        except ca.ParentUnknown as e:
            # The voted block is unknown: fetch it; the vote itself is dropped (the
            # block's own attestations and later votes carry the weight).
            self._request_lookup(bytes(att.data.beacon_block_root), req.peer)
            return ImportOutcome(Outcome.UNKNOWN_PARENT, str(e))
        except ca.NotNow as e:
            # Too early for the fork choice, but its block is known (checked first).
            if retry or len(self._deferred) >= DEFERRED_LIMIT:
                return ImportOutcome(Outcome.IGNORED, str(e))
            self._deferred.append(req)
            return ImportOutcome(Outcome.DEFERRED, str(e))
        except ca.Invalid as e:
            return ImportOutcome(Outcome.INVALID, str(e))
        if self.pool is not None:
            self.pool.add_attestation(att)
        if not retry:
            self._after_head_may_have_moved()
        return ImportOutcome(Outcome.IMPORTED)

    def orphaned_in_epoch(self, epoch: int) -> int:
        """Blocks we imported in `epoch` that are not canonical now; forgets older epochs."""
        spe = self.config.SLOTS_PER_EPOCH
        for slot in [s for s in self._imported_by_slot if s < epoch * spe]:
            del self._imported_by_slot[slot]
        return sum(1 for slot in range(epoch * spe, (epoch + 1) * spe)
                   for root in self._imported_by_slot.get(slot, ())
                   if ca.canonical_root_at_slot(self.chain, slot) != root)

    # --- quarantine of orphans ------------------------------------------------
    def _quarantine_block(self, req: ImportRequest) -> None:
        parent = bytes(req.obj.parent_root)
        if sum(len(v) for v in self._quarantine.values()) < QUARANTINE_LIMIT:
            waiting = self._quarantine.setdefault(parent, [])
            if all(signing_root(r.obj) != signing_root(req.obj) for r in waiting):
                waiting.append(ImportRequest("block", req.obj, "lookup", req.peer))
        self._request_lookup(parent, req.peer)

    def _request_lookup(self, root: bytes, peer) -> None:
        try:
            self.lookup_send.send_nowait(LookupRequest(root, peer))
        except trio.WouldBlock:
            pass  # lookups are best effort; range sync covers what is dropped

    def _release_children(self, root: bytes) -> None:
        pending = [root]
        while pending:
            for child in self._quarantine.pop(pending.pop(), []):
                if self._import_block(child).outcome is Outcome.IMPORTED:
                    pending.append(signing_root(child.obj))

    def _after_head_may_have_moved(self) -> None:
        head = ca.head(self.chain)
        if head == self._last_head:
            return
        old_root, _ = self._last_head
        if self.metrics:
            if not ca.is_ancestor(self.chain, old_root, head[0]):
                self.metrics.beacon_reorgs_total.inc()
            self.metrics.set_head(head[1], head[0])
        self._last_head = head
        self._head_changed.set()
        self._head_changed = trio.Event()

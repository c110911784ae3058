"""The chain task: the only writer of the chain, running its work off the trio thread.

    gossip ─┐  enqueue_* (no wait)
    sync   ─┼─> [import channel, bounded] ─> ChainService.run ─> worker thread:
    lookup ─┤  import_* (wait for the error)      chain.import_* + SnapshotMaker.take
    local  ─┘                                   │ then, on the trio thread:
    clock ──── request_tick ───────────────────>│ publish snapshot, metrics, waiters,
                                                │ UnknownParent -> quarantine + lookup
    readers ── read(fn) ── one at a time with the imports, in the worker thread

Every call into `Chain` (imports, ticks, state advances, LevelDB batches, and the
readers' `read` queries, which also touch the regen cache) runs through
`trio.to_thread.run_sync` under one `trio.Lock`, so exactly one thread uses the chain
at a time and the trio thread never runs a state transition, a BLS verify or a
database write. trio's lock is fair: a query waits for at most the import in flight.

After each change the task publishes a new immutable `ChainSnapshot` (see
beacon/chain/snapshot.py) by assigning `self.snapshot`; readers take that attribute once.

Errors: a request made with `import_*` gets its `ChainError` (or None) back; one made
with `enqueue_*` (gossip, which has already forwarded the message) has it passed to
`feedback(error, peer)`, the gossip boundary's peer scoring. Each error carries its own
action (beacon/chain/errors.py), so nothing here translates it.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import trio

from beacon.chain.errors import (
    ChainError, FutureAttestation, InvalidOperation, UnknownAttestationBlock, UnknownParent,
)
from beacon.chain.snapshot import ChainSnapshot, SnapshotMaker
from beacon.state_transition import BlockProcessingError, Signatures, StateTransitionError
from ssz.signing import signing_root

log = logging.getLogger(__name__)

IMPORT_QUEUE_SIZE = 256
QUARANTINE_LIMIT = 256
DEFERRED_LIMIT = 4096
LOOKUP_QUEUE_SIZE = 64
IMPORTED_PER_SLOT_LIMIT = 64
IMPORTED_EPOCHS_KEPT = 4

# A malformed operation can still provoke these inside helpers that predate their
# checks (same list as beacon/chain/chain.py); they mean "invalid", not "our bug".
_UNEXPECTED = (ValueError, IndexError, KeyError, AssertionError, OverflowError, TypeError)

Feedback = Callable[[ChainError, Any], None]


@dataclass(frozen=True)
class LookupRequest:
    root: bytes
    peer: Any


@dataclass
class _Request:
    """One queued piece of chain work; `apply` runs it and returns its error."""
    source: str = "local"
    peer: Any = None
    reply: trio.MemorySendChannel | None = None

    async def apply(self, svc: "ChainService") -> ChainError | None:
        raise NotImplementedError


@dataclass
class _BlockImport(_Request):
    block: Any = None

    async def apply(self, svc):
        return await svc._import_block(self)


@dataclass
class _AttestationImport(_Request):
    attestation: Any = None
    verified: bool = False  # signature already checked (gossip validation, our signer)

    async def apply(self, svc):
        return await svc._import_attestation(self)


@dataclass
class _OperationCheck(_Request):
    """Exits and slashings: valid iff they apply to a copy of the head state."""
    kind: str = ""
    op: Any = None
    process: Callable = None  # spec process_* function
    add: Callable = None  # op pool method

    async def apply(self, svc):
        return await svc._check_operation(self)


@dataclass
class _Tick(_Request):
    async def apply(self, svc):
        await svc._tick()
        return None


@dataclass
class _Published:
    """What a worker-thread call hands back to the trio thread."""
    snapshot: ChainSnapshot
    reorg: bool = False
    extra: Any = None


class ChainService:
    """Owns the chain; see the module docstring for the data flow.

    Args:
        chain: an open `beacon.chain.Chain`; nobody else may call it.
        pool: the op pool (beacon/chain/op_pool.py); written only from this task's
            worker calls (imported votes, checked operations).
    """

    def __init__(self, chain, config, metrics=None, pool=None):
        self.chain = chain
        self.config = config
        self.metrics = metrics
        self.pool = pool
        self.feedback: Feedback | None = None
        self.snapshot: ChainSnapshot | None = None  # set by `run` before it reports started
        self.anchor_root: bytes = bytes(chain.db.anchor_root)
        self.anchor_state = None  # the anchor (genesis) state, read once by `run`
        self._maker = SnapshotMaker(config, chain)
        self._exclusive = trio.Lock()
        self.import_send, self._import_recv = trio.open_memory_channel(IMPORT_QUEUE_SIZE)
        self.lookup_send, self.lookup_recv = trio.open_memory_channel(LOOKUP_QUEUE_SIZE)
        self._quarantine: dict[bytes, list[_BlockImport]] = {}
        # v0.8.4 on_attestation only counts a vote once its slot is over, but gossip
        # carries votes during their slot: hold those and apply them at the next tick.
        self._deferred: list[_AttestationImport] = []
        self._imported_by_slot: dict[int, list[bytes]] = {}  # for the orphaned-blocks metric
        self._published = trio.Event()
        self._tick_pending = False

    # --- the task ----------------------------------------------------------------
    async def run(self, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
        async with self._import_recv:
            self.anchor_state = await self._in_thread(self.chain.regen.state_of_block,
                                                      self.anchor_root)
            self._publish(_Published(await self._in_thread(self._maker.take, True)))
            task_status.started()
            async for req in self._import_recv:
                log.debug("chain task: %s from %s", type(req).__name__, req.source)
                error = await req.apply(self)
                self._answer(req, error)

    def _answer(self, req: _Request, error: ChainError | None) -> None:
        if req.reply is not None:
            try:
                req.reply.send_nowait(error)
            except (trio.WouldBlock, trio.BrokenResourceError):
                pass  # the requester gave up (cancelled); nothing to tell
        elif error is not None:
            if req.peer is None:  # our own, queued without waiting: only a log can tell
                log.warning("our own %s was not imported: %s", type(req).__name__, error)
            elif self.feedback is not None:
                self.feedback(error, req.peer)

    async def _in_thread(self, fn, *args):
        async with self._exclusive:
            log.debug("worker: %s", getattr(fn, "__name__", fn))
            return await trio.to_thread.run_sync(fn, *args)

    def _publish(self, done: _Published) -> None:
        old = self.snapshot
        self.snapshot = done.snapshot
        if self.metrics is not None:
            if done.reorg:
                self.metrics.beacon_reorgs_total.inc()
            self.metrics.set_head(done.snapshot.head_slot, done.snapshot.head_root)
        if old is None or old.head_root != done.snapshot.head_root:
            self._published.set()
            self._published = trio.Event()

    def _take(self, old_head: bytes, advance: bool = False) -> _Published:
        """Worker thread: the new snapshot, and whether the head left its old branch."""
        proto = self.chain.fork_choice.proto
        new_head = bytes(self.chain.head_root)
        reorg = (new_head != old_head and new_head in proto
                 and not any(proto.roots[i] == old_head for i in proto.iter_ancestors(new_head)))
        return _Published(self._maker.take(advance), reorg)

    # --- public API for other services -----------------------------------------
    async def _submit(self, req: _Request) -> ChainError | None:
        send, recv = trio.open_memory_channel(1)
        req.reply = send
        await self.import_send.send(req)  # backpressure: waits while the queue is full
        async with recv:
            return await recv.receive()

    def _enqueue(self, req: _Request) -> bool:
        try:
            self.import_send.send_nowait(req)
            return True
        except trio.WouldBlock:
            return False  # the caller drops the message: bounded work per peer flood

    async def import_block(self, block, source: str, peer=None) -> ChainError | None:
        """Import `block` and wait; returns the error that stopped it, if any."""
        return await self._submit(_BlockImport(source, peer, block=block))

    def enqueue_block(self, block, source: str, peer=None) -> bool:
        """Queue `block` without waiting; errors go to `feedback`. False: queue full."""
        return self._enqueue(_BlockImport(source, peer, block=block))

    async def import_attestation(self, att, source: str, peer=None, *,
                                 verified: bool = False) -> ChainError | None:
        return await self._submit(_AttestationImport(source, peer, attestation=att,
                                                     verified=verified))

    def enqueue_attestation(self, att, source: str, peer=None, *, verified: bool = False) -> bool:
        return self._enqueue(_AttestationImport(source, peer, attestation=att, verified=verified))

    async def check_operation(self, kind: str, op, process, add, peer=None) -> ChainError | None:
        """Apply `process(config, state, op)` to a copy of the head state; on success
        pool the operation with `add(op)`."""
        return await self._submit(_OperationCheck("gossip", peer, kind=kind, op=op,
                                                  process=process, add=add))

    def request_tick(self) -> None:
        """Advance the fork choice's clock soon (never waits: the slot loop must not
        stall behind an import). Ticks coalesce: one pending is enough."""
        if self._tick_pending:
            return
        if self._enqueue(_Tick("clock")):
            self._tick_pending = True

    async def read(self, fn: Callable, *args):
        """Run `fn(chain, *args)` in the worker thread between imports (read-only use:
        regen of older states, fork-choice dumps, block production on copies)."""
        return await self._in_thread(fn, self.chain, *args)

    def request_lookup(self, root: bytes, peer) -> None:
        try:
            self.lookup_send.send_nowait(LookupRequest(bytes(root), peer))
        except trio.WouldBlock:
            pass  # lookups are best effort; range sync covers what is dropped

    async def wait_for_block_at(self, slot: int) -> None:
        """Return once the published head is at `slot` or later."""
        while self.snapshot is None or self.snapshot.head_slot < slot:
            await self._published.wait()

    def orphaned_in_epoch(self, epoch: int) -> int:
        """Blocks we imported in `epoch` that are not canonical now; forgets older epochs.
        (LevelDB reads only: safe beside the worker's writes.)"""
        spe = self.config.SLOTS_PER_EPOCH
        for slot in [s for s in self._imported_by_slot if s < epoch * spe]:
            del self._imported_by_slot[slot]
        db = self.chain.db
        return sum(1 for slot in range(epoch * spe, (epoch + 1) * spe)
                   for root in self._imported_by_slot.get(slot, ())
                   if db.canonical_root(slot) != root)

    # --- work ----------------------------------------------------------------------
    def _import_block_work(self, block) -> _Published:
        old_head = bytes(self.chain.head_root)
        self.chain.import_block(block)
        return self._take(old_head)

    async def _import_block(self, req: _BlockImport) -> ChainError | None:
        block = req.block
        started = time.perf_counter()
        try:
            done = await self._in_thread(self._import_block_work, block)
        except UnknownParent as e:
            self._quarantine_block(req)
            return e
        except ChainError as e:
            if e.peer is not e.peer.NONE:
                log.info("rejected block at slot %d from %s: %s", int(block.slot), req.source, e)
                if self.metrics:
                    self.metrics.beacon_blocks_rejected_total.inc(reason=type(e).__name__)
            return e
        elapsed = time.perf_counter() - started
        self._publish(done)
        root = signing_root(block)
        roots = self._imported_by_slot.setdefault(int(block.slot), [])
        if len(roots) < IMPORTED_PER_SLOT_LIMIT:  # equivocating proposers: a metric, capped
            roots.append(root)
        # The node's slot loop forgets old slots through orphaned_in_epoch; this bound
        # holds without that reader too (an in-process chain grew one entry a slot).
        while len(self._imported_by_slot) > IMPORTED_EPOCHS_KEPT * self.config.SLOTS_PER_EPOCH:
            del self._imported_by_slot[min(self._imported_by_slot)]
        log.debug("imported block slot %d %s from %s in %.0f ms", int(block.slot),
                  root.hex()[:12], req.source, elapsed * 1000)
        if self.metrics:
            self.metrics.beacon_block_import_seconds.observe(elapsed)
            self.metrics.beacon_blocks_imported_total.inc()
        await self._release_children(root)
        return None

    def _import_attestation_work(self, att, verified: bool) -> _Published | None:
        old_head = bytes(self.chain.head_root)
        self.chain.import_attestation(att, Signatures.SKIP if verified else None)
        if self.pool is not None:
            self.pool.add_attestation(att)
        if bytes(self.chain.head_root) == old_head:
            return None  # votes moved, nothing a reader sees did: keep the snapshot
        return self._take(old_head)

    async def _import_attestation(self, req: _AttestationImport, retry: bool = False):
        try:
            done = await self._in_thread(self._import_attestation_work, req.attestation,
                                         req.verified)
        except UnknownAttestationBlock as e:
            # The voted block is unknown: fetch it; the vote itself is dropped (the
            # block's own attestations and later votes carry the weight).
            self.request_lookup(bytes(req.attestation.data.beacon_block_root), req.peer)
            return e
        except FutureAttestation as e:
            # Too early for the fork choice, but its block is known (checked first).
            if not retry and len(self._deferred) < DEFERRED_LIMIT:
                self._deferred.append(req)
                return None  # held, not wrong: no verdict on the sender
            return e
        except ChainError as e:
            return e
        if done is not None:
            self._publish(done)
        return None

    def _tick_work(self, now: float, deferred: list) -> tuple[_Published, list]:
        old_head = bytes(self.chain.head_root)
        self.chain.on_tick(now)
        errors = []
        for req in deferred:
            try:
                self.chain.import_attestation(req.attestation,
                                              Signatures.SKIP if req.verified else None)
            except ChainError as e:
                errors.append((req, e))
                continue
            if self.pool is not None:
                self.pool.add_attestation(req.attestation)
        return self._take(old_head, advance=True), errors

    async def _tick(self) -> None:
        self._tick_pending = False
        deferred, self._deferred = self._deferred, []
        done, errors = await self._in_thread(self._tick_work, self.chain.now(), deferred)
        self._publish(done)
        for req, e in errors:  # their requesters were answered "held" already
            if req.reply is None and self.feedback is not None:
                self.feedback(e, req.peer)

    def _check_operation_work(self, req: _OperationCheck) -> None:
        state = self.chain.head_state().copy()
        try:
            req.process(self.config, state, req.op, Signatures.VERIFY)
        except (BlockProcessingError, StateTransitionError) + _UNEXPECTED as e:
            raise InvalidOperation(req.kind, f"{type(e).__name__}: {e}") from None
        req.add(req.op)

    async def _check_operation(self, req: _OperationCheck) -> ChainError | None:
        try:
            await self._in_thread(self._check_operation_work, req)
        except InvalidOperation as e:
            log.debug("rejected %s: %s", req.kind, e)
            return e
        return None

    # --- quarantine of orphans ------------------------------------------------
    def _quarantine_block(self, req: _BlockImport) -> None:
        parent = bytes(req.block.parent_root)
        if sum(len(v) for v in self._quarantine.values()) < QUARANTINE_LIMIT:
            waiting = self._quarantine.setdefault(parent, [])
            root = signing_root(req.block)
            if all(signing_root(r.block) != root for r in waiting):
                waiting.append(_BlockImport("lookup", req.peer, block=req.block))
        self.request_lookup(parent, req.peer)

    async def _release_children(self, root: bytes) -> None:
        for child in self._quarantine.pop(root, []):
            error = await self._import_block(child)  # recurses into its own children
            if error is not None and self.feedback is not None:
                self.feedback(error, child.peer)

"""The beacon node: every service under one trio nursery.

    run_node
     ├─ signal watcher (SIGINT/SIGTERM -> cancel the root scope)
     ├─ ChainService.run   the only writer of the chain; its work runs in a worker
     │                     thread; publishes a ChainSnapshot after each change
     ├─ network (beacon/network: p2p host, topic handlers, sync, peer policy)
     │                     -> ChainService.enqueue_* / import_*
     ├─ HTTP API / metrics servers (read NodeView: the snapshot, or the chain's worker)
     └─ slot loop: request_tick, one log line per slot, metrics, validator duties

Shutdown cancels the root scope: P2PService says goodbye to peers in its own shielded,
time-bounded `finally`; the chain task finishes the worker call in flight (a thread
cannot be interrupted); then the `finally` here closes the databases.
"""
from __future__ import annotations

import atexit
import logging
import os
import signal
import sys
from dataclasses import dataclass

import trio

from beacon.api.metrics import NodeMetrics
from beacon.api.server import serve_api, serve_metrics
from beacon.api.state_metrics import update_state_metrics
from beacon.chain.service import ChainService
from beacon.network.service import start_network
from beacon.node.chain_open import ChainOpenError, open_chain
from beacon.node.clock import SlotClock
from beacon.node.options import NodeOptions, OptionsError
from beacon.node.persistent_pool import restore_pool
from beacon.node.views import NodeView
from beacon.operations.slasher import Slasher

log = logging.getLogger("beacon.node")

# The chain's worker thread runs CPU-bound Python (state transitions) while the trio
# thread serves the network and the API. The trio thread gives the GIL up at every I/O
# wait and then waits up to this interval to get it back from the worker (CPython's
# default is 5 ms), so an answer that makes a few dozen syscalls could wait 100+ ms
# during an import. 0.5 ms bounds that convoy at a small switching cost to the worker
# (median HTTP latency during a CPU-bound import, loaded machine: 26-38 ms at 5 ms,
# 8-17 ms at 0.5 ms; tests/node/test_responsive.py).
GIL_SWITCH_INTERVAL = 0.0005

@dataclass
class NodeHandle:
    """What `run_node` reports when started (for tests and the startup banner)."""
    view: NodeView
    http_port: int | None
    metrics_port: int | None
    cancel_scope: trio.CancelScope


async def _watch_signals(scope: trio.CancelScope, *, task_status=trio.TASK_STATUS_IGNORED):
    with trio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        task_status.started()
        async for signum in signals:
            log.info("received %s, shutting down", signal.Signals(signum).name)
            scope.cancel()
            return


async def run_node(options: NodeOptions, *, handle_signals: bool = True,
                   task_status=trio.TASK_STATUS_IGNORED) -> None:
    """Run the node until cancelled (or SIGINT/SIGTERM when `handle_signals`).

    Raises:
        ChainOpenError: the datadir holds another chain, or no genesis was given.
        OSError: a port cannot be bound.
    """
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    config = options.config
    chain = open_chain(config, options.datadir, options.genesis_state,
                       state_cache_size=options.state_cache_size)
    metrics = NodeMetrics()
    pool = restore_pool(config, chain)  # the attestations a killed run left
    # The chain calls its observer inside its worker thread, after each verified block
    # and vote: the slasher reads the head state and pools slashings there, so the op
    # pool keeps one writer (that worker).
    chain.observer = Slasher(config, pool, chain.head_state)
    clock = SlotClock(int(chain.genesis_time), config.SECONDS_PER_SLOT, config.SLOTS_PER_EPOCH)
    cs = ChainService(chain, config, metrics, pool)
    protection = network = None
    started = False
    try:
        async with trio.open_nursery() as nursery:
            if handle_signals:
                await nursery.start(_watch_signals, nursery.cancel_scope)
            await nursery.start(cs.run)
            _check_validator_indices(options, cs.snapshot)
            network = await start_network(nursery, options, cs, pool, metrics, clock)
            view = NodeView(config, cs, network, clock)
            http_port = metrics_port = None
            if options.http_port is not None:
                http_port = await nursery.start(serve_api, view, options.host, options.http_port)
            if options.metrics_port is not None:
                metrics_port = await nursery.start(
                    serve_metrics, metrics, options.host, options.metrics_port)
            client = None
            if options.validator_indices:
                client, protection = _make_validator(options, view, pool, metrics)
            await nursery.start(_slot_loop, config, clock, cs, view, client, metrics, pool)
            _banner(options, view, http_port, metrics_port)
            task_status.started(NodeHandle(view, http_port, metrics_port, nursery.cancel_scope))
            started = True
    finally:
        # P2PService's own shutdown path says goodbye to peers (bounded, shielded); by
        # here the chain task has ended, so no worker thread still holds the database.
        if protection is not None:
            protection.close()
        chain.db.close()
        if started:  # a startup error is reported by `main` as the one line, alone
            log.info("stopped")


def _check_validator_indices(options, snapshot) -> None:
    """Refuse validator indices the head state's registry does not have."""
    if not options.validator_indices:
        return
    count = len(snapshot.head_state.validators)
    missing = [i for i in options.validator_indices if i >= count]
    if missing:
        raise OptionsError(f"validator index {missing[0]} does not exist: the chain has "
                           f"{count} validators (indices 0..{count - 1})")


def _make_validator(options, view, pool, metrics):
    from validator.client import interop_keys
    from validator.misbehave import make_client
    from validator.slashing_protection import SlashingProtection

    protection = SlashingProtection(options.datadir / "slashing_protection")
    keys = interop_keys(options.validator_indices)
    return make_client(options, keys, view, protection, pool, metrics), protection


def _banner(options, view, http_port, metrics_port) -> None:
    ident = view.identity()
    for addr in ident.get("p2p_addresses", []):
        log.info("p2p listening on %s", addr)
    if http_port:
        log.info("beacon API on http://%s:%d/eth/v1/node/identity", options.host, http_port)
    if metrics_port:
        log.info("metrics on http://%s:%d/metrics", options.host, metrics_port)
    log.info("running %d validators", len(options.validator_indices))


async def _slot_loop(config, clock: SlotClock, cs: ChainService, view: NodeView, client,
                     metrics: NodeMetrics, pool, *, task_status=trio.TASK_STATUS_IGNORED):
    """Per slot: tick the fork choice, log one line, refresh metrics, run duties."""
    task_status.started()
    if clock.before_genesis():
        log.info("waiting for genesis in %.0f s", clock.seconds_until(clock.genesis_time))
    async with trio.open_nursery() as duties:
        async for slot in clock.slots():
            cs.request_tick()  # never waits: an import in flight must not delay the slot
            duties.start_soon(_log_slot_later, config, clock, slot, view, metrics, pool)
            if client is not None:
                mid = trio.current_time() + clock.seconds_until(
                    clock.slot_start(slot) + config.SECONDS_PER_SLOT / 2)
                duties.start_soon(_run_duties, client, slot, mid, config.SECONDS_PER_SLOT * 2)


async def _run_duties(client, slot: int, mid: float, budget: float) -> None:
    with trio.move_on_after(budget) as scope:
        try:
            await client.on_slot(slot, mid)
        except trio.BrokenResourceError:
            # The node is stopping: the chain task closed its queue while this duty was
            # signing in a worker thread, which cancellation cannot interrupt.
            log.info("validator duties of slot %d dropped: the chain task has stopped", slot)
        except Exception:  # noqa: BLE001 - a duty bug costs this slot's duties, not the node
            log.exception("validator duties of slot %d failed", slot)
    if scope.cancelled_caught:
        log.warning("validator duties of slot %d took longer than %.0f s", slot, budget)


async def _log_slot_later(config, clock, slot, view, metrics, pool) -> None:
    # Two thirds into the slot the slot's block has normally arrived, so the line
    # shows this slot's head rather than the previous one.
    await clock.sleep_until_slot_fraction(slot, 2 / 3)
    try:
        await _log_slot(config, slot, view, metrics, pool)
    except Exception:  # noqa: BLE001 - a status line or a gauge is not worth the node
        log.exception("slot status of slot %d failed", slot)


async def _log_slot(config, slot: int, view: NodeView, metrics: NodeMetrics, pool) -> None:
    snap = view.snapshot
    peers = len(view.peers())
    metrics.beacon_slot.set(slot)
    metrics.libp2p_peers.set(peers)
    epoch = slot // config.SLOTS_PER_EPOCH
    prune = pool is not None and slot % config.SLOTS_PER_EPOCH == 0

    def state_work(chain) -> None:
        # In the chain's worker: the gauges use committee helpers, and the pool has
        # one writer (that worker).
        update_state_metrics(metrics, config, snap.head_state, pool)
        if prune:
            pool.prune(epoch)
    await view.cs.read(state_work)
    if slot % config.SLOTS_PER_EPOCH == 0 and epoch > 0:
        metrics.beacon_previous_epoch_orphaned_blocks.set(view.cs.orphaned_in_epoch(epoch - 1))
    log.info("slot %d | head %s @ %d | justified %d | finalized %d | peers %d",
             slot, snap.head_root.hex()[:12], snap.head_slot, snap.justified[0],
             snap.finalized[0], peers)


def main(options: NodeOptions, *, fast_exit: bool = False) -> int:
    """Run the node in this process until SIGINT/SIGTERM; returns the exit code.

    Args:
        fast_exit: end the process right after a clean stop (see `_exit_process`);
            for the `beacon-node run` entry point only, never for in-process callers.
    """
    logging.basicConfig(level=options.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)-5s %(name)s: %(message)s")
    # Our per-slot line is the info-level story; libp2p internals are noise.
    for noisy in ("libp2p", "multiaddr", "async_service"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    from beacon.cli.errors import UserError
    from p2p.errors import IdentityError
    try:
        trio.run(run_node, options)
    except BaseException as e:  # the one place nursery ExceptionGroups are unwrapped
        cause = _leaf(e)
        if isinstance(cause, (ChainOpenError, IdentityError, OptionsError)):
            raise UserError(str(cause)) from None
        if isinstance(cause, OSError):  # typically a port already in use
            raise UserError(f"cannot start: {cause}") from None
        if isinstance(cause, KeyboardInterrupt):
            return _exit_process(130) if fast_exit else 130
        raise
    return _exit_process(0) if fast_exit else 0


def _exit_process(code: int) -> int:
    """Exit now, skipping the interpreter's teardown.

    By now every service is cancelled and the databases are closed. What a normal exit
    would still do is deallocate every module and object (remerkleable trees, numpy
    caches, libp2p state): measured at 0.3-1.6 s on a loaded machine, most of the time
    between SIGTERM and the process ending, for memory the OS reclaims anyway. The
    atexit handlers (logging's flush among them) still run.
    """
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _leaf(e: BaseException) -> BaseException:
    """The first non-group exception inside (possibly nested) exception groups."""
    while isinstance(e, BaseExceptionGroup) and e.exceptions:
        e = e.exceptions[0]
    return e

"""`EpochContext`: the caches derived from beacon states, kept beside them as a value.

    chain (owner) --EpochContext--> state_transition(config, state, block, ctx=ctx)
                                      -> helpers: ctx.columns(state), ctx.shuffling(...)

What it holds (compare Lodestar `EpochContext`, Lighthouse's committee caches):
    columns       registry as numpy columns, per registry tree (a few recent versions)
    shufflings    whole-epoch shufflings, per (rounds, seed, active set)
    participation the resolved pending attestations of the last epochs processed

Invariants:
    * Every entry is keyed by the *identity* of immutable tree nodes (or by values), so
      it is valid for any state that holds those nodes: one context serves all states of
      a chain, forks and copies included. A stale entry can only be unused, never wrong.
    * A context is used by one thread at a time. It takes no lock; the owner hands it
      between threads only across a happens-before edge (`trio.to_thread.run_sync` is
      one). Two threads with two contexts share nothing.
    * Returned values (columns, shufflings) are read-only; callers mutate states and ask
      again.

Budget (mainnet, 16,384 validators): the first `columns()` of a context parses the
whole registry (~0.2 s); later calls for a changed registry walk only changed
subtrees (one exit or deposit: well under 1 ms).

Who owns one: the chain (imports, replays, fork-choice balances, the snapshot's epoch
facts, the slasher, and the validator client, whose duties, blocks and votes run in the
chain's worker through `NodeView.on_head_state`), every `transition` CLI call and
spec-test case.

Compatibility path: code not yet migrated calls the helpers without `ctx`. It gets
`unowned_context(config)`, one context per (thread, preset), so it stays safe across
threads and keeps its old speed; but its caches are invisible to its caller, which is
what this module exists to end. `unowned_uses()` counts those calls; tests assert that
the chain's paths (tests/chain/test_chain_context.py) and the validator's
(tests/node/test_node_context.py) make none. Left on it: the testnet-only misbehaving
client and the testnet runner's own checks.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, TypeVar

from beacon.state_transition.registry import ValidatorColumns, bounded_put, parse_columns

V = TypeVar("V")

# Registry versions kept: the head, a fork or two, and the pre/post states of an epoch
# transition. Each costs ~8 numpy columns of the registry size.
COLUMNS_SIZE = 6
# Shufflings kept: previous/current/next epoch on a few forks.
SHUFFLINGS_SIZE = 16
# Participation results kept: previous and current epoch of the state being processed.
PARTICIPATION_SIZE = 2


class EpochContext:
    """Caches for states of one chain and preset; see the module docstring."""

    __slots__ = ("config", "_columns", "_shufflings", "_participation", "stats")

    def __init__(self, config=None):
        self.config = config
        self._columns: OrderedDict[int, tuple[object, ValidatorColumns]] = OrderedDict()
        self._shufflings: OrderedDict[tuple, object] = OrderedDict()
        self._participation: list[tuple[tuple, object]] = []
        # Counters for tests and benchmarks: a cache that never hits is a silent cost.
        self.stats = {"columns_parsed": 0, "columns_hit": 0, "shufflings_computed": 0}

    def __repr__(self) -> str:
        name = getattr(self.config, "name", "?")
        return (f"<EpochContext {name}: {len(self._columns)} registries, "
                f"{len(self._shufflings)} shufflings>")

    def columns(self, state) -> ValidatorColumns:
        """The registry of `state` as columns (read-only numpy arrays)."""
        backing = state.validators.get_backing()
        hit = self._columns.get(id(backing))
        # The identity check guards against an id reused after the node was freed.
        if hit is not None and hit[0] is backing:
            self._columns.move_to_end(id(backing))
            self.stats["columns_hit"] += 1
            return hit[1]
        base = next(reversed(self._columns.values()), None)
        cols = parse_columns(state.validators, base)
        self.stats["columns_parsed"] += 1
        bounded_put(self._columns, id(backing), (backing, cols), COLUMNS_SIZE)
        return cols

    def shuffling(self, key: tuple, compute: Callable[[], V]) -> V:
        """The shuffling for `key` (rounds, seed, active-set digest), computed once."""
        got = self._shufflings.get(key)
        if got is not None:
            self._shufflings.move_to_end(key)
            return got
        got = compute()
        self.stats["shufflings_computed"] += 1
        bounded_put(self._shufflings, key, got, SHUFFLINGS_SIZE)
        return got

    def participation(self, key: tuple, compute: Callable[[], V]) -> V:
        """An epoch's participation for `key`; entries compare tree nodes by identity."""
        for k, v in self._participation:
            if len(k) == len(key) and all(a is b or a == b for a, b in zip(k, key)):
                return v
        value = compute()
        self._participation.append((key, value))
        del self._participation[:-PARTICIPATION_SIZE]
        return value


def context_for(config, ctx: EpochContext | None) -> EpochContext:
    """`ctx`, or this thread's unowned context for a caller that passed none."""
    return ctx if ctx is not None else unowned_context(config)


_unowned = threading.local()
_unowned_uses = [0]  # a list, not an int: incremented from any thread without a rebind


def unowned_context(config) -> EpochContext:
    """The compatibility-path context of this thread for `config` (see module docstring)."""
    _unowned_uses[0] += 1
    table = getattr(_unowned, "contexts", None)
    if table is None:
        table = _unowned.contexts = {}
    got = table.get(id(config))
    if got is None or got.config is not config:
        got = table[id(config)] = EpochContext(config)
    return got


def unowned_uses() -> int:
    """How many times a helper ran without a context, in any thread, since import."""
    return _unowned_uses[0]


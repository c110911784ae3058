"""What a scenario is: nodes by role, a goal, timed events and extra end checks.

A scenario is data plus small hooks; `testnet.runner` does everything else. Nodes belong
to role "A" or "B"; `--with KIND --ours A` runs role B on KIND (and `--ours B` the
reverse). Epoch-timed `Event`s act on the running net (partition, heal, pause, a late
start...). The default goal: every node sees `goal_epoch` finalized.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class NodePlan:
    name: str
    role: str                        # "A" or "B"
    validators: range = range(0)
    dials: tuple[str, ...] = ()      # names of nodes this one dials (static peers)
    join_epoch: float | None = None  # started late, with an empty datadir
    kind: str | None = None          # fixed node kind (mixed nets); else from the role
    flags: tuple[str, ...] = ()      # extra `beacon-node run` flags (--misbehave...; ours only)


@dataclass(frozen=True)
class Event:
    at_epoch: float
    label: str
    action: Callable                 # action(run) -> None


@dataclass
class Scenario:
    name: str
    title: str
    goal_text: str                   # the documented pass/fail goal
    validator_count: int
    nodes: list[NodePlan]
    goal_epoch: int | None = 8       # every node sees this epoch finalized; --epochs overrides
    events: list[Event] = field(default_factory=list)
    # make_events(run) -> list[Event], for events timed from run options.
    make_events: Callable | None = None
    needs_netns: bool = False
    needs_netem: bool = False
    # done(run) -> bool replaces the finality goal when set (exercise 1).
    done: Callable | None = None
    # watch(run) -> None, called after every poll (react to what the nodes report).
    watch: Callable | None = None
    # checks(run) -> list of failure strings, evaluated at the end (reorgs, sync...).
    checks: list[Callable] = field(default_factory=list)
    default_seconds_per_slot: int = 1
    extra_epochs: float = 2.0        # deadline slack beyond the goal, in epochs
    quick: bool = False              # part of `make testnet`
    meta: Callable | None = None     # meta(args, run_one) -> results: a search over runs

    def goal(self, epochs: int | None) -> int | None:
        return epochs if epochs is not None and self.goal_epoch is not None else self.goal_epoch

"""The interop's "Beyond" list as scenarios, each with its pass/fail goal (README)."""
from __future__ import annotations

import math

from testnet.scenarios.exercises import _topology_5
from testnet.scenarios.model import Event, NodePlan, Scenario

PARTITION_AT = 3          # epoch the induced fork starts (after first justification)


# --- induced fork ----------------------------------------------------------------------
def _fork_events(run) -> list[Event]:
    n = run.opts.partition_epochs or 2
    halves = [[run.index["A-0"], run.index["A-1"]], [run.index["B-0"], run.index["B-1"]]]

    def cut(r):
        r.network.partition(halves)
        r.marks["partition"] = r.now()
        r.extra["partition_epochs"] = n

    def heal(r):
        r.network.heal()
        r.marks["heal"] = r.now()
        r.extra["finalized_at_heal"] = {k: s.finalized_epoch for k, s in r.last.items()}

    return [Event(PARTITION_AT, f"partition {{A-0,A-1}} | {{B-0,B-1}} for {n} epochs", cut),
            Event(PARTITION_AT + n, "heal the partition", heal)]


def _fork_watch(run) -> None:
    """At the first reorg after the heal, the reorged node's fork choice holds both
    branches: screenshot its fork view then (two branches)."""
    if "heal" not in run.marks or "shot" in run.marks:
        return
    for name, tr in run.trackers.items():
        if any(x["t"] >= run.marks["heal"] for x in tr.reorgs):
            from testnet.forkview import chromium, snapshot
            run.marks["shot"] = run.now()
            if chromium():
                run.log(f"fork view of {name} after its reorg (expect two branches)")
                run.extra.setdefault("fork_view", []).append(
                    {"when": f"{name} after its first reorg post-heal",
                     **snapshot(run.nodes[name], run.workdir / "forkview-1-two-branches.png")})
            return


def _fork_checks(run) -> list[str]:
    out = []
    t_heal = run.marks.get("heal")
    if t_heal is None:
        return ["the partition was never healed"]
    # Converged: the last reorg deeper than 2 slots after the heal (tip races of 1-2
    # slots go on forever on a busy box); a tie of equal halves may also never reorg.
    reorgs = [x for tr in run.trackers.values() for x in tr.reorgs if x["t"] >= run.marks["partition"]]
    deep = [x["t"] for x in reorgs if x["t"] >= t_heal and x["depth"] > 2]
    converged = max(deep) if deep else None
    run.extra["fork"] = {
        "converge_seconds": None if converged is None else round(converged - t_heal, 1),
        "converge_note": "seconds from the heal to the last reorg deeper than 2 slots",
        "reorgs_after_partition": len(reorgs),
        "max_reorg_depth": max((x["depth"] for x in reorgs), default=0)}
    from testnet.forkview import chromium, snapshot
    if chromium():
        run.extra.setdefault("fork_view", []).append(
            {"when": "end (after finality passed the fork)",
             **snapshot(run.nodes["A-0"], run.workdir / "forkview-2-merged.png")})
        shots = run.extra["fork_view"]
        # "Two branches": the losing side (a partition's worth of blocks) is in the tree;
        # "merged": finality has pruned it, only short orphan stubs (< 4 blocks) remain.
        ok = (len(shots) == 2 and (shots[0].get("longest_side_branch") or 0) >= 4
              and (shots[1].get("longest_side_branch") or 0) < 4)
        run.extra["fork_view_verdict"] = ("two branches, then merged" if ok else
                                          "did not show two branches then their merge")
    if not deep:
        out.append("no reorg deeper than 2 slots after the heal: the halves did not fork "
                   "or it was not observed")
    return out


def _fork_goal(run) -> bool:
    """Finality resumes: every node finalizes an epoch after the heal epoch."""
    heal_epoch = PARTITION_AT + (run.opts.partition_epochs or 2)
    goal = max(run.goal_epoch or 0, heal_epoch + 1)
    return all(s is not None and (s.finalized_epoch or -1) >= goal for s in run.last.values()) \
        and len(run.last) == len(run.nodes)


# --- partially live node ------------------------------------------------------------------
def _pause_events(run) -> list[Event]:
    def stop(r):
        r.nodes["B-1"].pause()
        r.stopped_by_us.add("B-1")
        r.marks["pause"] = r.now()

    def cont(r):
        r.nodes["B-1"].resume()
        r.stopped_by_us.discard("B-1")
        r.marks["resume"] = r.now()

    return [Event(3, "SIGSTOP B-1 (4 of 16 validators)", stop),
            Event(5, "SIGCONT B-1", cont)]


# --- "finalizes every epoch" --------------------------------------------------------------
def every_epoch_finality(run) -> list[str]:
    """From epoch 4 on, in the second half of each epoch, every node's finalized epoch is
    at least the current epoch - 2 (finality advanced at each boundary)."""
    worst = 0
    for r in run.series:
        e = r["epoch"]
        if e >= 4 and e - math.floor(e) >= 0.5 and r["finalized_epoch"] is not None \
                and r["node"] not in run.stopped_by_us:
            worst = max(worst, math.floor(e) - r["finalized_epoch"])
    run.extra["max_finality_lag_epochs"] = worst
    return [] if worst <= 2 else [f"finality lagged {worst} epochs behind (> 2)"]


def _ring(n_nodes: int, per: int) -> list[NodePlan]:
    """Node i dials node i-1 and node 0 (a ring with chords to the first node)."""
    out = []
    for i in range(n_nodes):
        dials = tuple(sorted({f"N{i - 1}", "N0"} - {f"N{i}"})) if i else ()
        out.append(NodePlan(f"N{i}", "A" if i % 2 == 0 else "B", range(i * per, (i + 1) * per),
                            dials=dials))
    return out


def scale_scenario(n_nodes: int, per: int) -> Scenario:
    return Scenario(f"scale-{n_nodes}x{per}", f"{n_nodes} nodes x {per} validators",
                    "every node finalizes every epoch up to epoch 5", n_nodes * per,
                    _ring(n_nodes, per), goal_epoch=5, checks=[every_epoch_finality],
                    default_seconds_per_slot=2)


SCALE_LADDER = [(4, 8), (4, 16), (6, 16), (8, 16)]


def _scale_meta(trial):
    """Climb the ladder until a configuration fails; the largest pass is the answer."""
    trials, best = [], None
    for n, per in SCALE_LADDER:
        r = trial(scale_scenario(n, per), None, None)
        trials.append(r)
        if r["verdict"] != "pass":
            break
        best = (n, per)
    return trials, ({"largest_finalizing": f"{best[0]} nodes x {best[1]} validators "
                     f"= {best[0] * best[1]}" if best else None})


def _lowest_meta(trial):
    from testnet.scenarios import SCENARIOS
    trials, best = [], None
    ex5 = SCENARIOS["ex5"]
    base = Scenario("ex5-every-epoch", ex5.title + ", finalizing every epoch",
                    ex5.goal_text + ", with finality at every epoch", 16, ex5.nodes,
                    goal_epoch=8, checks=[every_epoch_finality])
    for sps in (1, 2, 3, 4, 6):
        r = trial(base, sps, None)
        trials.append(r)
        if r["verdict"] == "pass":
            best = sps
            break
    return trials, {"lowest_seconds_per_slot": best}


BEYOND = [
    Scenario("fork", "Induced fork: partition halves, then heal",
             "4 nodes x 4 validators (exercise 5 topology); at epoch 3 {A-0,A-1} and "
             "{B-0,B-1} are cut apart (bridge split in network namespaces) for N epochs "
             "(--partition-epochs, default 2); after the heal all heads converge on one "
             "chain (a reorg is observed), and every node finalizes an epoch after the heal "
             "epoch (and the goal epoch 8). Reports reorg depth and convergence time.",
             16, _topology_5(16), goal_epoch=8, make_events=_fork_events, needs_netns=True,
             done=_fork_goal, checks=[_fork_checks], watch=_fork_watch, extra_epochs=4,
             quick=True),
    Scenario("third-node", "A third node joins a running two-node net",
             "exercise 4 (8/8 validators); at epoch 3 node C (no validators, empty datadir) "
             "dials A, reaches the head, and all three see epoch 8 finalized", 16,
             [NodePlan("A", "A", range(8)), NodePlan("B", "B", range(8, 16), dials=("A",)),
              NodePlan("C", "B", dials=("A",), join_epoch=3)],
             checks=[lambda r: r.check_late_joiners()]),
    Scenario("partial-live", "Partially live node (SIGSTOP, SIGCONT)",
             "exercise 5; B-1 (4 of 16 validators) is SIGSTOPped at epoch 3 and SIGCONTed at "
             "epoch 5; finality continues (12/16 > 2/3 are live), B-1 catches up and all "
             "four see epoch 8 finalized and agree on head", 16, _topology_5(16),
             make_events=_pause_events, extra_epochs=3),
    Scenario("lossy", "Exercise 4 over a lossy, slow link",
             "exercise 4 in network namespaces with netem 50 ms +- 10 ms delay and 1% loss "
             "on every link; both see epoch 8 finalized", 16,
             [NodePlan("A", "A", range(8)), NodePlan("B", "B", range(8, 16), dials=("A",))],
             needs_netns=True, needs_netem=True,
             make_events=lambda run: [Event(0 - 99, "netem 50ms 10ms 1% on every link",
                                            lambda r: [r.network.shape(i, 50, 10, 1.0)
                                                       for i in r.index.values()])]),
    Scenario("lowest-slot", "Lowest slot time for exercise 5",
             "the smallest whole --seconds-per-slot (tried 1, 2, 3, 4, 6) at which exercise "
             "5 finalizes every epoch (lag <= 2 epochs from epoch 4 on) up to epoch 8", 16,
             [], meta=_lowest_meta),
    Scenario("scale", "More nodes x validators",
             "climb 4x8, 4x16, 6x16, 8x16 (nodes x validators each, ring topology, 2 s "
             "slots); each must finalize every epoch up to epoch 5; the largest passing "
             "product is the answer", 0, [], meta=_scale_meta),
]

"""The interop exercises 1-6 and the bonus, exactly as published (minimal preset,
quick-start genesis, static peering)."""
from __future__ import annotations

from testnet.scenarios.model import NodePlan, Scenario


def _peered(run) -> bool:
    """Exercise 1: both ends list the other as a connected peer after the status
    handshake, i.e. a req/resp stream was opened and answered."""
    s = [run.last.get(n) for n in run.nodes]
    return all(x is not None and (x.peers or 0) >= 1 for x in s)


def _topology_5(count: int) -> list[NodePlan]:
    per = count // 4
    return [NodePlan("A-1", "A", range(per, 2 * per)),
            NodePlan("B-1", "B", range(3 * per, 4 * per)),
            NodePlan("A-0", "A", range(0, per), dials=("A-1", "B-1")),
            NodePlan("B-0", "B", range(2 * per, 3 * per), dials=("A-1", "B-1"))]


def _late_joiner_checks(run) -> list[str]:
    return run.check_late_joiners()


EXERCISES = [
    Scenario("ex1", "Exercise 1: A peers with B and opens a stream",
             "B dials A; both list the other as connected (status handshake done) "
             "within the deadline", 16,
             [NodePlan("A", "A"), NodePlan("B", "B", dials=("A",))],
             goal_epoch=None, done=_peered, quick=True),
    Scenario("ex2", "Exercise 2: A runs 16 validators, B follows",
             "B (no validators) sees epoch 8 finalized", 16,
             [NodePlan("A", "A", range(16)), NodePlan("B", "B", dials=("A",))], quick=True),
    Scenario("ex3", "Exercise 3: as 2 with 32 validators",
             "B (no validators) sees epoch 8 finalized", 32,
             [NodePlan("A", "A", range(32)), NodePlan("B", "B", dials=("A",))], quick=True),
    Scenario("ex4", "Exercise 4: 16 validators split 8/8",
             "A and B both see epoch 8 finalized", 16,
             [NodePlan("A", "A", range(8)), NodePlan("B", "B", range(8, 16), dials=("A",))],
             quick=True),
    Scenario("ex5", "Exercise 5: four nodes, 4 validators each",
             "A-0, A-1, B-0, B-1 (A-0 and B-0 dial A-1 and B-1) all see epoch 8 finalized",
             16, _topology_5(16), quick=True),
    Scenario("ex6", "Exercise 6: four nodes, 8 validators each, epoch 128",
             "all four see epoch 128 finalized", 32, _topology_5(32), goal_epoch=128),
    Scenario("ex6-bonus", "Exercise 6 + bonus: a fifth node joins ~10 epochs in",
             "all four see epoch 128 finalized; the fifth node, started at epoch 10 with an "
             "empty datadir and dialing A-1 and B-1, syncs from genesis, reaches the "
             "others' head and sees epoch 128 finalized (sync rate in blocks/s reported)",
             32, _topology_5(32) + [NodePlan("late", "A", dials=("A-1", "B-1"), join_epoch=10)],
             goal_epoch=128, checks=[_late_joiner_checks]),
    Scenario("bonus", "Bonus alone: late joiner on exercise 5",
             "the fifth node, started at epoch 10 with an empty datadir, syncs from "
             "genesis, reaches the others' head and sees epoch 12 finalized", 16,
             _topology_5(16) + [NodePlan("late", "A", dials=("A-1", "B-1"), join_epoch=10)],
             goal_epoch=12, checks=[_late_joiner_checks]),
]

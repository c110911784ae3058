"""Mixed-client nets with the 2019 interop peers (issue: pair with Lodestar and Trinity).

The exercises 1-6 themselves run with any peer through `--with KIND --ours A|B`; these
are the nets whose node kinds are fixed per node:

- mixed5 / mixed6: the exercise 5 / 6 topology with two of ours (A-0, A-1) and two
  Lodestar (B-0, B-1).
- three-client: ours in the middle, Lodestar and Trinity each dialing it. Lodestar and
  Trinity share no gossip topic name and Lodestar drops Trinity's connections (no
  identify), so everything between them passes through our node's topic bridge.
- late-behind-lodestar: the bonus with a Lodestar-only chain: one Lodestar runs all 8
  validators, our node joins with an empty datadir at epoch 10 and syncs from it alone.
- lodestar-late: the reverse: ours runs all 16 validators, a Lodestar with an empty
  datadir joins at epoch 10 and syncs from us.
- lodestar-only-ex2 / -ex3 / -ex4: exercises 2, 3 and 4 with two Lodestar nodes and
  none of ours, the baseline that tells a peer's own limit from a pairing fault.

Trinity 2019 runs the preset's 6 s slots; Lodestar 2019 takes the net's slot time through
our clock patch (it had no flag for it). The nets default to 6 s.
"""
from __future__ import annotations

from testnet.scenarios.model import NodePlan, Scenario

LODESTAR, TRINITY, OURS = "lodestar-2019", "trinity-2019", "ours"


def _mixed(count: int) -> list[NodePlan]:
    per = count // 4
    return [NodePlan("A-1", "A", range(per, 2 * per), kind=OURS),
            NodePlan("B-1", "B", range(3 * per, 4 * per), kind=LODESTAR),
            NodePlan("A-0", "A", range(0, per), dials=("A-1", "B-1"), kind=OURS),
            NodePlan("B-0", "B", range(2 * per, 3 * per), dials=("A-1", "B-1"), kind=LODESTAR)]


INTEROP_2019 = [
    Scenario("mixed5", "Exercise 5 topology: A-0, A-1 ours; B-0, B-1 Lodestar 2019",
             "all four see epoch 8 finalized", 16, _mixed(16),
             default_seconds_per_slot=6),
    Scenario("mixed6", "Exercise 6 topology: A-0, A-1 ours; B-0, B-1 Lodestar 2019",
             "all four see epoch 128 finalized", 32, _mixed(32), goal_epoch=128,
             default_seconds_per_slot=6),
    Scenario("three-client", "Ours, Lodestar 2019 and Trinity 2019 in one net",
             "all three see epoch 8 finalized; Lodestar and Trinity hear each other only "
             "through our node", 16,
             [NodePlan("ours", "A", range(8, 16), kind=OURS),
              NodePlan("lodestar", "B", range(0, 4), dials=("ours",), kind=LODESTAR),
              NodePlan("trinity", "B", range(4, 8), dials=("ours",), kind=TRINITY)],
             default_seconds_per_slot=6),
    Scenario("late-behind-lodestar", "Bonus: our node joins late behind a Lodestar-only chain",
             "Lodestar (8 validators) runs alone; at epoch 10 our node (empty datadir) dials "
             "it, syncs from genesis from it alone, reaches its head and sees epoch 12 "
             "finalized (sync rate reported)", 8,
             [NodePlan("lodestar", "A", range(8), kind=LODESTAR),
              NodePlan("late", "B", dials=("lodestar",), join_epoch=10, kind=OURS)],
             goal_epoch=12, checks=[lambda run: run.check_late_joiners()],
             default_seconds_per_slot=6),
    Scenario("lodestar-late", "Bonus reversed: Lodestar joins late behind our node",
             "ours runs all 16 validators; at epoch 10 a Lodestar (empty datadir) dials it, "
             "syncs from genesis, reaches its head and sees epoch 12 finalized", 16,
             [NodePlan("ours", "A", range(16), kind=OURS),
              NodePlan("late", "B", dials=("ours",), join_epoch=10, kind=LODESTAR)],
             goal_epoch=12, checks=[lambda run: run.check_late_joiners()],
             default_seconds_per_slot=6),
    Scenario("lodestar-only-ex2", "Baseline: exercise 2 with two Lodestar 2019, none of ours",
             "B sees epoch 8 finalized (shows what Lodestar alone can do here)", 16,
             [NodePlan("A", "A", range(16), kind=LODESTAR),
              NodePlan("B", "B", dials=("A",), kind=LODESTAR)],
             default_seconds_per_slot=6),
    Scenario("lodestar-only-ex3", "Baseline: exercise 3 with two Lodestar 2019, none of ours",
             "B sees epoch 8 finalized (Lodestar A carries all 32 validators)", 32,
             [NodePlan("A", "A", range(32), kind=LODESTAR),
              NodePlan("B", "B", dials=("A",), kind=LODESTAR)],
             default_seconds_per_slot=6),
    Scenario("lodestar-only-ex4", "Baseline: exercise 4 with two Lodestar 2019, none of ours",
             "A and B see epoch 8 finalized", 16,
             [NodePlan("A", "A", range(8), kind=LODESTAR),
              NodePlan("B", "B", range(8, 16), dials=("A",), kind=LODESTAR)],
             default_seconds_per_slot=6),
]

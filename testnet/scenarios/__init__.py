"""Scenario table: `SCENARIOS[name]`; `QUICK` is the `make testnet` set, `FULL` all."""
from testnet.scenarios.beyond import BEYOND
from testnet.scenarios.exercises import EXERCISES
from testnet.scenarios.model import Event, NodePlan, Scenario

SCENARIOS: dict[str, Scenario] = {s.name: s for s in EXERCISES + BEYOND}
QUICK = [s.name for s in SCENARIOS.values() if s.quick]
# ex6 is covered by ex6-bonus (same net plus the late joiner); "bonus" is its short form.
FULL = [n for n in SCENARIOS if n not in ("ex6", "bonus")]

__all__ = ["SCENARIOS", "QUICK", "FULL", "Event", "NodePlan", "Scenario"]

"""Scenario table: `SCENARIOS[name]`; `QUICK` is the `make testnet` set, `FULL` all."""
from testnet.scenarios.beyond import BEYOND
from testnet.scenarios.exercises import EXERCISES
from testnet.scenarios.interop2019 import INTEROP_2019
from testnet.scenarios.misbehaviour import SCENARIOS as MISBEHAVIOUR
from testnet.scenarios.model import Event, NodePlan, Scenario

SCENARIOS: dict[str, Scenario] = {s.name: s for s in EXERCISES + BEYOND + MISBEHAVIOUR + INTEROP_2019}
QUICK = [s.name for s in SCENARIOS.values() if s.quick]
# ex6 is covered by ex6-bonus (same net plus the late joiner); "bonus" is its short form.
# The 2019-peer nets need the peers built and 6 s slots: `make interop-2019(-full)`.
FULL = [n for n in SCENARIOS if n not in ("ex6", "bonus")
        and SCENARIOS[n] not in INTEROP_2019]

__all__ = ["SCENARIOS", "QUICK", "FULL", "Event", "NodePlan", "Scenario"]

"""Run cases and count results per handler."""
from __future__ import annotations

import traceback
from collections import Counter
from dataclasses import dataclass, field

from beacon.config import Config
from spec_tests.case import Case, SkipCase
from spec_tests.runners import get_runner


@dataclass
class Outcome:
    case: Case
    status: str  # passed | failed | skipped
    detail: str = ""


def run_case(case: Case, config: Config) -> Outcome:
    run = get_runner(case.runner)
    if run is None:
        return Outcome(case, "failed", f"no runner for format {case.runner!r}")
    try:
        run(case, config)
    except SkipCase as e:
        return Outcome(case, "skipped", str(e))
    except Exception as e:  # noqa: BLE001 - every failure is reported, not raised
        return Outcome(case, "failed", f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=-3)}")
    return Outcome(case, "passed")


@dataclass
class Tally:
    per_handler: dict = field(default_factory=dict)
    totals: Counter = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        key = f"{outcome.case.config_name}/{outcome.case.runner}/{outcome.case.handler}"
        self.per_handler.setdefault(key, Counter())[outcome.status] += 1
        self.totals[outcome.status] += 1

    def summary_line(self) -> str:
        t = self.totals
        return f"{t['passed']} passed, {t['failed']} failed, {t['skipped']} skipped"

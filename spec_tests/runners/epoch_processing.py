"""Runner for `epoch_processing`: one epoch sub-transition on a prepared pre-state."""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.epoch import STEPS
from spec_tests.case import Case, CaseFailure
from spec_tests.protocol import PROTOCOL
from spec_tests.runners._state import assert_state_equal, load_state

_STEPS = dict(STEPS)


def run(case: Case, config: Config) -> None:
    step = _STEPS.get(case.handler)
    if step is None:
        raise CaseFailure(f"unknown epoch sub-transition {case.handler}")
    state = load_state(case, config, "pre")
    step(config, state, ctx=PROTOCOL.new_context(config))  # each case is its own chain
    assert_state_equal(state, load_state(case, config, "post"))

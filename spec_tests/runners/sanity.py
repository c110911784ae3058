"""Runner for `sanity`: slots (empty-slot transitions) and blocks (full transitions)."""
from __future__ import annotations

from beacon.config import Config
from spec_tests.case import Case, CaseFailure
from spec_tests.protocol import PROTOCOL
from spec_tests.runners._state import assert_state_equal, expect_outcome, load_state, signatures_for


def run(case: Case, config: Config) -> None:
    state = load_state(case, config, "pre")
    ctx = PROTOCOL.new_context(config)  # each case is its own chain: nothing cached across cases
    if case.handler == "slots":
        slots = int(case.load_yaml("slots.yaml"))
        PROTOCOL.process_slots(config, state, int(state.slot) + slots, ctx=ctx)
        assert_state_equal(state, load_state(case, config, "post"))
        return
    if case.handler != "blocks":
        raise CaseFailure(f"unknown sanity handler {case.handler}")
    T = PROTOCOL.types(config)
    count = int(case.meta["blocks_count"])
    blocks = [case.load_ssz(f"blocks_{i}", T.BeaconBlock) for i in range(count)]
    signatures = signatures_for(case)

    def apply():
        for block in blocks:
            PROTOCOL.state_transition(config, state, block, signatures=signatures,
                                      validate_state_root=True, ctx=ctx)
    expect_outcome(case, config, state, apply)

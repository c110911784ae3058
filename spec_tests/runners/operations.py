"""Runner for `operations`: one block operation applied to a pre-state."""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition.block import OPERATIONS, apply_operation
from beacon.state_transition.block.header import process_block_header
from spec_tests.case import Case, CaseFailure
from spec_tests.protocol import PROTOCOL
from spec_tests.runners._state import expect_outcome, load_state, signatures_for

_FUNCTIONS = {field[:-1]: fn for field, fn in OPERATIONS}
_TYPES = {
    "attestation": "Attestation", "attester_slashing": "AttesterSlashing",
    "block_header": "BeaconBlock", "deposit": "Deposit", "proposer_slashing": "ProposerSlashing",
    "transfer": "Transfer", "voluntary_exit": "VoluntaryExit",
}


def run(case: Case, config: Config) -> None:
    T = PROTOCOL.types(config)
    if case.handler not in _TYPES:
        raise CaseFailure(f"unknown operations handler {case.handler}")
    part = "block" if case.handler == "block_header" else case.handler
    operation = case.load_ssz(part, T.by_name(_TYPES[case.handler]))
    state = load_state(case, config, "pre")
    signatures = signatures_for(case)
    ctx = PROTOCOL.new_context(config)  # each case is its own chain: nothing cached across cases
    if case.handler == "block_header":
        def apply():
            process_block_header(config, state, operation, signatures, ctx=ctx)
    else:
        fn = _FUNCTIONS[case.handler]

        def apply():
            apply_operation(fn, config, state, operation, signatures, case.handler, None, ctx=ctx)
    expect_outcome(case, config, state, apply)

"""Helpers shared by the state-transition runners."""
from __future__ import annotations

from beacon.config import Config
from beacon.state_transition import Signatures
from spec_tests.case import Case, CaseFailure
from spec_tests.protocol import PROTOCOL


def signatures_for(case: Case) -> Signatures:
    """Honour `bls_setting`: 2 means BLS must be off; 0 and 1 run with BLS on."""
    return Signatures.OFF if case.bls_setting == 2 else Signatures.VERIFY


def load_state(case: Case, config: Config, part: str):
    return case.load_ssz(part, PROTOCOL.types(config).BeaconState)


def assert_state_equal(actual, expected) -> None:
    if actual.hash_tree_root() == expected.hash_tree_root():
        return
    fields = [name for name in type(expected).fields()
              if getattr(actual, name).hash_tree_root() != getattr(expected, name).hash_tree_root()]
    raise CaseFailure(f"post-state differs in: {', '.join(fields)}")


def expect_outcome(case: Case, config: Config, state, apply) -> None:
    """Run `apply()`; compare with post.ssz, or expect a failure when there is no post state."""
    if case.has("post.ssz"):
        apply()
        assert_state_equal(state, load_state(case, config, "post"))
        return
    try:
        apply()
    except Exception:  # noqa: BLE001 - any rejection is the expected outcome
        return
    raise CaseFailure("invalid input was accepted")

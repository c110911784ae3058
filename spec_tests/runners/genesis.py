"""Runner for `genesis`: initialization from eth1 deposits, and genesis validity."""
from __future__ import annotations

from beacon.config import Config
from beacon.genesis import initialize_beacon_state_from_eth1, is_valid_genesis_state
from spec_tests.case import Case, CaseFailure
from spec_tests.protocol import PROTOCOL
from spec_tests.runners._state import assert_state_equal, load_state, signatures_for


def run(case: Case, config: Config) -> None:
    T = PROTOCOL.types(config)
    if case.handler == "initialization":
        block_hash = bytes.fromhex(str(case.load_yaml("eth1_block_hash.yaml"))[2:])
        timestamp = int(case.load_yaml("eth1_timestamp.yaml"))
        count = int(case.meta["deposits_count"])
        deposits = [case.load_ssz(f"deposits_{i}", T.Deposit) for i in range(count)]
        state = initialize_beacon_state_from_eth1(config, block_hash, timestamp, deposits,
                                                  signatures=signatures_for(case))
        assert_state_equal(state, load_state(case, config, "state"))
    elif case.handler == "validity":
        state = load_state(case, config, "genesis")
        expected = bool(case.load_yaml("is_valid.yaml"))
        if is_valid_genesis_state(config, state) != expected:
            raise CaseFailure(f"is_valid_genesis_state should be {expected}")
    else:
        raise CaseFailure(f"unknown genesis handler {case.handler}")

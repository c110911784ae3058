"""Interop exercises with two of our nodes as subprocesses, observed via the HTTP API.

Exercise 2: A runs all 16 validators, B none and statically peered to A; B must see
epoch 8 finalized. Exercise 4: 8 validators each; both reach epoch 8 finalized.
Restart: B is SIGKILLed mid-run, restarted on its datadir, catches up and finalizes
with A. With 1-second slots, epoch 8 is finalized around slot 80.
"""
import pytest

from p2p.identity import parse_key
from tests.node.cluster import Node, make_genesis, wait_for

pytestmark = pytest.mark.slow

SECONDS_PER_SLOT = 1
TARGET_EPOCH = 8
# Finality of epoch 8 lands at the start of epoch 10 (slot 80): 80 s, plus startup.
FINALITY_TIMEOUT = 80 * SECONDS_PER_SLOT + 60

KEY_A = "11" * 32


def start_pair(tmp_path, validators_a, validators_b, delay=8):
    genesis = tmp_path / "genesis.ssz"
    make_genesis(genesis, 16, delay=delay)
    a = Node("A", tmp_path, genesis, validators=validators_a,
             seconds_per_slot=SECONDS_PER_SLOT, extra=("--p2p-key", KEY_A))
    addr_a = f"{a.listen}/p2p/{parse_key(KEY_A).peer_id}"
    b = Node("B", tmp_path, genesis, validators=validators_b,
             seconds_per_slot=SECONDS_PER_SLOT, peers=(addr_a,))
    a.start()
    b.start()
    return a, b


def both_finalized(a, b, epoch):
    fa, fb = a.finalized(), b.finalized()
    return fa and fb and fa[0] >= epoch and fb[0] >= epoch


def assert_same_finalized_chain(a, b):
    """The finalized checkpoint of the lower node is on the other's chain."""
    fa, fb = a.finalized(), b.finalized()
    low, other = (fa, b) if fa[0] <= fb[0] else (fb, a)
    header = other.get(f"/eth/v1/beacon/headers/{low[1]}")
    assert header is not None, (fa, fb)
    assert header["data"]["canonical"], (fa, fb)
    assert int(header["data"]["header"]["message"]["slot"]) <= low[0] * 8


def test_exercise_2_follower_sees_finality(tmp_path):
    a, b = start_pair(tmp_path, "0:16", None)
    try:
        wait_for(lambda: b.finalized_epoch() >= TARGET_EPOCH, FINALITY_TIMEOUT, a, b)
        peers = b.get("/eth/v1/node/peers")
        assert peers["meta"]["count"] >= 1
        assert_same_finalized_chain(a, b)
    finally:
        a.kill()
        b.kill()


def test_exercise_4_split_validators_finalize(tmp_path):
    a, b = start_pair(tmp_path, "0:8", "8:8")
    try:
        wait_for(lambda: both_finalized(a, b, TARGET_EPOCH), FINALITY_TIMEOUT, a, b)
        assert_same_finalized_chain(a, b)
    finally:
        a.kill()
        b.kill()


def test_restart_after_sigkill_catches_up(tmp_path):
    a, b = start_pair(tmp_path, "0:16", None)
    try:
        wait_for(lambda: b.head_slot() >= 20, 60, a, b)
        b.kill()  # SIGKILL mid-run
        wait_for(lambda: a.head_slot() >= 36, 60, a)  # A moves on without B
        b.genesis = None  # resume from the datadir
        b.start()
        wait_for(lambda: b.head_slot() >= a.head_slot() - 1 > 36, 60, a, b)
        wait_for(lambda: both_finalized(a, b, TARGET_EPOCH), FINALITY_TIMEOUT, a, b)
        assert_same_finalized_chain(a, b)
    finally:
        a.kill()
        b.kill()

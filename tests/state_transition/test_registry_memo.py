"""ValidatorColumns caches stay bounded while the registry does not change (issue 13).

A stable registry keeps one ValidatorColumns for the node's lifetime; its per-epoch and
per-slot memo keys used to accumulate forever (a slow RSS climb in long runs).
"""
from beacon.state_transition import registry
from beacon.state_transition.registry import ValidatorColumns


def test_memo_is_bounded_and_keeps_recent_keys():
    cols = ValidatorColumns(4)
    calls = []
    for slot in range(3 * registry._MEMO_SIZE):
        cols.memo(("proposer", slot), lambda: calls.append(1) or slot)
        cols.memo("pubkey_index", lambda: {"pk": 0})  # hot key, used every slot
    assert len(cols._memo) == registry._MEMO_SIZE
    assert "pubkey_index" in cols._memo
    assert ("proposer", 0) not in cols._memo
    assert cols.memo(("proposer", 3 * registry._MEMO_SIZE - 1), lambda: -1) == 3 * registry._MEMO_SIZE - 1
    assert len(calls) == 3 * registry._MEMO_SIZE


def test_active_indices_cache_is_bounded():
    cols = ValidatorColumns(4)
    cols.exit_epoch[:] = 2**64 - 1  # FAR_FUTURE_EPOCH: active from genesis on
    for epoch in range(3 * registry._ACTIVE_SIZE):
        assert list(cols.active_indices(epoch)) == [0, 1, 2, 3]
    assert len(cols._active) == registry._ACTIVE_SIZE

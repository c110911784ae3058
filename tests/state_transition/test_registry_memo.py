"""ValidatorColumns caches stay bounded while the registry does not change (issue 13).

A stable registry keeps one ValidatorColumns for the node's lifetime; its per-epoch and
per-slot memo keys used to accumulate forever (a slow RSS climb in long runs).
"""
from beacon.state_transition import registry
from beacon.state_transition.registry import ValidatorColumns


def test_memo_keeps_recent_epochs_only():
    """A bound by epochs, not by entries: a count of entries held ~70 epochs of
    committees on minimal, ~6 MB per 100 epochs of RSS climb in a soak."""
    cols = ValidatorColumns(4)
    calls = []
    slots_per_epoch = 8
    epochs = 3 * registry._MEMO_EPOCHS
    for slot in range(epochs * slots_per_epoch):
        epoch = slot // slots_per_epoch
        cols.memo(("proposer", slot), lambda: calls.append(1) or slot, epoch)
        cols.memo(("committees", epoch), lambda: calls.append(1) or epoch, epoch)
        cols.memo("pubkey_index", lambda: calls.append(1) or {"pk": 0})  # no epoch: kept
    assert list(cols._memo) == list(range(epochs - registry._MEMO_EPOCHS, epochs))
    assert sum(len(b) for b in cols._memo.values()) == registry._MEMO_EPOCHS * (slots_per_epoch + 1)
    assert len(calls) == epochs * (slots_per_epoch + 1) + 1
    # Hits within the window, a recompute outside it.
    last = epochs * slots_per_epoch - 1
    assert cols.memo(("proposer", last), lambda: -1, epochs - 1) == last
    assert cols.memo(("proposer", 0), lambda: -1, 0) == -1


def test_memo_bucket_is_bounded_on_many_forks():
    cols = ValidatorColumns(4)
    for seed in range(registry._MEMO_PER_EPOCH + 10):
        assert cols.memo(("proposer", 0, seed), lambda: seed, 0) == seed
    assert len(cols._memo[0]) == registry._MEMO_PER_EPOCH


def test_active_indices_cache_is_bounded():
    cols = ValidatorColumns(4)
    cols.exit_epoch[:] = 2**64 - 1  # FAR_FUTURE_EPOCH: active from genesis on
    for epoch in range(3 * registry._ACTIVE_SIZE):
        assert list(cols.active_indices(epoch)) == [0, 1, 2, 3]
    assert len(cols._active) == registry._ACTIVE_SIZE

"""Sync progress: distance, blocks/s over a window and an ETA, as /eth/v1/node/syncing shows."""
from beacon.network.sync import LOG_INTERVAL, RATE_WINDOW, SyncProgress


class FakeTime:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def test_rate_and_eta_follow_imports():
    now = FakeTime()
    p = SyncProgress(now)
    assert p.snapshot(0) is None and p.log_line(0) == "not syncing"
    p.start(target_slot=1000)
    s = p.snapshot(0)
    assert (s.distance, s.blocks_per_second, s.eta_seconds) == (1000, 0.0, None)
    for _ in range(4):
        now.t += 2
        p.record(64)
    s = p.snapshot(head_slot=256)
    assert s.distance == 744 and s.blocks_per_second == 32.0
    assert s.eta_seconds == 744 / 32
    assert "distance 744 slots, 32.0 blocks/s, ETA 23 s" in p.log_line(256)
    # Old samples leave the window: the rate reflects the recent pace only.
    now.t += RATE_WINDOW + 1
    p.record(10)
    now.t += 1
    p.record(10)
    assert p.snapshot(300).blocks_per_second < 1.0
    p.finish()
    assert p.snapshot(300) is None


def test_log_line_is_rate_limited():
    now = FakeTime()
    p = SyncProgress(now)
    p.start(target_slot=10)
    assert p.log_due() and not p.log_due()
    now.t += LOG_INTERVAL
    assert p.log_due()

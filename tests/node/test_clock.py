import pytest
import trio
import trio.testing

from beacon.node.clock import ClockError, SlotClock

GENESIS = 1_600_000_000


def mock_clock_at(offset: float) -> SlotClock:
    """A SlotClock whose wall time is genesis + offset + trio's (mock) time."""
    return SlotClock(GENESIS, 6, 8, now=lambda: GENESIS + offset + trio.current_time())


def test_current_slot_from_absolute_time():
    t = [GENESIS + 6 * 10 + 5.9]
    clock = SlotClock(GENESIS, 6, 8, now=lambda: t[0])
    assert clock.current_slot() == 10
    assert clock.current_epoch() == 1
    t[0] = GENESIS - 100
    assert clock.before_genesis() and clock.current_slot() == 0


def test_disparity_tolerance():
    t = [GENESIS + 6 * 10 + 5.7]
    clock = SlotClock(GENESIS, 6, 8, now=lambda: t[0])
    assert clock.slot_has_started(11)  # 0.3 s early: within 0.5 s
    assert not clock.slot_has_started(11, disparity=0.1)
    assert clock.latest_slot_with_disparity() == 11
    assert not clock.slot_has_started(12)


def test_rejects_bad_settings():
    with pytest.raises(ClockError):
        SlotClock(GENESIS, 0, 8)


def test_slot_iterator_yields_each_slot_start_without_drift():
    seen = []

    async def main():
        clock = mock_clock_at(-3)  # genesis is 3 s in the future
        async for slot in clock.slots():
            seen.append((slot, trio.current_time()))
            await trio.sleep(0.7)  # work inside a slot must not delay the next tick
            if slot == 1000:
                break

    trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert [s for s, _ in seen] == list(range(0, 1001))
    # Slot n starts exactly at 3 + 6n seconds of mock time, even after 1000 slots.
    for slot, at in seen:
        assert at == pytest.approx(3 + 6 * slot, abs=1e-6)


def test_slot_iterator_skips_missed_slots():
    seen = []

    async def main():
        clock = mock_clock_at(0)
        async for slot in clock.slots(start=1):
            seen.append(slot)
            if slot == 1:
                await trio.sleep(20)  # stall for 3+ slots
            if len(seen) == 3:
                break

    trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert seen == [1, 4, 5]  # woke at t=26, inside slot 4

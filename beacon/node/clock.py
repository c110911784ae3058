"""Slot clock: which slot it is, from the genesis time and the wall clock.

Every answer is computed from absolute wall time (`genesis_time + slot * seconds_per_slot`),
never by adding up sleeps, so the clock cannot drift however long the node runs; a late
wake-up (a busy event loop, a suspended laptop) only skips to the slot that is current.

The wall-time source is injectable so that tests can tie it to trio's clock and run
slot-timed code under `trio.testing.MockClock(autojump_threshold=0)`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import AsyncIterator, Callable

import trio

# v0.8.4 p2p-interface: "MAXIMUM_GOSSIP_CLOCK_DISPARITY 500 ms".
MAXIMUM_CLOCK_DISPARITY = 0.5


class ClockError(ValueError):
    """An impossible clock setting (non-positive slot length or epoch size)."""


@dataclass(frozen=True)
class SlotClock:
    """Maps wall time to slots.

    Args:
        genesis_time: unix time of slot 0 (the state's `genesis_time`).
        seconds_per_slot: slot length; may differ from the preset for tests.
        slots_per_epoch: the preset's SLOTS_PER_EPOCH.
        now: wall-time source in unix seconds (float).
    """

    genesis_time: int
    seconds_per_slot: float
    slots_per_epoch: int
    now: Callable[[], float] = time.time

    def __post_init__(self):
        if self.seconds_per_slot <= 0 or self.slots_per_epoch <= 0:
            raise ClockError(
                f"seconds_per_slot={self.seconds_per_slot} and slots_per_epoch="
                f"{self.slots_per_epoch} must be positive")

    def slot_start(self, slot: int) -> float:
        return self.genesis_time + slot * self.seconds_per_slot

    def current_slot(self) -> int:
        """The slot in progress; 0 before genesis (callers check `before_genesis`)."""
        elapsed = self.now() - self.genesis_time
        if elapsed < 0:
            return 0
        return int(elapsed // self.seconds_per_slot)

    def before_genesis(self) -> bool:
        return self.now() < self.genesis_time

    def current_epoch(self) -> int:
        return self.current_slot() // self.slots_per_epoch

    def slot_has_started(self, slot: int, disparity: float = MAXIMUM_CLOCK_DISPARITY) -> bool:
        """Whether `slot` has begun, allowing our clock to be `disparity` s behind a peer's."""
        return self.slot_start(slot) <= self.now() + disparity

    def latest_slot_with_disparity(self, disparity: float = MAXIMUM_CLOCK_DISPARITY) -> int:
        """Highest slot a peer with a slightly faster clock may already be in."""
        elapsed = self.now() + disparity - self.genesis_time
        return max(0, int(elapsed // self.seconds_per_slot))

    def seconds_until(self, when: float) -> float:
        return max(0.0, when - self.now())

    async def sleep_until(self, when: float) -> None:
        """Sleep until wall time `when`; re-checks the wall clock after waking up."""
        # Waking early (the wall clock moved backwards, or jitter) loops instead of
        # returning early; the bound keeps a wall clock that jumps far back from
        # spinning forever without yielding.
        for _ in range(1000):
            delay = when - self.now()
            if delay <= 0:
                return
            await trio.sleep(delay)

    async def sleep_until_slot_fraction(self, slot: int, fraction: float) -> None:
        await self.sleep_until(self.slot_start(slot) + fraction * self.seconds_per_slot)

    async def slots(self, start: int | None = None) -> AsyncIterator[int]:
        """Yield each slot number at its start, from `start` (default: the next slot).

        If the consumer falls behind by more than a slot, the missed slots are skipped
        and the current one is yielded: a node acts on the present, not on the past.
        """
        if start is None:
            start = 0 if self.before_genesis() else self.current_slot() + 1
        slot = start
        while True:
            await self.sleep_until(self.slot_start(slot))
            slot = max(slot, self.current_slot())
            yield slot
            slot += 1

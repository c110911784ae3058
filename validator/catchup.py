"""After a restart, attest for the slots the node missed (or whose votes it lost).

A node that was down for a few slots, or killed after signing but before its votes
reached a block, lost those votes: the attesters of those slots never attest again
for that target epoch. This client, on its first slot after a start, attests for
every slot s with

    head slot <= s < current slot,  s + SLOTS_PER_EPOCH >= current slot

before its normal duties. Only slots at or after the head block qualify: the head
state processed to s is then exactly the view the validator would have had at s (no
block came after it), so the vote is an honest vote for s. A vote at such a slot cannot
be in any block yet (inclusion needs a block after s), so nothing is duplicated.

Slashing protection decides per validator, as for any vote: no record for the target
epoch -> sign and record; the identical data already recorded (killed after signing)
-> sign again (BLS signatures are deterministic: the same signature); different data
-> refused and logged, as always. So this never signs anything slashable.
"""
from __future__ import annotations

import logging

from validator.client import ValidatorClient

log = logging.getLogger(__name__)


class CatchUpClient(ValidatorClient):
    """A `ValidatorClient` that first makes up for the slots before its first one."""

    _caught_up = False

    async def on_slot(self, slot: int, mid_slot_deadline: float) -> None:
        if not self._caught_up:
            self._caught_up = True
            try:
                await self.catch_up(slot)
            except Exception:  # best effort: never cost the slot's own duties
                log.exception("catch-up attestations before slot %d failed", slot)
        await super().on_slot(slot, mid_slot_deadline)

    async def catch_up(self, slot: int) -> int:
        """Attest for the missed slots before `slot`; returns how many slots had duties."""
        if not self.keys:
            return 0
        _, head_slot = self.backend.head()
        first = max(head_slot, slot - self.config.SLOTS_PER_EPOCH, 0)
        done = 0
        for s in range(first, slot):
            attesters = self._duties_for(s).attesters_at(s)
            if attesters:
                await self._attest(s, attesters)
                done += 1
        if done:
            log.info("caught up attestations for %d missed slots (%d..%d)", done, first, slot - 1)
        return done

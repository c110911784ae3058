"""After a restart, attest for the slots the node missed (or whose votes it lost).

A node that was down for a few slots, or killed after signing but before its votes
reached a block, lost those votes: the attesters of those slots never attest again
for that target epoch. This client, on its first slot after a start, attests for
every slot s with

    head slot <= s < current slot,  s + SLOTS_PER_EPOCH >= current slot

after that slot's own duties (a proposal first: a missed block costs more than a late
vote, and the next block includes these votes). The node cancels a slot's duties after
two slots; what is left is carried over to the next slot while still includable. Only slots at or after the head block qualify: the head
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
    """A `ValidatorClient` that makes up for the slots before its first one."""

    _missed: list[int] | None = None  # None until the first slot; then what is left

    async def on_slot(self, slot: int, mid_slot_deadline: float) -> None:
        if self._missed is None:
            _, head_slot = self.backend.head()
            self._missed = list(range(max(head_slot, slot - self.config.SLOTS_PER_EPOCH, 0), slot))
        await super().on_slot(slot, mid_slot_deadline)
        if self._missed:
            try:
                await self.catch_up(slot + 1)
            except Exception:  # best effort: the next slot's duties still run
                log.exception("catch-up attestations at slot %d failed", slot)

    async def catch_up(self, slot: int) -> int:
        """Attest for the missed slots that a block at `slot` can still include; returns
        how many slots had duties."""
        if not self.keys:
            return 0
        if self._missed is None:
            _, head_slot = self.backend.head()
            self._missed = list(range(max(head_slot, slot - self.config.SLOTS_PER_EPOCH, 0), slot))
        done = 0
        while self._missed:
            s = self._missed[0]
            if s + self.config.SLOTS_PER_EPOCH >= slot:  # still includable at `slot`
                attesters = self._duties_for(s).attesters_at(s)
                if attesters:
                    await self._attest(s, attesters)
                    done += 1
            self._missed.pop(0)  # after the votes: a cancelled slot is retried next time
        if done:
            log.info("caught up attestations for %d missed slots before slot %d", done, slot)
        return done

"""After a restart, attest for the slots the node missed (or whose votes it lost).

A node that was down for a few slots, or killed after signing but before its votes
reached a block, lost those votes: the attesters of those slots never attest again
for that target epoch. This client, on its first slot after a start, attests for
every slot s with

    head slot <= s < current slot,  s + SLOTS_PER_EPOCH >= current slot

on the head as it was at that first slot (`HeadAt`). No block came between that head
and s, so the head state processed to s is exactly the view the validator would have
had at s: an honest vote for s. A vote at such a slot cannot be in any block yet
(inclusion needs a block after s), so nothing is duplicated.

The catch-up runs after the slot's own duties (a missed proposal costs more than a late
vote; the next block includes these votes). The node cancels a slot's duties after two
slots; what is left is carried over to the next slot while still includable.

Slashing protection decides per validator, as for any vote: no record for the target
epoch -> sign and record; the identical data already recorded (killed after signing)
-> sign again (BLS signatures are deterministic: the same signature); different data
-> refused and logged, as always. So this never signs anything slashable.
"""
from __future__ import annotations

import logging

from beacon.chain.snapshot import dependent_root
from beacon.state_transition.slot import process_slots
from validator.client import ValidatorClient

log = logging.getLogger(__name__)


class HeadAt:
    """A `ValidatorBackend` frozen at the head it had when built; votes go through.

    Build it with `await HeadAt.freeze(config, backend)`. Its states advance in the
    node's worker (through `backend.on_head_state`), never on the event loop."""

    def __init__(self, config, backend, root: bytes, slot: int, state):
        self.config = config
        self._backend = backend
        self._root, self._slot = root, slot
        self._state = state  # a copy: ours; only advanced inside the worker calls

    @classmethod
    async def freeze(cls, config, backend) -> "HeadAt":
        root, slot = backend.head()
        state = await backend.on_head_state(slot, lambda s, ctx: s)
        return cls(config, backend, root, slot, state)

    def head(self) -> tuple[bytes, int]:
        return self._root, self._slot

    def dependent_root(self, epoch: int) -> bytes:
        return dependent_root(self.config, self._root, self._slot, self._state.block_roots,
                              epoch)

    def _advanced(self, slot: int, ctx):
        # Slots only move forward here: keep the last state and advance it.
        if int(self._state.slot) < slot:
            process_slots(self.config, self._state, slot, ctx=ctx)
        return self._state.copy()

    async def on_head_state(self, slot: int, fn, *args):
        # The node's call runs in its worker; the state it hands is ignored for ours.
        return await self._backend.on_head_state(
            self._slot, lambda _head_state, ctx: fn(self._advanced(slot, ctx), ctx, *args))

    async def submit_attestation(self, attestation) -> None:
        await self._backend.submit_attestation(attestation)


class CatchUpClient(ValidatorClient):
    """A `ValidatorClient` that makes up for the slots before its first one."""

    _missed: list[int] | None = None  # None until the first slot; then what is left
    _late: ValidatorClient | None = None  # signs the missed votes on the frozen head

    async def _plan(self, slot: int) -> None:
        if self._missed is not None:
            return
        if not self.keys:
            self._missed = []
            return
        view = await HeadAt.freeze(self.config, self.backend)
        head_slot = view.head()[1]
        self._missed = list(range(max(head_slot, slot - self.config.SLOTS_PER_EPOCH, 0), slot))
        if self._missed:
            self._late = ValidatorClient(self.config, list(self.keys.values()), view,
                                         self.protection, self.pool, self.metrics)

    _running = False  # the node runs slots' duties concurrently: one catch-up at a time

    async def on_slot(self, slot: int, mid_slot_deadline: float) -> None:
        await self._plan(slot)
        await super().on_slot(slot, mid_slot_deadline)
        if self._missed and not self._running:
            self._running = True
            try:
                await self.catch_up(slot + 1)
            except Exception:  # best effort: the next slot's duties still run
                log.exception("catch-up attestations at slot %d failed", slot)
            finally:
                self._running = False

    async def catch_up(self, slot: int) -> int:
        """Attest for the missed slots that a block at `slot` can still include; returns
        how many slots had duties."""
        await self._plan(slot)
        done = 0
        while self._missed:
            s = self._missed[0]
            if s + self.config.SLOTS_PER_EPOCH >= slot:  # still includable at `slot`
                attesters = (await self._late._duties_for(s)).attesters_at(s)
                if attesters:
                    await self._late._attest(s, attesters)
                    done += 1
            self._missed.pop(0)  # after the votes: a cancelled slot is retried next time
        if done:
            log.info("caught up attestations for %d missed slots before slot %d", done, slot)
        return done

"""Misbehaving validators, FOR TESTNETS ONLY: equivocation and late votes on purpose.

`beacon-node run --misbehave double-propose,double-vote --attest-delay SECONDS` (hidden
flags, absent from --help) makes this node's validator client:
- double-propose: after each normal proposal, sign a second, conflicting block for the
  same slot and parent (another graffiti, so another body and root) and submit it;
- double-vote: after each normal vote, sign a second vote for the same source and
  target whose `beacon_block_root` is the head's parent, and submit it;
- attest-delay S: build and sign each vote at the usual time, but hand it to the node
  (import and gossip) S seconds later.
Only the second, conflicting message bypasses slashing protection; the normal one is
checked and recorded as always. A node started this way gets its validators slashed
by any peer running a slasher (beacon/operations/slasher.py).

Data flow: node `_make_validator` -> `make_client(options, ...)` -> `ValidatorClient`
or `MisbehavingClient` (a subclass; the normal duty code runs unchanged).

Delayed votes are not handed to a background task: they wait in `_delayed`, and the
duty run of each later slot sends those due before the next slot starts, so they live
within the slot loop's per-slot time budget and are cancelled with it at shutdown.
"""
from __future__ import annotations

import logging

import trio

from beacon import bls
from beacon.state_transition import StateTransitionError
from beacon.state_transition import helpers as h
from ssz.signing import hash_tree_root
from validator import production
from validator.client import ValidatorClient
from validator.misbehave_options import Misbehave, Misbehaviour

log = logging.getLogger(__name__)

CONFLICT_GRAFFITI = b"pybeacon-equivocation".ljust(32, b"\x00")
MAX_DELAYED = 1024


def make_client(options, keys, backend, protection, pool, metrics):
    """The node's validator client: misbehaving only when the options ask for it."""
    mis = options.extra.get("misbehaviour")
    if mis:
        log.warning("TESTNET ONLY: validators misbehave (%s, attest delay %.1f s)",
                    ", ".join(sorted(m.value for m in mis.kinds)) or "-", mis.attest_delay)
        return MisbehavingClient(options.config, keys, backend, protection, pool, metrics,
                                 misbehaviour=mis)
    from validator.catchup import CatchUpClient  # votes missed while the node was down
    return CatchUpClient(options.config, keys, backend, protection, pool, metrics)


class _DelayedVotes:
    """The node as the normal duty code sees it, except that votes are held back."""

    def __init__(self, backend, client: "MisbehavingClient"):
        self._backend, self._client = backend, client

    def __getattr__(self, name):
        return getattr(self._backend, name)

    async def submit_attestation(self, att) -> None:
        await self._client._submit_attestation(att)


class MisbehavingClient(ValidatorClient):
    def __init__(self, *args, misbehaviour: Misbehaviour, **kwargs):
        super().__init__(*args, **kwargs)
        self.mis = misbehaviour
        self._node = self.backend
        self.backend = _DelayedVotes(self._node, self)
        self._delayed: list[tuple[float, object]] = []   # (trio deadline, attestation)
        self.conflicts_sent = {"block": 0, "attestation": 0}
        self.late_sent = 0

    async def on_slot(self, slot: int, mid_slot_deadline: float) -> None:
        async with trio.open_nursery() as n:
            n.start_soon(self._send_due)
            await super().on_slot(slot, mid_slot_deadline)

    async def _send_due(self) -> None:
        """Send the delayed votes due before this slot ends (see the module docstring)."""
        if not self._delayed:
            return
        horizon = trio.current_time() + self.config.SECONDS_PER_SLOT
        due = sorted((d for d in self._delayed if d[0] < horizon), key=lambda d: d[0])
        self._delayed = [d for d in self._delayed if d[0] >= horizon]
        for deadline, att in due:
            await trio.sleep_until(deadline)
            log.info("sending a vote for target epoch %d %.1f s late (by design)",
                     int(att.data.target.epoch), self.mis.attest_delay)
            self.late_sent += 1
            await self._node.submit_attestation(att)

    async def _submit_attestation(self, att) -> None:
        if self.mis.attest_delay > 0:
            if len(self._delayed) < MAX_DELAYED:
                self._delayed.append((trio.current_time() + self.mis.attest_delay, att))
            return
        await self._node.submit_attestation(att)

    # --- double proposal ---------------------------------------------------------
    async def _propose(self, slot: int, key) -> None:
        parent_root, _ = self.backend.head()
        state = await self.backend.on_head_state(slot, lambda s, ctx: s)  # a copy, ours to use
        await super()._propose(slot, key)
        if Misbehave.DOUBLE_PROPOSE in self.mis.kinds:
            await self._propose_conflicting(slot, key, parent_root, state)

    async def _propose_conflicting(self, slot, key, parent_root, state) -> None:
        c = self.config
        from validator.eth1_mock import mock_eth1_data
        try:
            block = production.build_block(
                c, state, parent_root=parent_root, slot=slot, graffiti=CONFLICT_GRAFFITI,
                randao_reveal=production.randao_reveal(c, state, slot, key.privkey),
                eth1_data=mock_eth1_data(c, state, slot // c.SLOTS_PER_EPOCH))
        except StateTransitionError as e:   # e.g. this proposer is slashed by now
            log.info("no second block at slot %d: %s", slot, e)
            return
        production.sign_block(c, state, block, key.privkey)   # no slashing protection
        log.warning("MISBEHAVING: second block at slot %d by validator %d", slot, key.index)
        self.conflicts_sent["block"] += 1
        await self.backend.submit_block(block)

    # --- double vote and late votes ------------------------------------------------
    async def _attest(self, slot: int, duties) -> None:
        state = await self.backend.on_head_state(slot, lambda s, ctx: s)  # a copy, ours to use
        await super()._attest(slot, duties)
        if Misbehave.DOUBLE_VOTE in self.mis.kinds:
            await self._attest_conflicting(slot, duties, state)

    async def _attest_conflicting(self, slot, duties, state) -> None:
        """Same source and target, another block root (the head's parent): a double vote."""
        c = self.config
        other_root = bytes(state.latest_block_header.parent_root)
        if other_root == bytes(32):
            return  # the head is the genesis block: no other block to vote for
        by_shard: dict[int, list] = {}
        for d in duties:
            by_shard.setdefault(d.shard, []).append(d)
        for shard, group in by_shard.items():
            data = production.attestation_data(c, state, head_root=other_root, shard=shard)
            message = hash_tree_root(self.T.AttestationDataAndCustodyBit(data=data, custody_bit=False))
            domain = h.get_domain(c, state, c.DOMAIN_ATTESTATION, int(data.target.epoch))
            n = len(group[0].committee)
            bits = [False] * n
            sigs = []
            for d in group:
                bits[d.position] = True
                sigs.append(bls.sign(message, self.keys[d.validator_index].privkey, domain))
            Bits = self.T.Attestation.fields()["aggregation_bits"]
            att = self.T.Attestation(aggregation_bits=Bits(*bits), data=data,
                                     custody_bits=Bits(*([False] * n)),
                                     signature=bls.aggregate_signatures(sigs) if len(sigs) > 1 else sigs[0])
            log.warning("MISBEHAVING: second vote for target epoch %d by %d validators",
                        int(data.target.epoch), len(sigs))
            self.conflicts_sent["attestation"] += 1
            await self._submit_attestation(att)

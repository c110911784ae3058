"""In-process validator client: proposes and attests for our validators, slot by slot.

Data flow per slot (driven by the node's slot clock):
    slot start -> (new epoch) duties from the head state advanced to the epoch start
               -> proposer? build on the head, sign (slashing protection first), submit
               -> attesters of this slot: wait for the slot's block or mid-slot, build
                  the data on the head, sign each (slashing protection first), aggregate
                  ours with the same data, submit
The client reads the chain through `ValidatorBackend` and hands its blocks and
attestations back through it; the node imports them locally and publishes them on
gossip. It never mutates chain state: it works on copies. Its CPU work (duties, block
building, signing, the slashing-protection database) runs through
`backend.on_head_state`, one call per duty, which the node runs in the chain's worker
thread, off the event loop, on the head state advanced to the duty's slot.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import trio

from beacon import bls
from beacon.config import Config
from beacon.state_transition import helpers as h
from beacon.state_transition import StateTransitionError
from beacon.types import get_types
from ssz.signing import hash_tree_root, signing_root
from validator import production
from validator.duties import EpochDuties, compute_epoch_duties
from validator.eth1_mock import mock_eth1_data
from validator.keys import interop_privkey
from beacon.chain.op_pool import OperationPool
from validator.slashing_protection import SlashingProtection, SlashingProtectionError

log = logging.getLogger(__name__)

GRAFFITI = b"pybeacon".ljust(32, b"\x00")


class ValidatorBackend(Protocol):
    """The node as seen by the validator client."""

    def head(self) -> tuple[bytes, int]: ...  # (root, slot)
    def dependent_root(self, epoch: int) -> bytes: ...  # last block before the epoch, head's chain
    # fn(copy of the head state processed to `slot`, the EpochContext of the thread it
    # runs in, *args), off the event loop
    async def on_head_state(self, slot: int, fn, *args): ...
    async def wait_for_block_at(self, slot: int) -> None: ...  # returns when head.slot >= slot
    async def submit_block(self, block) -> None: ...
    async def submit_attestation(self, attestation) -> None: ...


@dataclass(frozen=True)
class Key:
    index: int
    privkey: int
    pubkey: bytes


def interop_keys(indices) -> list[Key]:
    from validator.keys import interop_pubkey
    return [Key(i, interop_privkey(i), interop_pubkey(i)) for i in indices]


class ValidatorClient:
    def __init__(self, config: Config, keys: list[Key], backend: ValidatorBackend,
                 protection: SlashingProtection, pool: OperationPool, metrics=None):
        self.config = config
        self.T = get_types(config)
        self.keys = {k.index: k for k in keys}
        self.backend = backend
        self.protection = protection
        self.pool = pool
        self.metrics = metrics
        self.duties: EpochDuties | None = None
        self._dependent = b""          # the block the cached duties' shufflings depend on

    # --- duties ----------------------------------------------------------------
    async def _duties_for(self, slot: int) -> EpochDuties:
        """Duties of the slot's epoch on the current head's chain.

        Recomputed when a reorg changes the block the epoch's shufflings depend on: the
        block at the epoch's start - 1 fixes the seed and the active set, so duties
        cached on another branch would sign for the wrong proposer or committee.
        """
        c = self.config
        epoch = slot // c.SLOTS_PER_EPOCH
        start = epoch * c.SLOTS_PER_EPOCH
        dependent = self.backend.dependent_root(epoch)
        if self.duties is None or self.duties.epoch != epoch or self._dependent != dependent:
            ours = set(self.keys)
            self.duties = await self.backend.on_head_state(
                max(start, slot), lambda state, ctx: compute_epoch_duties(c, state, ours, ctx=ctx))
            self._dependent = dependent
            log.debug("epoch %d duties: proposers %s, attesters %d", epoch,
                      self.duties.proposers, len(self.duties.attesters))
        return self.duties

    async def on_slot(self, slot: int, mid_slot_deadline: float) -> None:
        """Do every duty of `slot`. `mid_slot_deadline` is the trio time of mid-slot."""
        if not self.keys:
            return
        duties = await self._duties_for(slot)
        proposer = duties.proposers.get(slot)
        if proposer is not None and slot > 0:
            await self._propose(slot, self.keys[proposer])
        if duties.attesters_at(slot):
            with trio.move_on_at(mid_slot_deadline):
                await self.backend.wait_for_block_at(slot)
            # The block we waited for may have moved the head to another branch.
            attesters = (await self._duties_for(slot)).attesters_at(slot)
            if attesters:
                await self._attest(slot, attesters)

    # --- proposing -------------------------------------------------------------
    async def _propose(self, slot: int, key: Key) -> None:
        parent_root, _ = self.backend.head()
        block = await self.backend.on_head_state(slot, self._build_block, slot, key, parent_root)
        if block is None:
            return
        await self.backend.submit_block(block)
        if self.metrics:
            self.metrics.validator_blocks_proposed_total.inc()

    def _build_block(self, state, ctx, slot: int, key: Key, parent_root: bytes):
        """Off the event loop: build, protect and sign; None when protection refuses."""
        c = self.config
        epoch = slot // c.SLOTS_PER_EPOCH
        body = dict(parent_root=parent_root, slot=slot, graffiti=GRAFFITI,
                    randao_reveal=production.randao_reveal(c, state, slot, key.privkey),
                    eth1_data=mock_eth1_data(c, state, epoch))
        try:
            block = production.build_block(c, state, ctx=ctx,
                                           operations=self.pool.block_operations(state, ctx),
                                           **body)
        except StateTransitionError as e:
            # The pool's cheap checks let through an operation the state rejects: a
            # block without operations beats a missed slot.
            log.warning("pooled operations do not apply at slot %d (%s); proposing without", slot, e)
            try:
                block = production.build_block(c, state, ctx=ctx, **body)
            except StateTransitionError as e:  # e.g. our proposer was slashed: attest still
                log.warning("cannot propose at slot %d: %s", slot, e)
                return
        root = signing_root(block)
        try:
            self.protection.check_and_record_block(key.pubkey, slot, root)
        except SlashingProtectionError as e:
            log.warning("%s", e)
            self._refused(e)
            return None
        log.debug("signing block slot %d validator %d root %s", slot, key.index, root.hex())
        production.sign_block(c, state, block, key.privkey)
        log.debug("proposing slot %d by validator %d: %s (%d attestations)", slot, key.index,
                  root.hex()[:12], len(block.body.attestations))
        return block

    # --- attesting -------------------------------------------------------------
    async def _attest(self, slot: int, duties) -> None:
        head_root, _ = self.backend.head()
        signed = await self.backend.on_head_state(slot, self._build_attestations, slot, duties,
                                                  head_root)
        for att, signers in signed:
            # Not into the pool here: the node imports it (no second signature check)
            # and the chain pools it then, once.
            await self.backend.submit_attestation(att)
            if self.metrics:
                self.metrics.validator_attestations_published_total.inc(signers)

    def _build_attestations(self, state, ctx, slot: int, duties, head_root: bytes) -> list:
        """Off the event loop: one aggregate per shard of our validators' signed votes
        (slashing protection first), as (attestation, number of signers)."""
        c = self.config
        out = []
        by_shard: dict[int, list] = {}
        for d in duties:
            by_shard.setdefault(d.shard, []).append(d)
        for shard, group in by_shard.items():
            data = production.attestation_data(c, state, head_root=head_root, shard=shard)
            message = hash_tree_root(self.T.AttestationDataAndCustodyBit(data=data, custody_bit=False))
            domain = h.get_domain(c, state, c.DOMAIN_ATTESTATION, int(data.target.epoch))
            committee_len = len(group[0].committee)
            bits, sigs = [False] * committee_len, []
            data_root = hash_tree_root(data)
            source, target = int(data.source.epoch), int(data.target.epoch)
            keys = [self.keys[d.validator_index] for d in group]
            # One durable record for the whole group, before any of it is signed.
            verdicts = self.protection.check_and_record_attestations(
                [(key.pubkey, source, target, data_root) for key in keys])
            for d, key, refused in zip(group, keys, verdicts):
                if refused is not None:
                    log.warning("%s", refused)
                    self._refused(refused)
                    continue
                log.debug("signing attestation validator %d source %d target %d root %s",
                          d.validator_index, source, target, data_root.hex())
                bits[d.position] = True
                sigs.append(bls.sign(message, key.privkey, domain))
            if not sigs:
                continue
            Bits = self.T.Attestation.fields()["aggregation_bits"]
            att = self.T.Attestation(
                aggregation_bits=Bits(*bits), data=data,
                custody_bits=Bits(*([False] * committee_len)),
                signature=bls.aggregate_signatures(sigs) if len(sigs) > 1 else sigs[0])
            log.debug("attesting slot %d shard %d with %d validators", slot, shard, len(sigs))
            out.append((att, len(sigs)))
        return out

    def _refused(self, e: SlashingProtectionError) -> None:
        if self.metrics:
            self.metrics.validator_slashing_protection_refusals_total.inc(kind=e.kind)

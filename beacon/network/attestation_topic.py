"""Gossip attestations: their own checks here, then the fork-choice import after forwarding.

    attestation ─> target epoch is the current or the previous one (clock)
                ─> voted block known (fork choice, or a block we just let through)
                   else QUEUE: not forwarded; the vote is queued to the chain behind
                   the block's import (the chain fetches the block if it never comes)
                ─> committee of (target epoch, shard) from the snapshot's EpochFacts:
                   bitfield length, at least one bit, no custody bit (phase 0)
                ─> aggregate signature (SignatureBatch, worker threads)
                ─> ACCEPT: forwarded; ChainService.enqueue_attestation(verified=True)
                   imports it without a second BLS check, then pools it

v0.8.4 asks only that "the block being voted for passes validation"; the committee and
signature checks are what keeps us from forwarding forged votes.
"""
from __future__ import annotations

from beacon import bls
from beacon.network.errors import Ignore, Queue, Reject
from beacon.types import get_types
from p2p.gossip import Topic
from ssz.signing import hash_tree_root


class AttestationTopic:
    topic = Topic.BEACON_ATTESTATION

    def __init__(self, config, chain_service, clock, blocks, batch):
        """Args: blocks: the BlockTopic (its `seen` blocks count as validated);
        batch: the SignatureBatch that runs the BLS checks."""
        self.config = config
        self.T = get_types(config)
        self.cs = chain_service
        self.clock = clock
        self.blocks = blocks
        self.batch = batch

    async def validate(self, att, peer: str) -> None:
        """Raises: Ignore, Queue (voted block unknown) or Reject (malformed, bad signature)."""
        snap = self.cs.snapshot
        data = att.data
        spe = self.config.SLOTS_PER_EPOCH
        target = int(data.target.epoch)
        newest = self.clock.latest_slot_with_disparity() // spe
        if not (self.clock.current_epoch() - 1 <= target <= newest):
            raise Ignore(f"target epoch {target} is neither the current nor the previous")
        voted = bytes(data.beacon_block_root)
        if not snap.knows_block(voted) and voted not in self.blocks.seen:
            # Often the voted block is still in the chain's import queue (ours, or one
            # that came without forwarding): queue the vote behind it, unverified; the
            # chain checks it then, or fetches the block by root if it never came.
            self.cs.enqueue_attestation(att, "gossip", peer)
            raise Queue(f"voted block 0x{voted.hex()[:12]} not imported yet: vote queued")
        facts = snap.facts(target)
        if facts is None:
            self.cs.enqueue_attestation(att, "gossip", peer)
            raise Ignore(f"no committees for epoch {target} yet: imported, not forwarded")
        committee = facts.committees.committee(int(data.crosslink.shard))
        bits = [bool(b) for b in att.aggregation_bits]
        if len(committee) == 0 or len(bits) != len(committee):
            raise Reject(f"{len(bits)} bits for a committee of {len(committee)}")
        if not any(bits):
            raise Reject("no attester")
        if any(att.custody_bits):
            raise Reject("custody bit set (phase 0)")
        attesters = [int(v) for v, bit in zip(committee, bits) if bit]
        message_type = self.T.AttestationDataAndCustodyBit
        signature = bytes(att.signature)

        def check() -> bool:
            message = hash_tree_root(message_type(data=data, custody_bit=False))
            pubkeys = [facts.pubkey(i) for i in attesters]
            return bls.fast_aggregate_verify(pubkeys, message, signature, facts.attestation_domain)

        ok = await self.batch.verify(check)
        if ok is None:
            raise Ignore("signature queue full")
        if not ok:
            # Committees depend on the target's chain; facts from our head prove a
            # vote on another branch (or a later epoch) nothing. Let the import judge.
            if facts.advanced or not self._on_head_chain(snap, bytes(data.target.root)):
                self.cs.enqueue_attestation(att, "gossip", peer)
                raise Ignore("signature does not match our head's committee; imported")
            raise Reject("bad attestation signature")
        if not self.cs.enqueue_attestation(att, "gossip", peer, verified=True):
            raise Ignore("import queue full")

    @staticmethod
    def _on_head_chain(snap, root: bytes) -> bool:
        return any(r == root for r, _ in snap.ancestors(snap.head_root))

"""Gossip blocks: the v0.8.4 forwarding checks here, the full import after forwarding.

    block ─> slot window (not future beyond MAXIMUM_GOSSIP_CLOCK_DISPARITY, after the
             finalized slot) ─> not seen / not known ─> proposer signature against the
             proposer the head state (advanced to the block's epoch) names
          ─> ACCEPT: pubsub forwards it; ChainService.enqueue_block imports it after

Everything this reads comes from the published `ChainSnapshot` (proposers and domains
in its `EpochFacts`), so the check runs beside an import in progress: the signing root
and the BLS verify go to a worker thread of their own, never the chain's.

When the snapshot has no facts for the block's epoch (a node far behind, or a block
from before the head's epoch), or the signature fails against facts that do not come
from the block's own parent (a fork, or an epoch the head has not reached), the block
is imported without being forwarded: we cannot vouch for it, and the import judges it
(charging the sender through the boundary if it is invalid). Only a block on our head
whose signature fails is rejected here.

DoS: one signing root and one BLS verify per new block root; the seen set remembers
`SEEN_BLOCKS` roots, so a replayed block costs one hash and a set lookup.
"""
from __future__ import annotations

import trio

from beacon import bls
from beacon.network.errors import Ignore, Reject
from beacon.network.seen import SeenRoots
from p2p.gossip import Topic
from ssz.signing import signing_root

SEEN_BLOCKS = 1024


def _check_proposer(block, facts, seen: SeenRoots) -> tuple[bytes, bool | None]:
    """Worker thread: (signing root, signature valid?); None when already seen."""
    root = signing_root(block)
    if root in seen:
        return root, None
    pubkey = facts.pubkey(facts.proposers[int(block.slot)])
    return root, bls.verify(pubkey, root, bytes(block.signature), facts.proposer_domain)


class BlockTopic:
    topic = Topic.BEACON_BLOCK

    def __init__(self, config, chain_service, clock):
        self.config = config
        self.cs = chain_service
        self.clock = clock
        self.seen = SeenRoots(SEEN_BLOCKS)  # proposer-signed blocks we let through

    async def validate(self, block, peer: str) -> None:
        """Raises: Ignore (window, duplicate, busy, cannot judge) or Reject (signature)."""
        snap = self.cs.snapshot
        slot = int(block.slot)
        spe = self.config.SLOTS_PER_EPOCH
        if not self.clock.slot_has_started(slot):
            raise Ignore(f"block of slot {slot} is from the future")
        if slot <= snap.finalized[0] * spe:
            raise Ignore(f"block of slot {slot} is not after the finalized slot")
        facts = snap.facts(slot // spe)
        if facts is None or slot not in facts.proposers:
            self.cs.enqueue_block(block, "gossip", peer)
            raise Ignore(f"no proposer known for slot {slot} yet: imported, not forwarded")
        root, valid = await trio.to_thread.run_sync(_check_proposer, block, facts, self.seen)
        if valid is None or root in self.seen or snap.knows_block(root):
            raise Ignore("block already seen")
        if not valid:
            parent = bytes(block.parent_root)
            exact = (parent == facts.source_root if facts.advanced
                     else parent == snap.head_root)  # exact facts hold on the head's chain
            if not exact:
                # Facts from another head may name another proposer: not proof. Let
                # the import judge; it charges the sender if the block is invalid.
                self.cs.enqueue_block(block, "gossip", peer)
                raise Ignore(f"block of slot {slot}: signature does not match the proposer "
                             "our head names; imported, not forwarded")
            raise Reject(f"block of slot {slot}: bad proposer signature")
        self.seen.add(root)
        if not self.cs.enqueue_block(block, "gossip", peer):
            raise Ignore("import queue full")

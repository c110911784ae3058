"""The node as the HTTP API and the validator client read it (`ApiBackend`,
`ValidatorBackend`).

Cheap answers come from the chain task's published snapshot (head, checkpoints, hot
states, the fork-choice block tree) and from LevelDB reads, on the trio thread, so they
answer at once even while an import runs. Anything that needs the chain's own
machinery (replaying blocks to an old state, processing empty slots, proposer and
committee helpers, block production) is sent with `ChainService.read` to the chain's
worker thread, between two imports.

Our validator's blocks and attestations go through the chain task like any other
import and are then published on gossip; an attestation we signed is imported without
a second signature check and enters the op pool there, once.
"""
from __future__ import annotations

import logging

from beacon.chain.errors import StateUnavailable
from beacon.chain.snapshot import dependent_root
from beacon.network.chain_view import stored_block
from beacon.operations.submit import check_and_pool, pooled_operations, publish_operation
from beacon.state_transition.helpers import get_beacon_proposer_index
from beacon.types import get_types
from p2p.gossip import Topic
from ssz.signing import hash_tree_root
from validator.production import state_at_slot

log = logging.getLogger(__name__)


class NodeView:
    def __init__(self, config, chain_service, network=None, clock=None):
        self.config = config
        self.cs = chain_service
        self.network = network  # beacon.network.service.Network or None (no p2p)
        self.clock = clock
        self.T = get_types(config)
        self._db = chain_service.chain.db
        self._advanced: tuple | None = None  # (head root, slot, state): duties reuse it

    @property
    def snapshot(self):
        return self.cs.snapshot

    # --- ApiBackend: from the snapshot and LevelDB ------------------------------
    def genesis(self) -> dict:
        state = self.cs.anchor_state
        return {"genesis_time": int(state.genesis_time),
                "genesis_validators_root": hash_tree_root(state.validators),
                "genesis_fork_version": bytes(state.fork.current_version)}

    def head(self) -> tuple[bytes, int]:
        snap = self.cs.snapshot
        return snap.head_root, snap.head_slot

    def finalized_root(self) -> bytes:
        return self.cs.snapshot.finalized[1]

    def justified_root(self) -> bytes:
        return self.cs.snapshot.justified[1]

    def finalized_slot(self) -> int:
        return self.cs.snapshot.finalized[0] * self.config.SLOTS_PER_EPOCH

    def genesis_root(self) -> bytes:
        return self.cs.anchor_root

    def block_root_at_slot(self, slot: int) -> bytes | None:
        return self._db.canonical_root(slot)

    def block(self, root: bytes):
        return stored_block(self._db, self.T, root)

    def identity(self) -> dict:
        if self.network is None:
            return {"peer_id": "", "p2p_addresses": []}
        return self.network.identity()

    def peers(self) -> list[dict]:
        return [] if self.network is None else self.network.peer_list()

    def sync_status(self) -> dict:
        head_slot = self.cs.snapshot.head_slot
        current = self.clock.current_slot() if self.clock else head_slot
        distance = max(0, current - head_slot)
        # A node a couple of slots behind is following, not syncing (empty slots happen).
        status = {"head_slot": head_slot, "sync_distance": distance,
                  "is_syncing": distance > 2 * self.config.SLOTS_PER_EPOCH}
        progress = self.network.sync.progress.snapshot(head_slot) if self.network else None
        if progress is not None:
            status.update(sync_distance=max(distance, progress.distance), is_syncing=True,
                          blocks_per_second=progress.blocks_per_second,
                          eta_seconds=progress.eta_seconds)
        return status

    # --- ApiBackend: may need the chain's worker --------------------------------
    async def state_at_block(self, root: bytes):
        """Post-state of a block (shared: never mutate), None when unknown."""
        state = self.cs.snapshot.states.get(bytes(root))
        if state is not None:
            return state

        def regen(chain):
            try:
                return chain.regen.state_of_block(bytes(root))
            except StateUnavailable:
                return None
        return await self.cs.read(regen)

    async def state_at_slot(self, slot: int):
        """Canonical state at `slot`; None past the head (processing empty slots up to
        any slot a client names would be a free CPU sink) or before the anchor."""
        snap = self.cs.snapshot
        if slot > snap.head_slot:
            return None
        if slot == snap.head_slot:
            return snap.head_state

        def at_slot(chain):
            try:
                return chain.state_at_slot(slot, snap.head_root)
            except StateUnavailable:
                return None
        return await self.cs.read(at_slot)

    async def state_by_root(self, state_root: bytes):
        """Post-state of the non-finalized block (or anchor) whose state root this is."""
        state_root = bytes(state_root)
        if self.cs.anchor_state.hash_tree_root() == state_root:
            return self.cs.anchor_state
        for root in list(self.cs.snapshot.blocks):
            block = self.block(root)
            if block is not None and bytes(block.state_root) == state_root:
                return await self.state_at_block(root)
        return None

    async def proposer_index(self, root: bytes) -> int | None:
        # v0.8.4 blocks do not name their proposer. The block's post-state has the
        # block's slot, and a block cannot change that slot's proposer (the seed and
        # effective balances it depends on only move at epoch boundaries).
        state = await self.state_at_block(root)
        if state is None or int(state.slot) == 0:
            return None if state is None else 0  # the genesis block has no proposer
        return await self.cs.read(
            lambda chain: get_beacon_proposer_index(self.config, state, ctx=chain.ctx))

    async def fork_choice_tree(self) -> dict:
        """The fork choice's block tree since finality (for /eth/v1/debug/fork_choice):
        checkpoints and, per block, root, parent root, slot and LMD-GHOST weight."""
        def dump(chain) -> dict:
            fc = chain.fork_choice
            p = fc.proto
            nodes = [{"root": p.roots[i],
                      "parent_root": p.roots[p.parents[i]] if p.parents[i] >= 0 else None,
                      "slot": p.slots[i], "weight": p.weights[i]} for i in range(len(p))]
            return {"justified": (int(fc.justified.epoch), bytes(fc.justified.root)),
                    "finalized": (int(fc.finalized.epoch), bytes(fc.finalized.root)),
                    "nodes": nodes}
        return await self.cs.read(dump)

    async def submit_operation(self, kind: str, op) -> None:
        """beacon/operations/submit.py: checked on the head state and pooled in the
        chain's worker (a state transition; the pool's one writer), then published.

        Raises:
            OperationRejected: it does not apply to the head state.
        """
        await self.cs.read(lambda chain: check_and_pool(self.config, chain.head_state(),
                                                        self.cs.pool, kind, op))
        if self.network is not None:
            await publish_operation(self.network, kind, op)

    def pooled_operations(self, kind: str) -> list:
        return pooled_operations(self.cs.pool, kind)

    # --- ValidatorBackend ----------------------------------------------------
    def dependent_root(self, epoch: int) -> bytes:
        """The last block before `epoch` starts on the head's chain (what fixes the
        epoch's shuffling): b"" for epoch 0."""
        snap = self.cs.snapshot
        return dependent_root(self.config, snap.head_root, snap.head_slot,
                              snap.head_state.block_roots, epoch)

    async def on_head_state(self, slot: int, fn, *args):
        """`fn(state, ctx, *args)` with a copy of the head state processed to `slot` and
        the chain's EpochContext, in the chain's worker: one trip per duty, and the
        validator's helpers (committees, proposers, block building) run in the one
        thread that may use their caches.
        The advanced state is kept per head and slot, so the duties of a slot share it."""
        snap = self.cs.snapshot

        def work(chain):
            cached = self._advanced
            if cached is None or cached[0] != snap.head_root or cached[1] != slot:
                cached = self._advanced = (snap.head_root, slot,
                                           state_at_slot(self.config, snap.head_state, slot,
                                                         ctx=chain.ctx))
            return fn(cached[2].copy(), chain.ctx, *args)
        return await self.cs.read(work)

    async def wait_for_block_at(self, slot: int) -> None:
        await self.cs.wait_for_block_at(slot)

    async def submit_block(self, block) -> None:
        error = await self.cs.import_block(block, "local")
        if error is not None:
            log.warning("our own block at slot %d was not imported: %s", int(block.slot), error)
            return
        if self.network is not None:
            await self.network.publish(Topic.BEACON_BLOCK, block)

    async def submit_attestation(self, attestation) -> None:
        # We signed it: imported (and pooled) without a second signature check. The
        # duty does not wait for the import (the chain may be busy with a block); the
        # vote goes out on gossip now. Only a full queue makes it wait its turn.
        if not self.cs.enqueue_attestation(attestation, "local", verified=True):
            error = await self.cs.import_attestation(attestation, "local", verified=True)
            if error is not None:
                log.warning("our own attestation was not imported: %s", error)
        if self.network is not None:
            await self.network.publish(Topic.BEACON_ATTESTATION, attestation)

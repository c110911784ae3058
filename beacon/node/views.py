"""Read-only views of the node for the HTTP API and the validator client.

`NodeView` adapts the chain (through `chain_adapter`) and the p2p host to the
`ApiBackend` and `ValidatorBackend` protocols. Reads are synchronous on the trio
thread, between imports of the chain task, so they always see a consistent chain.
Submissions from the validator go through the chain task like any other import and
are then published on gossip.
"""
from __future__ import annotations

import logging

from beacon.node import chain_adapter as ca
from beacon.node.chain_service import ChainService, Outcome
from beacon.operations.submit import pooled_operations, submit_operation
from beacon.state_transition.helpers import get_beacon_proposer_index
from beacon.state_transition.slot import process_slots
from ssz.signing import hash_tree_root

log = logging.getLogger(__name__)


class NodeView:
    def __init__(self, config, chain_service: ChainService, network=None, clock=None):
        self.config = config
        self.cs = chain_service
        self.network = network  # beacon.node.network.Network or None (no p2p)
        self.clock = clock
        self._head_state_cache: tuple | None = None  # (head root, slot, state)

    @property
    def chain(self):
        return self.cs.chain

    # --- ApiBackend ----------------------------------------------------------
    def genesis(self) -> dict:
        state = ca.genesis_state(self.chain)
        return {"genesis_time": int(state.genesis_time),
                "genesis_validators_root": hash_tree_root(state.validators),
                "genesis_fork_version": bytes(state.fork.current_version)}

    def head(self):
        return ca.head(self.chain)

    def finalized_root(self):
        return ca.finalized_checkpoint(self.chain)[1]

    def justified_root(self):
        return ca.justified_checkpoint(self.chain)[1]

    def finalized_slot(self) -> int:
        return ca.finalized_checkpoint(self.chain)[0] * self.config.SLOTS_PER_EPOCH

    def genesis_root(self):
        return ca.anchor_root(self.chain)

    def block_root_at_slot(self, slot):
        return ca.canonical_root_at_slot(self.chain, slot)

    def block(self, root):
        return ca.block_by_root(self.chain, root)

    def proposer_index(self, root) -> int | None:
        # v0.8.4 blocks do not name their proposer. The block's post-state has the
        # block's slot, and a block cannot change that slot's proposer (the seed and
        # effective balances it depends on only move at epoch boundaries).
        state = ca.state_at_block(self.chain, root)
        if state is None or int(state.slot) == 0:
            return None if state is None else 0  # the genesis block has no proposer
        return get_beacon_proposer_index(self.config, state)

    def state_at_block(self, root):
        return ca.state_at_block(self.chain, root)

    def fork_choice_tree(self) -> dict:
        return ca.fork_choice_tree(self.chain)

    def state_at_slot(self, slot):
        return ca.state_at_slot(self.chain, slot)

    def state_by_root(self, state_root):
        return ca.state_by_state_root(self.chain, state_root)

    def identity(self) -> dict:
        if self.network is None:
            return {"peer_id": "", "p2p_addresses": []}
        return self.network.identity()

    def peers(self) -> list[dict]:
        return [] if self.network is None else self.network.peer_list()

    def sync_status(self) -> dict:
        head_slot = self.head()[1]
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

    async def submit_operation(self, kind: str, op) -> None:  # beacon/operations/submit.py
        await submit_operation(self.config, self.state_at_block(self.head()[0]), self.cs.pool,
                               self.network, kind, op)

    def pooled_operations(self, kind: str) -> list:
        return pooled_operations(self.cs.pool, kind)

    # --- ValidatorBackend ----------------------------------------------------
    def state_at_slot_on_head(self, slot: int):
        """A copy of the head state processed up to `slot` (cached per head and slot)."""
        root, _ = self.head()
        cached = self._head_state_cache
        if cached and cached[0] == root and cached[1] == slot:
            return cached[2].copy()
        state = ca.state_at_block(self.chain, root).copy()
        if int(state.slot) < slot:
            process_slots(self.config, state, slot)
        self._head_state_cache = (root, slot, state)
        return state.copy()

    async def wait_for_block_at(self, slot: int) -> None:
        await self.cs.wait_for_block_at(slot)

    async def submit_block(self, block) -> None:
        result = await self.cs.submit("block", block, "local")
        if result.outcome is not Outcome.IMPORTED:
            log.warning("our own block at slot %d was not imported: %s %s",
                        int(block.slot), result.outcome.value, result.reason)
            return
        if self.network is not None:
            await self.network.publish_block(block)

    async def submit_attestation(self, attestation) -> None:
        result = await self.cs.submit("attestation", attestation, "local")
        if result.outcome not in (Outcome.IMPORTED, Outcome.KNOWN, Outcome.DEFERRED):
            log.warning("our own attestation was not imported: %s %s",
                        result.outcome.value, result.reason)
        if self.network is not None:
            await self.network.publish_attestation(attestation)

"""The chain as readers see it: an immutable snapshot the chain task publishes.

The chain task (beacon/chain/service.py) builds a `ChainSnapshot` in its worker thread
after every change (import, tick, state advance) and swaps it in with one attribute
assignment on the trio thread. Readers (HTTP API, validator duties, req/resp, sync,
gossip validation in its own threads) take `service.snapshot` once and read only it,
so they never meet a half-applied import and never touch the chain's mutable parts
(fork choice arrays, the regen LRU, the head pointer).

Invariants (what makes sharing across threads safe):
- every mapping is a fresh dict behind `MappingProxyType`, never mutated afterwards;
- every state in it is a post-state the chain will not mutate again (the chain copies
  a parent state before applying a block; `EpochFacts.state` is a private copy);
- `EpochCommittees` hold read-only numpy arrays.

`EpochFacts` is what gossip validation needs and may not compute itself (committee
and proposer helpers keep process-wide caches that only the chain thread may touch):
proposers by slot, committees by shard, and the signing domains of one epoch, taken
from the head state (advanced to that epoch for later ones). Budget: exact facts are
cached by (dependent root, epoch), so once per epoch; advanced ones cost one epoch
transition (~10-50 ms at 64 validators) per slot tick near an epoch's end, never per import.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Iterator, Mapping

from beacon.config import Config
from beacon.state_transition import helpers as h
from beacon.state_transition.slot import process_slots

# Epochs past the head state's that facts are computed for: enough for the next epoch
# while following; a node far behind has nothing to validate gossip against anyway.
MAX_ADVANCE_EPOCHS = 2
FACTS_CACHE = 8


def dependent_root(config, head_root: bytes, head_slot: int, block_roots, epoch: int,
                   genesis: bytes = b"") -> bytes:
    """The last block before `epoch` starts, on the chain of `head_root` (at `head_slot`,
    with that chain's `block_roots`): it fixes the epoch's seed, active set, balances and
    start shard, hence its committees and proposers. `genesis` stands for it in epoch 0."""
    start = epoch * config.SLOTS_PER_EPOCH
    if start == 0:
        return genesis
    if start > head_slot:
        return head_root  # the epoch starts after the head: the head is that block
    return bytes(block_roots[(start - 1) % config.SLOTS_PER_HISTORICAL_ROOT])


@dataclass(frozen=True)
class EpochFacts:
    """Exact (`advanced` False): from the head state, for its own or previous epoch; a
    block or vote on the head's chain that fails against them is invalid. Advanced:
    from the head state of the last tick pushed through an epoch transition; later
    blocks of the old epoch can still change the next epoch's balances and so its
    proposers, so a failure against them proves nothing (gossip then lets the import
    judge)."""
    epoch: int
    proposers: Mapping[int, int]  # slot -> proposer index (empty before the head's epoch)
    committees: Any  # beacon.state_transition.helpers.EpochCommittees
    proposer_domain: bytes
    attestation_domain: bytes
    state: Any  # the state these facts come from; read for pubkeys, never mutated
    source_root: bytes  # the head block they were computed from
    advanced: bool

    def pubkey(self, index: int) -> bytes:
        return bytes(self.state.validators[int(index)].pubkey)

    def validator_count(self) -> int:
        return len(self.state.validators)


@dataclass(frozen=True)
class ChainSnapshot:
    version: int  # bumped on every publication; tests and waiters compare it
    head_root: bytes
    head_slot: int
    justified: tuple[int, bytes]  # (epoch, root)
    finalized: tuple[int, bytes]
    head_state: Any
    states: Mapping[bytes, Any]  # hot post-states by block root (the regen cache)
    blocks: Mapping[bytes, tuple[bytes, int]]  # fork-choice blocks: root -> (parent, slot)
    epochs: Mapping[int, EpochFacts]

    def knows_block(self, root: bytes) -> bool:
        """Whether `root` is in the fork choice (since finalization)."""
        return bytes(root) in self.blocks

    def ancestors(self, root: bytes) -> Iterator[tuple[bytes, int]]:
        """(root, slot) from `root` back to the oldest fork-choice block."""
        root = bytes(root)
        while root in self.blocks:
            parent, slot = self.blocks[root]
            yield root, slot
            root = parent

    def facts(self, epoch: int) -> EpochFacts | None:
        return self.epochs.get(int(epoch))


class SnapshotMaker:
    """Builds snapshots; called only in the chain task's worker thread."""

    def __init__(self, config: Config, chain):
        self.config = config
        self.chain = chain
        self.version = 0
        self._facts: OrderedDict[tuple[bytes, int], EpochFacts] = OrderedDict()
        self._advanced: dict[int, EpochFacts] = {}  # epochs after the head's, from the last tick

    def take(self, advance: bool = False) -> ChainSnapshot:
        """The chain as it is now.

        Args:
            advance: also compute facts for epochs after the head's (an epoch
                transition on a copy of the head state). The chain task asks for it at
                slot ticks only; snapshots taken after imports reuse the last advanced
                facts, so a node importing many blocks pays no epoch transition per block.
        """
        chain = self.chain
        head = bytes(chain.head_root)
        head_state = chain.regen.state_of_block(head)
        proto = chain.fork_choice.proto
        blocks = {}
        for i, root in enumerate(proto.roots):
            parent = proto.parents[i]
            blocks[root] = (proto.roots[parent] if parent >= 0 else bytes(32), proto.slots[i])
        states = dict(chain.regen._hot)
        states[head] = head_state  # a head read from disk is not in the hot cache
        self.version += 1
        return ChainSnapshot(
            version=self.version, head_root=head, head_slot=int(chain.head_slot),
            justified=(int(chain.justified_checkpoint.epoch), bytes(chain.justified_checkpoint.root)),
            finalized=(int(chain.finalized_checkpoint.epoch), bytes(chain.finalized_checkpoint.root)),
            head_state=head_state,
            states=MappingProxyType(states),
            blocks=MappingProxyType(blocks),
            epochs=MappingProxyType(self._epoch_facts(head, head_state, advance)))

    def _epoch_facts(self, head: bytes, head_state, advance: bool) -> dict[int, EpochFacts]:
        """Exact facts for the head's previous and own epoch; advanced facts for the
        epochs up to the next slot's while following (head at most one epoch behind the
        clock). A syncing node skips the advance: gossip is not what it lives on."""
        c = self.config
        spe = c.SLOTS_PER_EPOCH
        head_epoch = int(head_state.slot) // spe
        out = {}
        for epoch in range(max(0, head_epoch - 1), head_epoch + 1):
            key = (self._dependent_root(head, head_state, epoch), epoch)
            facts = self._facts.get(key)
            if facts is None:
                facts = self._facts[key] = self._compute(head_state, head_epoch, epoch)
                while len(self._facts) > FACTS_CACHE:
                    self._facts.popitem(last=False)
            out[epoch] = facts
        now_slot = max(0, int((self.chain.now() - self.chain.genesis_time) // c.SECONDS_PER_SLOT))
        last = min((now_slot + 1) // spe, head_epoch + MAX_ADVANCE_EPOCHS)
        if now_slot // spe - head_epoch > 1:
            last = head_epoch
        if advance:
            old = self._advanced
            self._advanced = {e: old[e] if e in old and old[e].source_root == head
                              else self._compute(head_state, head_epoch, e)
                              for e in range(head_epoch + 1, last + 1)}
        for epoch, facts in self._advanced.items():
            if head_epoch < epoch <= last:
                out[epoch] = facts
        return out

    def _dependent_root(self, head: bytes, head_state, epoch: int) -> bytes:
        # Facts computed for one head serve every later head sharing this root.
        return dependent_root(self.config, head, int(head_state.slot), head_state.block_roots,
                              epoch, genesis=b"genesis")

    def _compute(self, head_state, head_epoch: int, epoch: int) -> EpochFacts:
        source_root = bytes(self.chain.head_root)
        c, ctx = self.config, self.chain.ctx
        state = head_state
        if epoch > head_epoch:
            state = head_state.copy()
            process_slots(c, state, epoch * c.SLOTS_PER_EPOCH, ctx=ctx)
        proposers = {}
        if epoch >= head_epoch:
            probe = state.copy()
            start = epoch * c.SLOTS_PER_EPOCH
            for slot in range(start, start + c.SLOTS_PER_EPOCH):
                probe.slot = slot  # proposers depend on the epoch's seed and balances only
                proposers[slot] = int(h.get_beacon_proposer_index(c, probe, ctx=ctx))
        return EpochFacts(
            epoch=epoch, proposers=MappingProxyType(proposers),
            committees=h.get_epoch_committees(c, state, epoch, ctx=ctx),
            proposer_domain=h.get_domain(c, state, c.DOMAIN_BEACON_PROPOSER, epoch),
            attestation_domain=h.get_domain(c, state, c.DOMAIN_ATTESTATION, epoch),
            state=state, source_root=source_root, advanced=epoch > head_epoch)

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
from the head state advanced to that epoch. Budget: one epoch transition per new
epoch per head (~10-50 ms at 64 validators), otherwise cached by (head, epoch).
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


@dataclass(frozen=True)
class EpochFacts:
    epoch: int
    proposers: Mapping[int, int]  # slot -> proposer index (empty before the head's epoch)
    committees: Any  # beacon.state_transition.helpers.EpochCommittees
    proposer_domain: bytes
    attestation_domain: bytes
    state: Any  # the state these facts come from; read for pubkeys, never mutated

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

    def take(self) -> ChainSnapshot:
        chain, c = self.chain, self.config
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
            epochs=MappingProxyType(self._epoch_facts(head, head_state)))

    def _epoch_facts(self, head: bytes, head_state) -> dict[int, EpochFacts]:
        c = self.config
        head_epoch = int(head_state.slot) // c.SLOTS_PER_EPOCH
        now_slot = max(0, int((self.chain.now() - self.chain.genesis_time) // c.SECONDS_PER_SLOT))
        last = min((now_slot + 1) // c.SLOTS_PER_EPOCH, head_epoch + MAX_ADVANCE_EPOCHS)
        out = {}
        for epoch in range(max(0, head_epoch - 1), max(head_epoch, last) + 1):
            key = (head, epoch)
            facts = self._facts.get(key)
            if facts is None:
                facts = self._facts[key] = self._compute(head_state, head_epoch, epoch)
                while len(self._facts) > FACTS_CACHE:
                    self._facts.popitem(last=False)
            out[epoch] = facts
        return out

    def _compute(self, head_state, head_epoch: int, epoch: int) -> EpochFacts:
        c = self.config
        state = head_state
        if epoch > head_epoch:
            state = head_state.copy()
            process_slots(c, state, epoch * c.SLOTS_PER_EPOCH)
        proposers = {}
        if epoch >= head_epoch:
            probe = state.copy()
            start = epoch * c.SLOTS_PER_EPOCH
            for slot in range(start, start + c.SLOTS_PER_EPOCH):
                probe.slot = slot  # proposers depend on the epoch's seed and balances only
                proposers[slot] = int(h.get_beacon_proposer_index(c, probe))
        return EpochFacts(
            epoch=epoch, proposers=MappingProxyType(proposers),
            committees=h.get_epoch_committees(c, state, epoch),
            proposer_domain=h.get_domain(c, state, c.DOMAIN_BEACON_PROPOSER, epoch),
            attestation_domain=h.get_domain(c, state, c.DOMAIN_ATTESTATION, epoch),
            state=state)

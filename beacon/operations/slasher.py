"""A small slasher: slashable pairs among the blocks and votes the chain has verified.

    Chain.import_block  (signature checked) -> on_block(root, block, post_state)
        same proposer, same slot, other root          -> ProposerSlashing
    Chain.import_attestation (signature checked) -> on_attestation(indexed)
        same validator, same target, other data        -> AttesterSlashing (double vote)
        same validator, one vote surrounds the other   -> AttesterSlashing (surround)
    each slashing -> check_operation(head state) -> operation pool (our next proposals)

The chain calls it through its `observer` hook after an import succeeded, so it sees
only messages whose signatures verified: evidence from them is valid evidence. Gossip
blocks and votes, our own and sync'd ones all pass through there; votes only seen
inside blocks are not examined.

Memory is bounded (DoS): at most `max_blocks` (proposer, slot) records and `max_votes`
(validator, target epoch) records, the oldest evicted first, and records older than
`window_epochs` behind the newest epoch seen are pruned. Evidence older than the window
is missed, which is the price of the bound. A surround check walks one validator's
records (at most window_epochs of them). Each validator is reported once
(`max_reported` remembered), so an offender that keeps equivocating does not fill the
pool with slashings of an already slashed validator.

Cost: one proposer computation per block (from its post-state, cached shufflings), a
dict lookup per voter per vote; BLS only when evidence is found (check_operation).
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from beacon.config import Config
from beacon.operations.check import OperationRejected, add_to_pool, check_operation
from beacon.state_transition.helpers import get_beacon_proposer_index
from beacon.types import get_types
from ssz.signing import hash_tree_root

log = logging.getLogger(__name__)

MAX_BLOCKS = 4096          # (proposer, slot) records: 512 epochs of minimal, 128 of mainnet
MAX_VOTES = 65536          # (validator, target) records: 4 epochs of 16k validators
WINDOW_EPOCHS = 16
MAX_REPORTED = 4096


@dataclass
class _Vote:
    data_root: bytes
    source: int
    target: int
    indexed: object            # the IndexedAttestation it came in (shared by its voters)


class Slasher:
    """See the module docstring. Not thread-safe: call it from the chain's task only.

    Args:
        pool: where found slashings go (`add_proposer_slashing`, `add_attester_slashing`).
        head_state: the head block's post-state (read only; evidence is checked on a copy).
    """

    def __init__(self, config: Config, pool, head_state: Callable[[], object], *,
                 max_blocks: int = MAX_BLOCKS, max_votes: int = MAX_VOTES,
                 window_epochs: int = WINDOW_EPOCHS, max_reported: int = MAX_REPORTED):
        self.config = config
        self.T = get_types(config)
        self.pool = pool
        self.head_state = head_state
        self.max_blocks, self.max_votes = max_blocks, max_votes
        self.window_epochs, self.max_reported = window_epochs, max_reported
        self._blocks: OrderedDict[tuple[int, int], object] = OrderedDict()  # -> header
        self._votes: dict[int, dict[int, _Vote]] = {}
        self._vote_order: OrderedDict[tuple[int, int], None] = OrderedDict()
        self._reported: OrderedDict[tuple[str, int], None] = OrderedDict()
        self._newest_epoch = 0
        self.found = {"proposer_slashing": 0, "attester_slashing": 0}
        self.pooled = {"proposer_slashing": 0, "attester_slashing": 0}

    # --- bookkeeping ------------------------------------------------------------------
    def record_count(self) -> tuple[int, int]:
        """(block records, vote records): both stay within their bounds."""
        return len(self._blocks), len(self._vote_order)

    def _advance(self, epoch: int) -> None:
        if epoch <= self._newest_epoch:
            return
        self._newest_epoch = epoch
        horizon = epoch - self.window_epochs
        spe = self.config.SLOTS_PER_EPOCH
        for key in [k for k in self._blocks if k[1] // spe < horizon]:
            del self._blocks[key]
        for key in [k for k in self._vote_order if k[1] < horizon]:
            self._drop_vote(key)

    def _drop_vote(self, key: tuple[int, int]) -> None:
        self._vote_order.pop(key, None)
        per = self._votes.get(key[0])
        if per is not None:
            per.pop(key[1], None)
            if not per:
                del self._votes[key[0]]

    def _reported_already(self, kind: str, index: int) -> bool:
        return (kind, index) in self._reported

    def _mark_reported(self, kind: str, index: int) -> None:
        self._reported[(kind, index)] = None
        while len(self._reported) > self.max_reported:
            self._reported.popitem(last=False)

    # --- blocks -------------------------------------------------------------------------
    def on_block(self, root: bytes, block, post_state, ctx=None) -> None:
        """A block whose proposer signature verified; `post_state` is at its slot;
        `ctx` the importing chain's EpochContext."""
        try:
            self._on_block(block, post_state, ctx)
        except Exception:  # the slasher must never fail an import
            log.exception("slasher: block at slot %d", int(block.slot))

    def _on_block(self, block, post_state, ctx) -> None:
        slot = int(block.slot)
        if slot == 0:
            return
        self._advance(slot // self.config.SLOTS_PER_EPOCH)
        if slot // self.config.SLOTS_PER_EPOCH < self._newest_epoch - self.window_epochs:
            return  # older than the window (range sync of history)
        proposer = get_beacon_proposer_index(self.config, post_state, ctx=ctx)
        header = self.T.BeaconBlockHeader(
            slot=slot, parent_root=block.parent_root, state_root=block.state_root,
            body_root=hash_tree_root(block.body), signature=block.signature)
        key = (proposer, slot)
        seen = self._blocks.get(key)
        if seen is None:
            self._blocks[key] = header
            while len(self._blocks) > self.max_blocks:
                self._blocks.popitem(last=False)
            return
        if hash_tree_root(seen) == hash_tree_root(header):
            return
        self.found["proposer_slashing"] += 1
        if self._reported_already("proposer", proposer):
            return
        op = self.T.ProposerSlashing(proposer_index=proposer, header_1=seen, header_2=header)
        if self._pool("proposer_slashing", op):
            self._mark_reported("proposer", proposer)
            log.warning("slasher: validator %d proposed two blocks at slot %d; "
                        "proposer slashing pooled", proposer, slot)

    # --- attestations -------------------------------------------------------------------
    def on_attestation(self, indexed) -> None:
        """An IndexedAttestation whose aggregate signature verified."""
        try:
            self._on_attestation(indexed)
        except Exception:
            log.exception("slasher: attestation")

    def _on_attestation(self, indexed) -> None:
        data = indexed.data
        source, target = int(data.source.epoch), int(data.target.epoch)
        self._advance(target)
        if target < self._newest_epoch - self.window_epochs:
            return
        new = _Vote(hash_tree_root(data), source, target, indexed)
        # (earlier vote's IndexedAttestation, surrounds?) -> voters; one slashing per pair
        evidence: dict[int, tuple[_Vote, list[int]]] = {}
        voters = [int(i) for i in indexed.custody_bit_0_indices] + \
                 [int(i) for i in indexed.custody_bit_1_indices]
        for v in voters:
            per = self._votes.setdefault(v, {})
            old = per.get(target)
            conflict = None
            if old is not None:
                if old.data_root != new.data_root:
                    conflict = old
            else:
                conflict = next((o for o in per.values() if _surrounds(o, new) or _surrounds(new, o)), None)
                self._record(v, new)
            if conflict is not None and not self._reported_already("attester", v):
                evidence.setdefault(id(conflict.indexed), (conflict, []))[1].append(v)
        for old, vs in evidence.values():
            self.found["attester_slashing"] += 1
            first, second = (new, old) if _surrounds(new, old) else (old, new)
            op = self.T.AttesterSlashing(attestation_1=first.indexed, attestation_2=second.indexed)
            if self._pool("attester_slashing", op):
                for v in vs:
                    self._mark_reported("attester", v)
                log.warning("slasher: validators %s voted twice for target epoch %d (or "
                            "surround); attester slashing pooled", vs, target)

    def _record(self, v: int, vote: _Vote) -> None:
        self._votes[v][vote.target] = vote
        self._vote_order[(v, vote.target)] = None
        while len(self._vote_order) > self.max_votes:
            self._drop_vote(next(iter(self._vote_order)))

    # --- output -------------------------------------------------------------------------
    def _pool(self, kind: str, op) -> bool:
        state = self.head_state()
        if state is None:
            return False
        try:
            check_operation(self.config, state, kind, op)
        except OperationRejected as e:
            log.info("slasher: %s not pooled: %s", kind, e.reason)
            return False
        add_to_pool(self.pool, kind, op)
        self.pooled[kind] += 1
        return True


def _surrounds(a: _Vote, b: _Vote) -> bool:
    """a surrounds b (is_slashable_attestation_data's second rule, a as data_1)."""
    return a.source < b.source and b.target < a.target

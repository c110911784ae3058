"""The operation pool's attestations, kept in the chain database across restarts.

A node killed between receiving (or making) a vote and including it in a block lost the
vote: the pool lived in memory only, and our own validators cannot sign again for that
target epoch (slashing protection). With every restart costing the votes of the slots
around it, a node holding all the validators kept justifying but stopped finalizing
(issue 12, "finality across restarts").

    chain service ── add_attestation (verified) ──> OperationPool (memory)
                                                  └> o/<target><data root><bits hash>
    slot loop ── prune(epoch) ──> memory + one batch deleting targets < epoch - 1
    start ── restore_pool(chain) ──> every stored attestation back into the pool

Each attestation is one put in its own batch (atomic; not synced, like the chain's own
batches: a killed process loses nothing LevelDB acknowledged). Only attestations the
chain service verified reach `add_attestation`, so a restored one needs no new check;
the pool's inclusion checks still decide whether a block can take it. Bound: the store
holds what the pool was given for the last two target epochs; `prune` also drops the
entries the in-memory pool evicted, so restore never brings back more than it held.
"""
from __future__ import annotations

import hashlib
import logging

from beacon.storage import schema as S
from beacon.types import get_types
from ssz.codec import decode, encode
from ssz.signing import hash_tree_root
from beacon.chain.op_pool import OperationPool

log = logging.getLogger(__name__)


def _key(att) -> bytes:
    bits = bytes(bool(b) for b in att.aggregation_bits)
    return S.pool_key(int(att.data.target.epoch), hash_tree_root(att.data),
                      hashlib.sha256(bits).digest()[:8])


class PersistentPool(OperationPool):
    """An `OperationPool` whose attestations are mirrored in the chain database."""

    def __init__(self, config, db):
        super().__init__(config)
        self._db = db

    def add_attestation(self, att) -> None:
        super().add_attestation(att)
        with self._db.batch() as b:
            b.put_pooled(_key(att), encode(att))

    def prune(self, current_epoch: int) -> None:
        super().prune(current_epoch)
        # The same horizon as the pool's: targets older than the previous epoch. Then any
        # group the pool itself evicted (over MAX_DATA_ROOTS) goes too.
        stale = [k for k, _ in self._db.iter_pooled(stop_epoch=max(0, current_epoch - 1))]
        kept = set(self._attestations)
        stale += [k for k, _ in self._db.iter_pooled()
                  if k[len(S.P_POOL) + 8:len(S.P_POOL) + 40] not in kept]
        if stale:
            with self._db.batch() as b:
                for k in set(stale):
                    b.delete_pooled(k)

    def restore(self) -> int:
        """Load the stored attestations into memory; returns how many were read."""
        Attestation = get_types(self.config).Attestation
        n = 0
        for _, raw in self._db.iter_pooled():
            try:
                super().add_attestation(decode(Attestation, raw))
                n += 1
            except Exception:  # a record from another build: skip it, do not stop the node
                log.debug("skipped an unreadable pooled attestation", exc_info=True)
        return n


def restore_pool(config, chain) -> PersistentPool:
    """A pool on `chain`'s database, with the attestations the last run left in it."""
    pool = PersistentPool(config, chain.db)
    n = pool.restore()
    if n:
        log.info("restored %d pooled attestations", n)
    return pool

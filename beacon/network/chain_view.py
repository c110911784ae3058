"""The chain as the p2p layer sees it (`p2p.api.ChainInterface`), read from the snapshot.

The req/resp server and the handshake call these synchronously on the trio thread,
possibly while an import runs in the chain's worker thread, so they read only the
published `ChainSnapshot` and LevelDB (reads are safe beside the worker's batches; a
batch is atomic). They never raise for unknown roots (the protocol's contract).
"""
from __future__ import annotations

from beacon.types import get_types
from p2p.api import ChainStatus
from ssz.codec import SSZDecodeError, decode


def stored_block(db, T, root: bytes):
    """The block stored under `root`, or None when it is unknown or its record is
    damaged (a damaged record reads as unknown; the chain reports it)."""
    raw = db.get_block(bytes(root))
    if raw is None:
        return None
    try:
        return decode(T.BeaconBlock, raw)
    except SSZDecodeError:
        return None


class SnapshotChainView:
    def __init__(self, config, chain_service):
        self.config = config
        self.cs = chain_service
        self.db = chain_service.chain.db
        self.T = get_types(config)

    @property
    def fork_version(self) -> bytes:
        return bytes(self.cs.anchor_state.fork.current_version)

    def status(self) -> ChainStatus:
        snap = self.cs.snapshot
        fin_epoch, fin_root = snap.finalized
        # The spec's genesis finalized root is zero (v0.8.4 Status: "Zero if genesis").
        if fin_epoch == 0:
            fin_root = bytes(32)
        return ChainStatus(head_root=snap.head_root, head_slot=snap.head_slot,
                           finalized_root=fin_root, finalized_epoch=fin_epoch)

    def is_on_chain(self, root: bytes, epoch: int) -> bool:
        fin_epoch, _ = self.cs.snapshot.finalized
        if epoch > fin_epoch:
            return True  # the peer is ahead of our finality: cannot tell yet
        if epoch == 0:
            # Genesis: the v0.8.4 Status sends the zero root ("Zero if genesis"); some
            # clients send the genesis block root. Any other root is another chain.
            if bytes(root) == bytes(32):
                return True
            genesis_root = self.db.canonical_root(0)
            # None: started from a later anchor, the genesis block is unknown here.
            return genesis_root is None or genesis_root == bytes(root)
        found = self.db.canonical_at_or_before(epoch * self.config.SLOTS_PER_EPOCH)
        return found is None or found[1] == bytes(root)

    def _block(self, root: bytes):
        return stored_block(self.db, self.T, root)

    def blocks_by_range(self, head_root: bytes, start_slot: int, count: int, step: int):
        """Blocks at start_slot + i*step (i < count) on head_root's chain; empty slots
        skipped; [] for a head_root outside the fork choice or a bad step."""
        snap = self.cs.snapshot
        head_root = bytes(head_root)
        if count <= 0 or step < 1 or not snap.knows_block(head_root):
            return []
        last = start_slot + (count - 1) * step

        def wanted(s: int) -> bool:
            return start_slot <= s <= last and (s - start_slot) % step == 0

        found: dict[int, bytes] = {}
        floor = None  # slot of the oldest fork-choice block walked
        for root, slot in snap.ancestors(head_root):
            floor = slot
            if slot < start_slot:
                break
            if wanted(slot):
                found[slot] = root
        else:
            # Below the fork choice every branch shares the canonical chain.
            if floor is not None and start_slot < floor:
                for slot, root in self.db.iter_canonical(start_slot, min(last, floor - 1) + 1):
                    if wanted(slot):
                        found[slot] = root
        blocks = (self._block(found[s]) for s in sorted(found))
        return [b for b in blocks if b is not None]

    def blocks_by_root(self, roots):
        return [self._block(r) for r in roots]

"""The chain as the p2p layer sees it (`p2p.api.ChainInterface`), backed by our chain.

The p2p layer calls these from its request handlers and handshake, on the trio
thread, so they read the chain between imports of the chain task and never raise for
unknown roots (the protocol's contract).
"""
from __future__ import annotations

import logging

from beacon.node import chain_adapter as ca
from p2p.api import ChainStatus

log = logging.getLogger(__name__)


class P2PChain:
    def __init__(self, config, chain):
        self.config = config
        self.chain = chain

    @property
    def fork_version(self) -> bytes:
        return bytes(ca.genesis_state(self.chain).fork.current_version)

    def status(self) -> ChainStatus:
        root, slot = ca.head(self.chain)
        fin_epoch, fin_root = ca.finalized_checkpoint(self.chain)
        # The spec's genesis finalized root is zero (v0.8.4 Status: "Zero if genesis").
        if fin_epoch == 0:
            fin_root = bytes(32)
        return ChainStatus(head_root=root, head_slot=slot, finalized_root=fin_root,
                           finalized_epoch=fin_epoch)

    def is_on_chain(self, root: bytes, epoch: int) -> bool:
        fin_epoch, fin_root = ca.finalized_checkpoint(self.chain)
        if epoch > fin_epoch:
            return True  # the peer is ahead of our finality: cannot tell yet
        if epoch == 0:
            # Genesis: the v0.8.4 Status sends the zero root ("Zero if genesis"); some
            # clients send the genesis block root. Any other root is another chain.
            if bytes(root) == bytes(32):
                return True
            try:
                genesis_root = ca.canonical_root_at_slot(self.chain, 0)
            except Exception:
                log.debug("is_on_chain genesis lookup failed", exc_info=True)
                return True
            # None: started from a later anchor, the genesis block is unknown here.
            return genesis_root is None or genesis_root == bytes(root)
        slot = epoch * self.config.SLOTS_PER_EPOCH
        try:
            ours = ca.canonical_root_at_or_before(self.chain, slot)
        except Exception:
            log.debug("is_on_chain lookup failed", exc_info=True)
            return True
        return ours is None or ours == bytes(root)

    def blocks_by_range(self, head_root: bytes, start_slot: int, count: int, step: int):
        try:
            return list(ca.blocks_by_range(self.chain, bytes(head_root), start_slot, count, step))
        except Exception:
            log.debug("blocks_by_range failed", exc_info=True)
            return []

    def blocks_by_root(self, roots):
        return [ca.block_by_root(self.chain, bytes(r)) for r in roots]

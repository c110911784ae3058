"""ChainHarness: builds signed chains with interop keys for chain, fork-choice and storage tests.

    h = ChainHarness(validators=64)                 # minimal preset, genesis_time 0
    blocks = h.build_chain(h.genesis_root, range(1, 17))   # 2 epochs, full attestation
    chain = h.open_chain(tmp_path / "db")          # a Chain anchored at h.genesis
    for b in blocks: chain.import_block(b)

Blocks carry the attestations of every slot since their parent (all validators, or
those `participants` allows), so chains justify and finalize like a healthy network.
The harness keeps every block and post-state it built, by root, so forks can start
anywhere. Its clock (`h.time`, used as the chain's `now`) starts far past genesis;
tests that check timing set it.
"""
from __future__ import annotations

import functools
from typing import Callable, Iterable

from beacon.chain import Chain, anchor_root
from beacon.config import Config, minimal
from beacon.genesis.quickstart import quickstart_state
from beacon.storage import ChainDB
from ssz.signing import signing_root
from validator import production as P
from validator.keys import interop_privkey


@functools.lru_cache(maxsize=4)
def _genesis(config: Config, validators: int, genesis_time: int):
    return quickstart_state(config, genesis_time, validators)


class ChainHarness:
    def __init__(self, validators: int = 64, config: Config = minimal, genesis_time: int = 0):
        self.config = config
        self.genesis = _genesis(config, validators, genesis_time).copy()
        self.genesis_root = anchor_root(self.genesis)
        self.time = float(genesis_time + 10**6 * config.SECONDS_PER_SLOT)
        self.states = {self.genesis_root: self.genesis}
        self.blocks: dict[bytes, object] = {}
        self.slots = {self.genesis_root: int(self.genesis.latest_block_header.slot)}

    # -- clock -------------------------------------------------------------------------

    def now(self) -> float:
        return self.time

    def set_slot(self, slot: int, offset: float = 0.0) -> None:
        """Set the clock to the start of `slot` plus `offset` seconds."""
        self.time = int(self.genesis.genesis_time) + slot * self.config.SECONDS_PER_SLOT + offset

    # -- chains ------------------------------------------------------------------------

    def open_chain(self, path, **kwargs) -> Chain:
        db = ChainDB.open(str(path))
        kwargs.setdefault("now", self.now)
        return Chain.open(self.config, db, self.genesis, **kwargs)

    def attestations(self, head_root: bytes, slot: int,
                     participants: Callable[[int], bool] | None = None) -> list:
        """Aggregates of every committee of `slot` voting for head_root."""
        return P.attest_slot(self.config, self.states[head_root], head_root, slot,
                             interop_privkey, participants)

    def make_block(self, parent_root: bytes, slot: int, attestations: Iterable = (),
                   graffiti: bytes = b"\x00" * 32, **body):
        """A signed block of `slot` on parent_root by its proposer; recorded by root."""
        block, post = P.propose(self.config, self.states[parent_root], parent_root, slot,
                                interop_privkey, operations={"attestations": list(attestations)},
                                graffiti=graffiti, **body)
        root = signing_root(block)
        self.blocks[root] = block
        self.states[root] = post
        self.slots[root] = slot
        return block

    def build_chain(self, parent_root: bytes, slots: Iterable[int], attest: bool = True,
                    participants: Callable[[int], bool] | None = None,
                    graffiti: bytes = b"\x00" * 32) -> list:
        """Blocks at `slots` (increasing) extending parent_root, one after another.

        With `attest`, validators attest at every slot from the parent's slot on (for the
        chain's head at that slot) and each block includes what is still includable.
        """
        blocks = []
        head = parent_root
        pending: list[tuple[int, object]] = []  # (attestation slot, attestation)
        next_att_slot = self.slots[parent_root]
        spe = self.config.SLOTS_PER_EPOCH
        for slot in slots:
            if attest:
                for s in range(max(next_att_slot, slot - spe), slot):
                    pending += [(s, a) for a in self.attestations(head, s, participants)]
                next_att_slot = slot
            include = [a for s, a in pending
                       if s + self.config.MIN_ATTESTATION_INCLUSION_DELAY <= slot <= s + spe]
            include = include[:self.config.MAX_ATTESTATIONS]
            block = self.make_block(head, slot, include, graffiti=graffiti)
            pending = []
            head = signing_root(block)
            blocks.append(block)
        return blocks

    def root(self, block) -> bytes:
        return signing_root(block)

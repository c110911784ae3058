"""States by block root: a hot in-memory cache over epoch-boundary states in the database.

The database keeps the post-state of the anchor and of every block that is the first
of its epoch on its branch (see `is_boundary`). Any other block's state is rebuilt by
replaying, signatures skipped, the blocks since the nearest stored ancestor: at most
one epoch of blocks (SLOTS_PER_EPOCH replays: ~10 ms each on minimal, so < 100 ms).
Recent states stay in the hot cache, which is what the head and gossip need.

States returned are shared: callers `.copy()` before mutating (remerkleable copies
share the tree, so that is cheap).
"""
from __future__ import annotations

from collections import OrderedDict

from beacon.config import Config
from beacon.chain.errors import StateUnavailable
from beacon.fork_choice import Checkpoint
from beacon.state_transition import Signatures, StateTransitionError, process_slots, state_transition
from beacon.state_transition.context import EpochContext
from beacon.storage import ChainDB, CorruptDatabase
from beacon.types import get_types
from ssz.codec import SSZDecodeError, decode


def is_boundary(config: Config, slot: int, parent_slot: int) -> bool:
    """Whether a block's post-state is written to disk: first block of its epoch."""
    spe = config.SLOTS_PER_EPOCH
    return slot // spe != parent_slot // spe


class _LRU(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get_hit(self, key):
        v = self.get(key)
        if v is not None:
            self.move_to_end(key)
        return v

    def put(self, key, value) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class StateRegen:
    """Args: config; db; hot_size: states kept in memory (64 ~ 8 epochs on minimal).

    `ctx` is the chain's EpochContext: regen runs only inside the chain's worker (one
    call at a time), so it shares the caches of the imports it replays for."""

    def __init__(self, config: Config, db: ChainDB, hot_size: int = 64, checkpoint_size: int = 8):
        self.config = config
        self.db = db
        self.ctx = EpochContext(config)
        self.T = get_types(config)
        self._hot = _LRU(hot_size)
        self._checkpoints = _LRU(checkpoint_size)

    def put(self, root: bytes, state) -> None:
        self._hot.put(bytes(root), state)

    def _decode(self, typ, data: bytes, what: str):
        try:
            return decode(typ, data)
        except SSZDecodeError as e:
            raise CorruptDatabase(f"{self.db.path}: stored {what} unreadable: {e}") from None

    def state_of_block(self, root: bytes):
        """The post-state of block `root` (the anchor state for the anchor).

        Raises:
            StateUnavailable: the block is not in the database.
            CorruptDatabase: stored data does not decode or does not replay.
        """
        root = bytes(root)
        hit = self._hot.get_hit(root)
        if hit is not None:
            return hit
        path = []  # blocks to replay, newest first
        r = root
        base = None
        while base is None:
            hit = self._hot.get_hit(r)
            if hit is not None:
                base = hit
                break
            raw = self.db.get_state(r)
            if raw is not None:
                base = self._decode(self.T.BeaconState, raw, f"state 0x{r.hex()}")
                break
            raw_block = self.db.get_block(r)
            if raw_block is None:
                raise StateUnavailable(f"no block 0x{r.hex()} to rebuild the state of 0x{root.hex()}")
            block = self._decode(self.T.BeaconBlock, raw_block, f"block 0x{r.hex()}")
            path.append((r, block))
            r = bytes(block.parent_root)
            if len(path) > 64 * self.config.SLOTS_PER_EPOCH:
                raise CorruptDatabase(f"{self.db.path}: no stored state below 0x{root.hex()}")
        state = base
        for r, block in reversed(path):
            state = state.copy()
            try:
                # Blocks were fully verified when imported; the state root check stays
                # on as a cheap guard against a damaged database.
                state_transition(self.config, state, block, signatures=Signatures.SKIP,
                                 ctx=self.ctx)
            except StateTransitionError as e:
                raise CorruptDatabase(f"{self.db.path}: replay of 0x{r.hex()} failed: {e}") from None
            self._hot.put(r, state)
        return state

    def checkpoint_state(self, cp: Checkpoint):
        """The spec's checkpoint_states[cp]: the state of cp.root advanced to the epoch start.

        A checkpoint whose epoch starts before the state's slot (an anchor state taken
        after its block) uses the state as it is.
        """
        hit = self._checkpoints.get_hit(cp)
        if hit is not None:
            return hit
        state = self.state_of_block(cp.root)
        start = cp.epoch * self.config.SLOTS_PER_EPOCH
        if int(state.slot) < start:
            state = state.copy()
            process_slots(self.config, state, start, ctx=self.ctx)
        self._checkpoints.put(cp, state)
        return state

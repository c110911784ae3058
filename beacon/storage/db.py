"""The chain database: a plyvel (LevelDB) directory with typed reads and atomic batches.

Crash safety rests on two LevelDB properties: a write batch is applied entirely or not
at all, and a batch acknowledged by `write()` has reached the OS (a killed process
loses nothing it was told was written; pass `sync=True` to survive power loss too).
So every logical change is one `Batch`, and batches are ordered so that any prefix of
them leaves a consistent database:

1. anchor batch: magic, schema, identity, anchor block/state and pointers, together;
   a database without the magic key is either empty (fresh) or not ours;
2. one batch per imported block: block, summary, state if any, fork-choice
   checkpoints, latest messages, head and canonical index changes;
3. prune batches only delete what the last committed pointers no longer reach;
   anything they miss after a crash is found as an orphan at the next start.
"""
from __future__ import annotations

import logging
import os
from typing import Iterator

import plyvel

from beacon.storage import schema as S
from beacon.storage.errors import (
    ChainMismatch, CorruptDatabase, DatabaseUnavailable, NotInitialized, NotOurDatabase,
    SchemaVersionMismatch,
)

log = logging.getLogger(__name__)

# LevelDB's memory, fixed rather than its defaults (an 8 MiB block cache and a 4 MiB
# write buffer per database): the block cache fills as the database grows, which showed
# in long soaks as a slow RSS climb (docs/reliability.md), and a Pi has little to spare.
# Recent blocks and states are served from the chain's own caches, not from here.
BLOCK_CACHE_BYTES = 2 * 2**20
WRITE_BUFFER_BYTES = 2 * 2**20


class Batch:
    """Writes that commit together; build with `ChainDB.batch()` in a `with` block."""

    def __init__(self, wb):
        self._wb = wb

    def put_block(self, root: bytes, block_ssz: bytes, slot: int, parent_root: bytes) -> None:
        self._wb.put(S.block_key(root), block_ssz)
        self._wb.put(S.summary_key(root), S.pack_pair(slot, parent_root))

    def put_state(self, root: bytes, state_ssz: bytes) -> None:
        self._wb.put(S.state_key(root), state_ssz)

    def put_canonical(self, slot: int, root: bytes) -> None:
        self._wb.put(S.canonical_key(slot), root)

    def delete_canonical(self, slot: int) -> None:
        self._wb.delete(S.canonical_key(slot))

    def put_head(self, root: bytes) -> None:
        self._wb.put(S.K_HEAD, root)

    def put_checkpoints(self, justified: tuple[int, bytes], finalized: tuple[int, bytes]) -> None:
        self._wb.put(S.K_JUSTIFIED, S.pack_pair(*justified))
        self._wb.put(S.K_FINALIZED, S.pack_pair(*finalized))

    def put_latest_message(self, index: int, epoch: int, root: bytes) -> None:
        self._wb.put(S.vote_key(index), S.pack_pair(epoch, root))

    def delete_summary(self, root: bytes) -> None:
        self._wb.delete(S.summary_key(root))

    def delete_block(self, root: bytes) -> None:
        self._wb.delete(S.block_key(root))
        self._wb.delete(S.summary_key(root))
        self._wb.delete(S.state_key(root))

    def put_pooled(self, key: bytes, attestation_ssz: bytes) -> None:
        self._wb.put(key, attestation_ssz)

    def delete_pooled(self, key: bytes) -> None:
        self._wb.delete(key)

class ChainDB:
    """One open database directory.

    Raises (from `open`):
        DatabaseUnavailable: missing directory (with create=False), locked, unreadable.
        NotOurDatabase: LevelDB data without our magic key, or not LevelDB at all.
        SchemaVersionMismatch: written by another schema version.
    """

    def __init__(self, path: str, db, sync: bool = False):
        self.path = path
        self._db = db
        self.sync = sync

    @classmethod
    def open(cls, path: str, *, create: bool = True, sync: bool = False) -> "ChainDB":
        path = os.fspath(path)
        if os.path.exists(path) and not os.path.isdir(path):
            raise NotOurDatabase(f"{path}: is a file, not a database directory")
        if os.path.isdir(path) and os.listdir(path) and not any(
                os.path.exists(os.path.join(path, f)) for f in ("CURRENT", "LOCK")):
            raise NotOurDatabase(f"{path}: directory is not empty and holds no LevelDB database")
        if not create and not os.path.exists(os.path.join(path, "CURRENT")):
            raise DatabaseUnavailable(f"{path}: no database here (run `db import` first)")
        try:
            db = plyvel.DB(path, create_if_missing=create, lru_cache_size=BLOCK_CACHE_BYTES,
                           write_buffer_size=WRITE_BUFFER_BYTES)
        except plyvel.IOError as e:
            raise DatabaseUnavailable(f"{path}: cannot open database: {e}") from None
        except plyvel.Error as e:
            raise NotOurDatabase(f"{path}: not a readable LevelDB database: {e}") from None
        self = cls(path, db, sync)
        try:
            self._check_header()
        except Exception:
            db.close()
            raise
        return self

    def _check_header(self) -> None:
        magic = self._db.get(S.K_MAGIC)
        if magic is None:
            with self._db.iterator(include_value=False) as it:
                if next(it, None) is not None:
                    raise NotOurDatabase(f"{self.path}: LevelDB data without the pybeacon marker")
            return
        if magic != S.MAGIC:
            raise NotOurDatabase(f"{self.path}: unknown database marker {magic[:32]!r}")
        raw = self._db.get(S.K_SCHEMA)
        try:
            version = int(raw.decode())
        except (AttributeError, ValueError):
            raise CorruptDatabase(f"{self.path}: unreadable schema version {raw!r}") from None
        if version != S.SCHEMA_VERSION:
            raise SchemaVersionMismatch(self.path, version, S.SCHEMA_VERSION)

    def close(self) -> None:
        if not self._db.closed:
            self._db.close()

    def __enter__(self) -> "ChainDB":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def batch(self):
        """Context manager yielding a `Batch`; committed atomically when the block exits
        without an exception, discarded otherwise."""
        return _BatchContext(self)

    # -- identity ---------------------------------------------------------------------

    @property
    def initialized(self) -> bool:
        return self._db.get(S.K_MAGIC) is not None

    def initialize(self, *, preset: str, genesis_time: int, anchor_root: bytes,
                   anchor_header_ssz: bytes, anchor_slot: int, anchor_state_ssz: bytes,
                   checkpoint: tuple[int, bytes], anchor_block_ssz: bytes | None = None) -> None:
        """Write the anchor and every pointer in one batch (step 1 of the module doc)."""
        with self.batch() as b:
            wb = b._wb
            wb.put(S.K_SCHEMA, str(S.SCHEMA_VERSION).encode())
            wb.put(S.K_PRESET, preset.encode())
            wb.put(S.K_GENESIS_TIME, S.u64(genesis_time))
            wb.put(S.K_ANCHOR, anchor_root)
            wb.put(S.K_ANCHOR_HEADER, anchor_header_ssz)
            wb.put(S.summary_key(anchor_root), S.pack_pair(anchor_slot, b"\x00" * 32))
            b.put_state(anchor_root, anchor_state_ssz)
            if anchor_block_ssz is not None:
                wb.put(S.block_key(anchor_root), anchor_block_ssz)
            b.put_canonical(anchor_slot, anchor_root)
            b.put_checkpoints(checkpoint, checkpoint)
            b.put_head(anchor_root)
            wb.put(S.K_MAGIC, S.MAGIC)

    def check_identity(self, *, preset: str | None = None, genesis_time: int | None = None,
                       anchor_root: bytes | None = None) -> None:
        """Raise ChainMismatch if the stored chain is not the given one."""
        if not self.initialized:
            raise NotInitialized(self.path)
        if preset is not None and self.preset != preset:
            raise ChainMismatch(self.path, "preset", self.preset, preset)
        if genesis_time is not None and self.genesis_time != genesis_time:
            raise ChainMismatch(self.path, "genesis time", self.genesis_time, genesis_time)
        if anchor_root is not None and self.anchor_root != anchor_root:
            raise ChainMismatch(self.path, "anchor block", "0x" + self.anchor_root.hex(),
                                "0x" + bytes(anchor_root).hex())

    def _required(self, key: bytes) -> bytes:
        v = self._db.get(key)
        if v is None:
            raise CorruptDatabase(f"{self.path}: missing {key!r}")
        return v

    @property
    def preset(self) -> str:
        return self._required(S.K_PRESET).decode()

    @property
    def genesis_time(self) -> int:
        return S.read_u64(self._required(S.K_GENESIS_TIME))

    @property
    def anchor_root(self) -> bytes:
        return self._required(S.K_ANCHOR)

    @property
    def anchor_header_ssz(self) -> bytes:
        return self._required(S.K_ANCHOR_HEADER)

    # -- reads ------------------------------------------------------------------------

    def get_block(self, root: bytes) -> bytes | None:
        return self._db.get(S.block_key(root))

    def has_block(self, root: bytes) -> bool:
        return self._db.get(S.block_key(root)) is not None

    def get_state(self, root: bytes) -> bytes | None:
        return self._db.get(S.state_key(root))

    def get_summary(self, root: bytes) -> tuple[int, bytes] | None:
        v = self._db.get(S.summary_key(root))
        return None if v is None else S.unpack_pair(v)

    def iter_summaries(self) -> Iterator[tuple[bytes, int, bytes]]:
        """(root, slot, parent_root) of every block not yet pruned by finalization."""
        for k, v in self._db.iterator(prefix=S.P_SUMMARY):
            slot, parent = S.unpack_pair(v)
            yield k[len(S.P_SUMMARY):], slot, parent

    def canonical_root(self, slot: int) -> bytes | None:
        return self._db.get(S.canonical_key(slot))

    def canonical_at_or_before(self, slot: int) -> tuple[int, bytes] | None:
        """The canonical block with the highest slot <= `slot`."""
        stop = S.canonical_key(slot + 1) if slot < 2**64 - 1 else S.P_CANONICAL + b"\xff" * 9
        with self._db.iterator(start=S.P_CANONICAL, stop=stop, reverse=True) as it:
            for k, v in it:
                return S.read_u64(k[len(S.P_CANONICAL):]), v
        return None

    def iter_canonical(self, start_slot: int, stop_slot: int) -> Iterator[tuple[int, bytes]]:
        """(slot, root) of canonical blocks with start_slot <= slot < stop_slot."""
        for k, v in self._db.iterator(start=S.canonical_key(start_slot),
                                      stop=S.canonical_key(stop_slot)):
            yield S.read_u64(k[len(S.P_CANONICAL):]), v

    def head(self) -> bytes:
        return self._required(S.K_HEAD)

    def checkpoints(self) -> tuple[tuple[int, bytes], tuple[int, bytes]]:
        try:
            return (S.unpack_pair(self._required(S.K_JUSTIFIED)),
                    S.unpack_pair(self._required(S.K_FINALIZED)))
        except ValueError as e:
            raise CorruptDatabase(f"{self.path}: bad checkpoint: {e}") from None

    def iter_pooled(self, stop_epoch: int | None = None) -> Iterator[tuple[bytes, bytes]]:
        """(key, SSZ attestation) of pooled attestations, by target epoch; with
        `stop_epoch`, only those whose target is below it."""
        bounds = ({"prefix": S.P_POOL} if stop_epoch is None else
                  {"start": S.P_POOL, "stop": S.P_POOL + S.u64(stop_epoch)})
        with self._db.iterator(**bounds) as it:
            yield from it

    def iter_latest_messages(self) -> Iterator[tuple[int, int, bytes]]:
        """(validator index, epoch, root)."""
        for k, v in self._db.iterator(prefix=S.P_VOTE):
            epoch, root = S.unpack_pair(v)
            yield S.read_u64(k[len(S.P_VOTE):]), epoch, root


class _BatchContext:
    def __init__(self, db: ChainDB):
        self._db = db
        self._wb = None

    def __enter__(self) -> Batch:
        self._wb = self._db._db.write_batch(sync=self._db.sync)
        return Batch(self._wb)

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            log.debug("db batch write")  # a kill-loop marker (scripts/killtest.py)
            self._wb.write()
        else:
            self._wb.clear()

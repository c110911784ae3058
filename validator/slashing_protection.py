"""Slashing protection: a persisted record of everything our validators signed.

Before the validator client signs a block or an attestation it asks this module, which
checks the request against the history and records it durably (synchronous LevelDB
write) *before* answering yes; a crash right after the write at worst loses a duty,
never makes us sign twice. The history survives restarts, so a node restarted with its
clock rewound still refuses. Rules (validator guide v0.8.4, "How to avoid slashing"):
- proposer: never a second, different block for a slot; also never a block at or below
  the highest slot already signed (a low watermark: we cannot have forgotten any);
- attester: never two different attestations for one target epoch (double vote), never
  one that surrounds or is surrounded by an earlier one (surround vote).

Key layout (all integers 8-byte big-endian so prefix scans come back in order):
    b"p" + pubkey + slot          -> block signing root
    b"a" + pubkey + target_epoch  -> source_epoch + attestation data root
    b"w" + pubkey                 -> source_epoch + target_epoch: the attestation low
                                     watermark an EIP-3076 import leaves (see below)

A root of 32 zero bytes means "signed, root unknown" (an imported record without a
`signing_root`, or two imported records that disagree): it never matches a new
message, so nothing can be signed again at that slot or target epoch.

Imports (validator/interchange.py) add records with `import_records` in one batch and
raise the watermark to the highest imported (source, target): afterwards an
attestation with a lower source or a target not above it is refused, since a minimal
interchange keeps only those maxima and what lay below them is unknown. Blocks need no
extra mark: nothing at or below the highest recorded slot is signed anyway.
"""
from __future__ import annotations

import threading
from pathlib import Path

import plyvel


class SlashingProtectionError(Exception):
    """Signing was refused because it could be slashable. Fields say what conflicted."""

    kind = "unknown"

    def __init__(self, pubkey: bytes, message: str):
        super().__init__(f"{self.kind} refused for {pubkey[:6].hex()}…: {message}")
        self.pubkey = pubkey


class DoubleProposal(SlashingProtectionError):
    kind = "double_proposal"


class DoubleVote(SlashingProtectionError):
    kind = "double_vote"


class SurroundVote(SlashingProtectionError):
    kind = "surround_vote"


class BelowWatermark(SlashingProtectionError):
    """An attestation under the low watermark of an imported history."""
    kind = "below_watermark"


UNKNOWN_ROOT = bytes(32)


def _u64(n: int) -> bytes:
    return int(n).to_bytes(8, "big")


class SlashingProtection:
    """Check-and-record store; thread-safe so it can be called from worker threads."""

    def __init__(self, path: str | Path):
        Path(path).mkdir(parents=True, exist_ok=True)
        # A few records per validator and epoch: LevelDB's default 8 MiB cache and 4 MiB
        # write buffer would only be RSS.
        self._db = plyvel.DB(str(path), create_if_missing=True, lru_cache_size=256 * 1024,
                             write_buffer_size=256 * 1024)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            if not self._db.closed:
                self._db.close()

    def check_and_record_block(self, pubkey: bytes, slot: int, signing_root: bytes) -> None:
        """Allow signing a block at `slot` with `signing_root`, and record it.

        Re-signing the identical block is allowed (same slot, same root).

        Raises:
            DoubleProposal: another block at this slot, or at a slot not above the
                highest one signed already.
        """
        pubkey, signing_root = bytes(pubkey), bytes(signing_root)
        key = b"p" + pubkey + _u64(slot)
        with self._lock:
            existing = self._db.get(key)
            if existing is not None:
                if existing == signing_root and existing != UNKNOWN_ROOT:
                    return
                raise DoubleProposal(pubkey, f"already signed another block at slot {slot}")
            highest = self._highest_block_slot(pubkey)
            if highest is not None and slot <= highest:
                raise DoubleProposal(
                    pubkey, f"slot {slot} is not above the highest signed slot {highest}")
            self._db.put(key, signing_root, sync=True)

    def _highest_block_slot(self, pubkey: bytes) -> int | None:
        with self._db.iterator(prefix=b"p" + pubkey, reverse=True, include_value=False) as it:
            for key in it:
                return int.from_bytes(key[-8:], "big")
        return None

    def check_and_record_attestation(self, pubkey: bytes, source_epoch: int, target_epoch: int,
                                     data_root: bytes) -> None:
        """Allow signing an attestation (source, target, data root), and record it.

        Re-signing identical data is allowed.

        Raises:
            DoubleVote: a different attestation with the same target epoch exists.
            SurroundVote: it surrounds, or is surrounded by, a recorded attestation.
            BelowWatermark: it is not above an imported history's highest vote.
        """
        error = self.check_and_record_attestations([(pubkey, source_epoch, target_epoch, data_root)])[0]
        if error is not None:
            raise error

    def check_and_record_attestations(self, votes) -> list[SlashingProtectionError | None]:
        """`check_and_record_attestation` for many (pubkey, source, target, data root) at
        once, answered per vote (None: allowed and recorded), with one synchronous write
        for all of them. A node with thousands of validators votes with a whole committee
        per slot; a synced write each (~4 ms here) took most of a 6 s slot at 10,000.
        Votes earlier in the list count as history for later ones."""
        results: list[SlashingProtectionError | None] = []
        batch: dict[bytes, list[tuple[int, int, bytes]]] = {}  # pubkey -> allowed in this call
        with self._lock, self._db.write_batch(sync=True) as wb:
            for pubkey, source_epoch, target_epoch, data_root in votes:
                pubkey, data_root = bytes(pubkey), bytes(data_root)
                source_epoch, target_epoch = int(source_epoch), int(target_epoch)
                earlier = batch.setdefault(pubkey, [])
                try:
                    new = self._check_attestation(pubkey, source_epoch, target_epoch, data_root,
                                                  earlier)
                except SlashingProtectionError as e:
                    results.append(e)
                    continue
                if new:
                    wb.put(b"a" + pubkey + _u64(target_epoch), _u64(source_epoch) + data_root)
                    earlier.append((source_epoch, target_epoch, data_root))
                results.append(None)
        return results

    def _check_attestation(self, pubkey: bytes, source_epoch: int, target_epoch: int,
                           data_root: bytes, earlier: list[tuple[int, int, bytes]]) -> bool:
        """Raise if slashable or below the watermark; False: this very vote is recorded."""
        if source_epoch > target_epoch:
            raise SurroundVote(pubkey, f"source {source_epoch} after target {target_epoch}")
        prefix = b"a" + pubkey
        existing = self._db.get(prefix + _u64(target_epoch))
        recorded = existing[8:] if existing is not None else next(
            (r for _, t, r in earlier if t == target_epoch), None)
        if recorded is not None:
            if recorded == data_root and data_root != UNKNOWN_ROOT:
                return False
            raise DoubleVote(pubkey, f"already attested for target epoch {target_epoch}")
        mark = self._db.get(b"w" + pubkey)
        if mark is not None:
            ws, wt = int.from_bytes(mark[:8], "big"), int.from_bytes(mark[8:], "big")
            if source_epoch < ws or target_epoch <= wt:
                raise BelowWatermark(pubkey, f"({source_epoch},{target_epoch}) is not above "
                                     f"the imported history's ({ws},{wt})")
        # Linear in the validator's history; fine for interop-sized runs, and the
        # ordered keys would let a pruning or a min-max index replace it later.
        with self._db.iterator(prefix=prefix) as it:
            history = [(int.from_bytes(v[:8], "big"), int.from_bytes(k[-8:], "big"))
                       for k, v in it]
        for s, t in history + [(s, t) for s, t, _ in earlier]:
            if source_epoch < s and t < target_epoch:
                raise SurroundVote(pubkey, f"({source_epoch},{target_epoch}) surrounds ({s},{t})")
            if s < source_epoch and target_epoch < t:
                raise SurroundVote(pubkey, f"({source_epoch},{target_epoch}) is surrounded by ({s},{t})")
        return True

    # --- history: read and import (EIP-3076 interchange) --------------------------

    def pubkeys(self) -> list[bytes]:
        """Every validator with any record, sorted."""
        found = set()
        with self._lock, self._db.iterator(include_value=False) as it:
            for key in it:
                found.add(key[1:49])
        return sorted(found)

    def blocks(self, pubkey: bytes) -> list[tuple[int, bytes | None]]:
        """(slot, signing root or None when unknown), by slot."""
        with self._lock, self._db.iterator(prefix=b"p" + bytes(pubkey)) as it:
            return [(int.from_bytes(k[-8:], "big"), None if v == UNKNOWN_ROOT else v)
                    for k, v in it]

    def attestations(self, pubkey: bytes) -> list[tuple[int, int, bytes | None]]:
        """(source, target, data root or None when unknown), by target epoch."""
        with self._lock, self._db.iterator(prefix=b"a" + bytes(pubkey)) as it:
            return [(int.from_bytes(v[:8], "big"), int.from_bytes(k[-8:], "big"),
                     None if v[8:] == UNKNOWN_ROOT else v[8:]) for k, v in it]

    def watermark(self, pubkey: bytes) -> tuple[int, int] | None:
        """The (source, target) attestation low watermark left by imports, if any."""
        with self._lock:
            mark = self._db.get(b"w" + bytes(pubkey))
        if mark is None:
            return None
        return int.from_bytes(mark[:8], "big"), int.from_bytes(mark[8:], "big")

    def import_records(self, pubkey: bytes, blocks, attestations) -> None:
        """Merge one validator's imported history, atomically (one synced batch).

        Args:
            blocks: (slot, signing root or None) pairs.
            attestations: (source, target, signing root or None) triples, source <= target.
        A record that disagrees with one already stored (or with another imported one)
        keeps the slot or target epoch but forgets the root: nothing more is signed there.
        """
        pubkey = bytes(pubkey)
        with self._lock:
            pending: dict[bytes, bytes] = {}

            def current(key):
                return pending[key] if key in pending else self._db.get(key)

            for slot, root in blocks:
                key = b"p" + pubkey + _u64(slot)
                new, old = root or UNKNOWN_ROOT, current(key)
                pending[key] = new if old is None or old == new else UNKNOWN_ROOT
            mark_s = mark_t = None
            for source, target, root in attestations:
                key = b"a" + pubkey + _u64(target)
                new, old = _u64(source) + (root or UNKNOWN_ROOT), current(key)
                if old is not None and old != new:
                    # Keep the lower source: (lower s, t) surrounds more, so refuses more.
                    low = min(source, int.from_bytes(old[:8], "big"))
                    new = _u64(low) + UNKNOWN_ROOT
                pending[key] = new
                mark_s = source if mark_s is None else max(mark_s, source)
                mark_t = target if mark_t is None else max(mark_t, target)
            if mark_s is not None:
                old = self._db.get(b"w" + pubkey)
                if old is not None:
                    mark_s = max(mark_s, int.from_bytes(old[:8], "big"))
                    mark_t = max(mark_t, int.from_bytes(old[8:], "big"))
                pending[b"w" + pubkey] = _u64(mark_s) + _u64(mark_t)
            with self._db.write_batch(sync=True) as batch:
                for key, value in pending.items():
                    batch.put(key, value)

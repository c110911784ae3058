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


def _u64(n: int) -> bytes:
    return int(n).to_bytes(8, "big")


class SlashingProtection:
    """Check-and-record store; thread-safe so it can be called from worker threads."""

    def __init__(self, path: str | Path):
        Path(path).mkdir(parents=True, exist_ok=True)
        self._db = plyvel.DB(str(path), create_if_missing=True)
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
                if existing == signing_root:
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
        """
        pubkey, data_root = bytes(pubkey), bytes(data_root)
        if source_epoch > target_epoch:
            raise SurroundVote(pubkey, f"source {source_epoch} after target {target_epoch}")
        prefix = b"a" + pubkey
        with self._lock:
            existing = self._db.get(prefix + _u64(target_epoch))
            if existing is not None:
                if existing[8:] == data_root:
                    return
                raise DoubleVote(pubkey, f"already attested for target epoch {target_epoch}")
            # Linear in the validator's history; fine for interop-sized runs, and the
            # ordered keys would let a pruning or a min-max index replace it later.
            with self._db.iterator(prefix=prefix) as it:
                for key, value in it:
                    t = int.from_bytes(key[-8:], "big")
                    s = int.from_bytes(value[:8], "big")
                    if source_epoch < s and t < target_epoch:
                        raise SurroundVote(pubkey, f"({source_epoch},{target_epoch}) surrounds ({s},{t})")
                    if s < source_epoch and target_epoch < t:
                        raise SurroundVote(pubkey, f"({source_epoch},{target_epoch}) is surrounded by ({s},{t})")
            self._db.put(prefix + _u64(target_epoch), _u64(source_epoch) + data_root, sync=True)

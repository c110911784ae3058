"""Errors of the chain database; each says what is wrong with which directory."""
from __future__ import annotations


class StorageError(Exception):
    """Base of the database errors."""


class DatabaseUnavailable(StorageError):
    """The directory cannot be opened: missing, locked by another process, or unreadable."""


class NotOurDatabase(StorageError):
    """The directory holds data that is not a pybeacon chain database."""


class SchemaVersionMismatch(StorageError):
    def __init__(self, path: str, found: int, expected: int):
        self.path, self.found, self.expected = path, found, expected
        super().__init__(
            f"{path}: database schema version {found}, this node reads version {expected}; "
            f"use a fresh --datadir or the matching node version")


class ChainMismatch(StorageError):
    """The database belongs to another chain (preset, genesis time or anchor differ)."""

    def __init__(self, path: str, what: str, stored, given):
        self.path, self.what, self.stored, self.given = path, what, stored, given
        super().__init__(f"{path}: database is for {what} {stored}, not {given}; "
                         f"use another --datadir for another chain")


class NotInitialized(StorageError):
    def __init__(self, path: str):
        self.path = path
        super().__init__(f"{path}: database has no chain yet; start it with an anchor state")


class CorruptDatabase(StorageError):
    """A value that should be present or well-formed is not."""

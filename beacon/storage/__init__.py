"""LevelDB chain storage: blocks, states, canonical index, fork-choice data.

See `beacon.storage.db` for the crash-safety argument and `beacon.storage.schema` for
the key layout.
"""
from beacon.storage.db import Batch, ChainDB
from beacon.storage.errors import (
    ChainMismatch, CorruptDatabase, DatabaseUnavailable, NotInitialized, NotOurDatabase,
    SchemaVersionMismatch, StorageError,
)
from beacon.storage.schema import SCHEMA_VERSION

__all__ = [
    "Batch", "ChainDB", "ChainMismatch", "CorruptDatabase", "DatabaseUnavailable",
    "NotInitialized", "NotOurDatabase", "SchemaVersionMismatch", "StorageError",
    "SCHEMA_VERSION",
]

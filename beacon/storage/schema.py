"""Key layout and value encodings of the chain database (schema version 1).

    m/magic              b"pybeacon-chaindb"      written in the anchor batch
    m/schema             u32 version
    m/preset             preset name (utf-8)
    m/genesis_time       u64
    m/anchor             anchor block root
    m/anchor_header      SSZ BeaconBlockHeader of the anchor (state_root filled in)
    b/<root>             SSZ BeaconBlock
    n/<root>             block summary: slot u64 | parent root   (non-finalized blocks)
    s/<root>             SSZ BeaconState after the block (epoch-boundary blocks, anchor)
    c/<slot>             canonical block root at slot (slots with a block only)
    f/head, f/justified, f/finalized   fork-choice pointers (checkpoint: epoch u64 | root)
    v/<index>            latest message: epoch u64 | root
    o/<target><data root><bits hash>  SSZ Attestation waiting in the operation pool
                         (target epoch u64; beacon.node.persistent_pool)

Integers in keys are big-endian so LevelDB's byte order is numeric order.
"""
from __future__ import annotations

import struct

SCHEMA_VERSION = 1
MAGIC = b"pybeacon-chaindb"

K_MAGIC = b"m/magic"
K_SCHEMA = b"m/schema"
K_PRESET = b"m/preset"
K_GENESIS_TIME = b"m/genesis_time"
K_ANCHOR = b"m/anchor"
K_ANCHOR_HEADER = b"m/anchor_header"
K_HEAD = b"f/head"
K_JUSTIFIED = b"f/justified"
K_FINALIZED = b"f/finalized"

P_BLOCK = b"b/"
P_SUMMARY = b"n/"
P_STATE = b"s/"
P_CANONICAL = b"c/"
P_VOTE = b"v/"
P_POOL = b"o/"

_U64 = struct.Struct(">Q")


def u64(n: int) -> bytes:
    return _U64.pack(n)


def read_u64(b: bytes) -> int:
    return _U64.unpack(b)[0]


def block_key(root: bytes) -> bytes:
    return P_BLOCK + root


def summary_key(root: bytes) -> bytes:
    return P_SUMMARY + root


def state_key(root: bytes) -> bytes:
    return P_STATE + root


def canonical_key(slot: int) -> bytes:
    return P_CANONICAL + u64(slot)


def vote_key(index: int) -> bytes:
    return P_VOTE + u64(index)


def pack_pair(n: int, root: bytes) -> bytes:
    """(epoch or slot, root) as 40 bytes; used for checkpoints, summaries, votes."""
    if len(root) != 32:
        raise ValueError(f"root of {len(root)} bytes")
    return _U64.pack(n) + root


def unpack_pair(b: bytes) -> tuple[int, bytes]:
    if len(b) != 40:
        raise ValueError(f"expected 40 bytes, got {len(b)}")
    return _U64.unpack_from(b)[0], bytes(b[8:])


def pool_key(target_epoch: int, data_root: bytes, bits_hash: bytes) -> bytes:
    return P_POOL + u64(target_epoch) + data_root + bits_hash

"""Direct merkleization for roots the transition builds from scratch each epoch.

`active_index_roots` and `compact_committees_roots` hash whole lists that are built only
to be hashed; building them as remerkleable views first would cost far more than hashing.
"""
from __future__ import annotations

from hashlib import sha256

ZERO_HASHES = [b"\x00" * 32]
for _ in range(64):
    ZERO_HASHES.append(sha256(ZERO_HASHES[-1] * 2).digest())


def merkleize(chunks: list[bytes], depth: int) -> bytes:
    """Root of a tree of `depth` levels whose first leaves are `chunks`, the rest zero."""
    if len(chunks) > (1 << depth):
        raise ValueError("too many chunks for the tree depth")
    layer = list(chunks)
    for d in range(depth):
        if len(layer) % 2:
            layer.append(ZERO_HASHES[d])
        layer = [sha256(layer[i] + layer[i + 1]).digest() for i in range(0, len(layer), 2)]
        if not layer:
            return ZERO_HASHES[depth]
    return layer[0] if layer else ZERO_HASHES[depth]


def mix_in_length(root: bytes, length: int) -> bytes:
    return sha256(root + length.to_bytes(32, "little")).digest()


def pack_uint64(values) -> list[bytes]:
    """SSZ packing of uint64 values into 32-byte chunks."""
    data = b"".join(int(v).to_bytes(8, "little") for v in values)
    if len(data) % 32:
        data += b"\x00" * (32 - len(data) % 32)
    return [data[i:i + 32] for i in range(0, len(data), 32)]


def chunk_depth(limit_chunks: int) -> int:
    return max(0, (limit_chunks - 1).bit_length())


def uint64_list_root(values, limit: int) -> bytes:
    """hash_tree_root(List[uint64, limit](values))."""
    chunks = pack_uint64(values)
    return mix_in_length(merkleize(chunks, chunk_depth((limit * 8 + 31) // 32)), len(values))

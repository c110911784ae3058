"""Build the remerkleable backing tree straight from validated SSZ bytes.

remerkleable 0.1.28 decodes by constructing a view per element, and each of those
constructors runs `isinstance(x, View)` against a typing Protocol, which costs ~40us a
call in Python 3.11: about 80% of decoding time went there. Here each type gets a
builder, compiled once, that turns its bytes into tree nodes (RootNode leaves, PairNode
parents) with the same shape remerkleable would build, and the view wraps that tree.

Input must have passed `ssz.strict.validate`; builders do no checking of their own.
The tree shape (chunking, zero padding, length mix-in) follows
https://github.com/ethereum/eth2.0-specs/blob/v0.8.4/specs/simple-serialize.md#merkleization
"""
from __future__ import annotations

import struct
from hashlib import sha256

import numpy as np
from remerkleable.basic import boolean, uint
from remerkleable.bitfields import Bitlist, Bitvector
from remerkleable.byte_arrays import ByteList, ByteVector
from remerkleable.complex import Container, List, Vector
from remerkleable.settings import zero_hashes
from remerkleable.tree import PairNode, RootNode

from ssz.codegen import make_builder, make_memo_builder
from ssz.strict import OFFSET_SIZE, plan_for

_ZERO_BYTES = bytes(32)
_ZERO_NODES = [RootNode(h) for h in zero_hashes]

_builders: dict = {}


def builder_for(typ):
    """build(data, start, end) -> Node for `typ`, or None for a type it does not know."""
    fn = _builders.get(typ)
    if fn is None and typ not in _builders:
        fn = _builders[typ] = _compile(typ)
    return fn


def fill(nodes: list, depth: int):
    """The subtree of `depth` levels over `nodes` (at most 2**depth), padded with zero subtrees."""
    if not nodes:
        return _ZERO_NODES[depth]
    for d in range(depth):
        if len(nodes) & 1:
            nodes = nodes + [_ZERO_NODES[d]]  # not append: callers still use their list
        it = iter(nodes)
        nodes = [PairNode(a, b) for a, b in zip(it, it)]
    return nodes[0]


def _chunks(data: bytes, start: int, end: int) -> list:
    """Leaves of data[start:end] packed into 32-byte chunks, the last zero padded."""
    b = data[start:end]
    if len(b) & 31:
        b += _ZERO_BYTES[:32 - (len(b) & 31)]
    return [RootNode(b[i:i + 32]) for i in range(0, len(b), 32)]


# Below this many chunks the plain build is cheaper than sorting for duplicates.
_DEDUP_MIN_CHUNKS = 256


def packed_tree(data: bytes, start: int, end: int, depth: int):
    """`fill(_chunks(data, start, end), depth)`, with equal subtrees built and hashed once.

    State vectors repeat themselves: a young mainnet state's 3 x 65,536 randao mixes,
    index roots and committee roots hold a handful of distinct values. Each level is
    reduced to its distinct (left, right) pairs with numpy, so Python touches only
    distinct nodes, and their roots are computed here, bottom up, while the children's
    roots are at hand: the state's first hash_tree_root then finds them cached.
    """
    n = (end - start + 31) // 32
    if n < _DEDUP_MIN_CHUNKS:
        return fill(_chunks(data, start, end), depth)
    b = data[start:end]
    if len(b) & 31:
        b += _ZERO_BYTES[:32 - (len(b) & 31)]
    # Equal chunks come in runs (the unwritten tail of a vector): sort only run heads.
    words = np.frombuffer(b, dtype="<u8").reshape(-1, 4)
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = np.any(words[1:] != words[:-1], axis=1)
    heads = np.frombuffer(b, dtype="V32")[new_run]
    uniq, head_ids = np.unique(heads, return_inverse=True)
    ids = head_ids.reshape(-1).astype(np.int64)[np.cumsum(new_run) - 1]
    raw = uniq.tobytes()
    nodes = [RootNode(raw[i:i + 32]) for i in range(0, len(raw), 32)]
    for d in range(depth):
        if len(ids) & 1:
            nodes.append(_ZERO_NODES[d])
            ids = np.append(ids, len(nodes) - 1)
        width = len(nodes)
        keys, ids = np.unique(ids[0::2] * width + ids[1::2], return_inverse=True)
        ids = ids.reshape(-1)
        level = []
        for key in keys.tolist():
            left, right = nodes[key // width], nodes[key % width]
            node = PairNode(left, right)
            # The children's roots are known (leaves, or set on the level below), so the
            # root is one hash. Set directly: `merkle_root()` would do the same through
            # two more Python calls per node (remerkleable 0.1.28 keeps it in `_root`).
            node._root = sha256(left._root + right._root).digest()
            level.append(node)
        nodes = level
    return nodes[ids[0]]


def _length_node(n: int):
    return RootNode(n.to_bytes(32, "little"))


def _compile(typ):
    if not isinstance(typ, type):
        return None
    if issubclass(typ, (boolean, uint)):
        pad = _ZERO_BYTES[:32 - typ.type_byte_length()]
        return lambda data, start, end: RootNode(data[start:end] + pad)
    if issubclass(typ, (ByteVector, Bitvector)):
        if typ.type_byte_length() <= 32:
            pad = _ZERO_BYTES[:32 - typ.type_byte_length()]
            return lambda data, start, end: RootNode(data[start:end] + pad)
        depth = typ.tree_depth()
        return lambda data, start, end: packed_tree(data, start, end, depth)
    if issubclass(typ, ByteList):
        depth = typ.contents_depth()
        return lambda data, start, end: PairNode(packed_tree(data, start, end, depth),
                                                 _length_node(end - start))
    if issubclass(typ, Bitlist):
        # Bitlists are small (at most a committee); remerkleable builds them directly.
        return lambda data, start, end: typ.decode_bytes(data[start:end]).get_backing()
    generated = make_builder(typ) if issubclass(typ, (Container, Vector)) else None
    if generated is not None:
        return generated
    if issubclass(typ, Container):
        return _container(typ)
    if issubclass(typ, (List, Vector)):
        return _sequence(typ)
    return None


def _container(typ):
    depth = typ.tree_depth()
    parts, pos, dynamic = [], 0, []
    for ftyp in typ.fields().values():
        build, size = builder_for(ftyp), plan_for(ftyp).fixed_size
        if build is None:
            return None
        if size is None:
            dynamic.append(len(parts))
            parts.append((pos, None, build))
            pos += OFFSET_SIZE
        else:
            parts.append((pos, size, build))
            pos += size
    if not dynamic:
        fixed = [(p, p + s, b) for (p, s, b) in parts]
        return lambda data, start, end: fill([b(data, start + a, start + z) for (a, z, b) in fixed], depth)

    dyn_pos = [parts[i][0] for i in dynamic]

    def build_container(data, start, end):
        # Each variable field ends where the next one's offset points, the last at `end`.
        offs = [start + int.from_bytes(data[start + p:start + p + OFFSET_SIZE], "little") for p in dyn_pos]
        offs.append(end)
        nodes, k = [], 0
        for (p, size, b) in parts:
            if size is None:
                nodes.append(b(data, offs[k], offs[k + 1]))
                k += 1
            else:
                nodes.append(b(data, start + p, start + p + size))
        return fill(nodes, depth)
    return build_container


def _sequence(typ):
    etyp = typ.element_cls()
    is_list = issubclass(typ, List)
    depth = typ.contents_depth() if is_list else typ.tree_depth()
    if issubclass(etyp, (boolean, uint)):
        # Basic items are packed into chunks; the bytes are already in that layout.
        if is_list:
            esize = etyp.type_byte_length()
            return lambda data, start, end: PairNode(packed_tree(data, start, end, depth),
                                                     _length_node((end - start) // esize))
        return lambda data, start, end: packed_tree(data, start, end, depth)
    build, esize = builder_for(etyp), plan_for(etyp).fixed_size
    if build is None:
        return None
    if esize == 32 and issubclass(etyp, ByteVector):
        # Bytes32 items are one chunk each: the chunks of the whole slice are the items.
        if is_list:
            def build_roots(data, start, end):
                return PairNode(packed_tree(data, start, end, depth),
                                _length_node((end - start) // 32))
            return build_roots
        return lambda data, start, end: packed_tree(data, start, end, depth)
    memo_build = make_memo_builder(etyp) if esize is not None else None
    if memo_build is not None:
        build_m, slots = memo_build

        def nodes_of(data, start, end):
            # Per decode, not global: equal field groups (a validator's four epochs)
            # share one subtree across the elements of this sequence only.
            memo = [{} for _ in range(slots)]
            return [build_m(data, p, p + esize, memo) for p in range(start, end, esize)]
    elif esize is not None:
        def nodes_of(data, start, end):
            return [build(data, p, p + esize) for p in range(start, end, esize)]
    else:
        def nodes_of(data, start, end):
            if end == start:
                return []
            count = int.from_bytes(data[start:start + 4], "little") // OFFSET_SIZE
            offs = [start + o for o in struct.unpack_from(f"<{count}I", data, start)]
            offs.append(end)
            return [build(data, offs[i], offs[i + 1]) for i in range(count)]
    if is_list:
        def build_list(data, start, end):
            nodes = nodes_of(data, start, end)
            return PairNode(fill(nodes, depth), _length_node(len(nodes)))
        return build_list
    return lambda data, start, end: fill(nodes_of(data, start, end), depth)


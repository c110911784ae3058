"""SSZ bytes straight from a view's backing tree.

remerkleable 0.1.28 serialises by re-creating a view for every element and field
(`serialize` -> `__getattr__` -> `view_from_backing`), about 2.5 s for a state with
16k validators. Here each type gets an emitter, compiled once, that reads the leaf
chunks of the tree and slices the bytes out: the inverse of ssz.backing.

Trees may hold a whole zero subtree as one RootNode (remerkleable does that for
default values); `_leaves` expands those on the fly.
"""
from __future__ import annotations

from remerkleable.basic import boolean, uint
from remerkleable.bitfields import Bitlist, Bitvector
from remerkleable.byte_arrays import ByteList, ByteVector
from remerkleable.complex import Container, List, Vector
from remerkleable.settings import zero_hashes
from remerkleable.tree import PairNode, RootNode

from ssz.codegen import make_emitter
from ssz.strict import OFFSET_SIZE, plan_for

_ZERO_NODES = [RootNode(h) for h in zero_hashes]
_emitters: dict = {}


def emitter_for(typ):
    """emit(node) -> bytes for `typ`, or None for a type it does not know."""
    fn = _emitters.get(typ)
    if fn is None and typ not in _emitters:
        fn = _emitters[typ] = _compile(typ)
    return fn


def _leaves(node, depth: int, count: int) -> list:
    """The first `count` nodes at `depth` levels below `node`."""
    if count == 0:
        return []
    level = [node]
    for d in range(depth - 1, -1, -1):
        nxt = []
        for n in level:
            if type(n) is PairNode:
                nxt.append(n.left)
                nxt.append(n.right)
            elif n.root == zero_hashes[d + 1]:  # a zero subtree kept as one node
                nxt.append(_ZERO_NODES[d])
                nxt.append(_ZERO_NODES[d])
            else:
                raise ValueError("cannot serialise a tree with a summarised (pruned) subtree")
        level = nxt[:((count - 1) >> d) + 1]
    return level


def _join_chunks(node, depth: int, nbytes: int) -> bytes:
    return b"".join(n.root for n in _leaves(node, depth, (nbytes + 31) // 32))[:nbytes]


def _length(node) -> int:
    return int.from_bytes(node.right.root[:8], "little") if type(node) is PairNode else 0


def _compile(typ):
    if not isinstance(typ, type):
        return None
    if issubclass(typ, (boolean, uint)) or (issubclass(typ, (ByteVector, Bitvector))
                                             and typ.type_byte_length() <= 32):
        size = typ.type_byte_length()
        return lambda node: node.root[:size]
    if issubclass(typ, (ByteVector, Bitvector)):
        size, depth = typ.type_byte_length(), typ.tree_depth()
        return lambda node: _join_chunks(node, depth, size)
    if issubclass(typ, ByteList):
        depth = typ.contents_depth()
        return lambda node: _join_chunks(node.left, depth, _length(node)) if type(node) is PairNode else b""
    if issubclass(typ, Bitlist):
        return _bitlist(typ)
    generic = None
    if issubclass(typ, Container):
        generic = _container(typ)
    elif issubclass(typ, (List, Vector)):
        generic = _sequence(typ)
    generated = make_emitter(typ) if generic is not None else None
    if generated is None:
        return generic

    def emit_fixed(node):
        try:
            return generated(node)
        except AttributeError:  # a zero subtree held as one RootNode: walk it generically
            return generic(node)
    return emit_fixed


def _bitlist(typ):
    depth = typ.contents_depth()

    def emit(node):
        bits = _length(node)
        nbytes = bits // 8 + 1  # the delimiter bit may need a byte of its own
        out = bytearray(_join_chunks(node.left, depth, (bits + 7) // 8) if bits else b"")
        out.extend(bytes(nbytes - len(out)))
        out[bits // 8] |= 1 << (bits % 8)
        return bytes(out)
    return emit


def _container(typ):
    fields = list(typ.fields().values())
    emits = [emitter_for(f) for f in fields]
    if any(e is None for e in emits):
        return None
    fixed = [plan_for(f).fixed_size for f in fields]
    depth, count = typ.tree_depth(), len(fields)
    pairs = list(zip(emits, fixed))
    if all(s is not None for s in fixed):
        return lambda node: b"".join(e(n) for (e, _), n in zip(pairs, _leaves(node, depth, count)))
    head_size = sum(OFFSET_SIZE if s is None else s for s in fixed)

    def emit(node):
        head, tail, pos = [], [], head_size
        for (e, s), n in zip(pairs, _leaves(node, depth, count)):
            b = e(n)
            if s is None:
                head.append(pos.to_bytes(OFFSET_SIZE, "little"))
                tail.append(b)
                pos += len(b)
            else:
                head.append(b)
        return b"".join(head) + b"".join(tail)
    return emit


def _sequence(typ):
    etyp = typ.element_cls()
    is_list = issubclass(typ, List)
    depth = typ.contents_depth() if is_list else typ.tree_depth()
    fixed_count = None if is_list else typ.vector_length()
    if issubclass(etyp, (boolean, uint)):
        esize = etyp.type_byte_length()
        if is_list:
            return lambda node: _join_chunks(node.left, depth, _length(node) * esize) \
                if type(node) is PairNode else b""
        return lambda node: _join_chunks(node, depth, fixed_count * esize)
    e = emitter_for(etyp)
    if e is None:
        return None
    variable = plan_for(etyp).fixed_size is None

    def items(node):
        if is_list:
            if type(node) is not PairNode:
                return []
            return [e(n) for n in _leaves(node.left, depth, _length(node))]
        return [e(n) for n in _leaves(node, depth, fixed_count)]

    if not variable:
        return lambda node: b"".join(items(node))

    def emit(node):
        parts = items(node)
        pos, head = OFFSET_SIZE * len(parts), []
        for b in parts:
            head.append(pos.to_bytes(OFFSET_SIZE, "little"))
            pos += len(b)
        return b"".join(head) + b"".join(parts)
    return emit

"""Generated tree builders and byte emitters for small fixed-size SSZ types.

A fixed-size type (Validator, Checkpoint, a BLS signature...) always has the same tree
shape, so its builder can be one Python expression of RootNode/PairNode calls over
slices of the input, and its emitter one expression of `.left/.right` steps. Generating
that source once per type removes the per-field function calls of a generic walk,
which dominate when a state holds thousands of validators: decoding 16k validators
went from ~1 s to ~0.2 s.

Types with more than MAX_LEAVES leaves (e.g. Vector[Hash, 8192]) are left to the
generic code in ssz.backing / ssz.emit, where a loop is cheaper than a huge expression.
"""
from __future__ import annotations

from remerkleable.basic import boolean, uint
from remerkleable.bitfields import Bitvector
from remerkleable.byte_arrays import ByteVector
from remerkleable.complex import Container, Vector
from remerkleable.settings import zero_hashes
from remerkleable.tree import PairNode, RootNode

MAX_LEAVES = 64

_NS = {"R": RootNode, "P": PairNode, "ZN": [RootNode(h) for h in zero_hashes],
       "ZB": [bytes(i) for i in range(33)]}


def leaf_layout(typ):
    """[(offset, size)] of the 32-byte chunks of fixed-size `typ` in tree order, plus
    the tree depth at each level, as a nested structure: ("leaf", off, size) or
    ("node", depth, [children]). None when `typ` is not a fixed type this module knows."""
    if not isinstance(typ, type):
        return None
    if issubclass(typ, (boolean, uint)) or (issubclass(typ, (ByteVector, Bitvector))
                                             and typ.type_byte_length() <= 32):
        return ("leaf", 0, typ.type_byte_length())
    if issubclass(typ, (ByteVector, Bitvector)) or (
            issubclass(typ, Vector) and issubclass(typ.element_cls(), (boolean, uint))):
        n = typ.type_byte_length()
        return ("node", typ.tree_depth(),
                [("leaf", i, min(32, n - i)) for i in range(0, n, 32)])
    if issubclass(typ, Container) and typ.is_fixed_byte_length():
        children, pos = [], 0
        for ftyp in typ.fields().values():
            sub = leaf_layout(ftyp)
            if sub is None:
                return None
            children.append(_shift(sub, pos))
            pos += ftyp.type_byte_length()
        return ("node", typ.tree_depth(), children)
    if issubclass(typ, Vector) and typ.is_fixed_byte_length():
        etyp = typ.element_cls()
        sub, esize = leaf_layout(etyp), etyp.type_byte_length()
        if sub is None:
            return None
        return ("node", typ.tree_depth(), [_shift(sub, i * esize) for i in range(typ.vector_length())])
    return None


def _shift(layout, by):
    if layout[0] == "leaf":
        return ("leaf", layout[1] + by, layout[2])
    return ("node", layout[1], [_shift(c, by) for c in layout[2]])


def _count(layout) -> int:
    return 1 if layout[0] == "leaf" else sum(_count(c) for c in layout[2])


def builder_source(layout) -> str:
    """Expression building the tree of `layout` from `d[s:...]`."""
    if layout[0] == "leaf":
        _, off, size = layout
        pad = f"+ZB[{32 - size}]" if size < 32 else ""
        return f"R(d[s+{off}:s+{off + size}]{pad})"
    _, depth, children = layout
    return _tree([builder_source(c) for c in children], depth)


def _tree(exprs, depth) -> str:
    if depth == 0:
        return exprs[0] if exprs else "ZN[0]"
    half = 1 << (depth - 1)
    if len(exprs) <= half:
        return f"P({_tree(exprs, depth - 1)},ZN[{depth - 1}])"
    return f"P({_tree(exprs[:half], depth - 1)},{_tree(exprs[half:], depth - 1)})"


def make_builder(typ):
    """build(d, s, e) -> Node for fixed-size `typ`, or None when not worth generating."""
    layout = leaf_layout(typ)
    if layout is None or _count(layout) > MAX_LEAVES:
        return None
    src = f"def build(d, s, e):\n    return {builder_source(layout)}\n"
    ns = dict(_NS)
    exec(compile(src, f"<ssz builder {getattr(typ, '__name__', typ)}>", "exec"), ns)
    return ns["build"]


def make_emitter(typ):
    """emit(node) -> bytes for fixed-size `typ`, or None when not worth generating.

    The generated code walks `.left/.right`; a subtree that remerkleable keeps as one
    zero RootNode (a default value) has no children and raises AttributeError, and the
    caller then falls back to its generic walk.
    """
    layout = leaf_layout(typ)
    if layout is None or _count(layout) > MAX_LEAVES:
        return None
    parts = []
    _emit_parts(layout, "n", parts)
    src = f"def emit(n):\n    return b''.join(({', '.join(parts)},))\n"
    ns = {}
    exec(compile(src, f"<ssz emitter {getattr(typ, '__name__', typ)}>", "exec"), ns)
    return ns["emit"]


def _emit_parts(layout, path: str, out: list) -> None:
    if layout[0] == "leaf":
        size = layout[2]
        out.append(f"{path}.root" if size == 32 else f"{path}.root[:{size}]")
        return
    _, depth, children = layout
    for i, child in enumerate(children):
        step = path
        for level in range(depth - 1, -1, -1):
            step += ".right" if (i >> level) & 1 else ".left"
        _emit_parts(child, step, out)

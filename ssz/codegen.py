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
    if _surely_too_big(typ):
        # Decided before the layout is built: a Vector[Hash, 65536] layout costs ~0.1 s
        # of list building, paid on the first decode of every fresh process.
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


def _surely_too_big(typ) -> bool:
    """A vector with more than MAX_LEAVES chunks or elements (each has at least one leaf)."""
    if issubclass(typ, (ByteVector, Bitvector)):
        return typ.type_byte_length() > 32 * MAX_LEAVES
    if issubclass(typ, Vector):
        return typ.vector_length() > MAX_LEAVES
    return False


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


# Subtrees spanning at most this many bytes are shared between the elements of one
# sequence by `make_memo_builder` (a validator's 4 epochs: 32 bytes; its balance and
# slashed flag: 9). Larger spans (a pubkey) are as good as unique.
MEMO_SPAN = 32


def _span(layout) -> tuple[int, int]:
    if layout[0] == "leaf":
        return layout[1], layout[1] + layout[2]
    spans = [_span(c) for c in layout[2]]
    return min(a for a, _ in spans), max(b for _, b in spans)


def _memo_tree(children, depth: int, slots: list) -> str:
    """Like `_tree` over child layouts, but a group of children spanning at most
    MEMO_SPAN bytes is looked up in memo M[slot] by its bytes before being built."""
    if depth == 0:
        return _memo_source(children[0], slots) if children else "ZN[0]"
    if children:
        lo, hi = _span(("node", depth, children))
        if hi - lo <= MEMO_SPAN:
            slot = len(slots)
            slots.append(slot)
            key = f"d[s+{lo}:s+{hi}]"
            built = _tree([builder_source(c) for c in children], depth)
            return f"(M[{slot}].get({key}) or M[{slot}].setdefault({key}, {built}))"
    half = 1 << (depth - 1)
    if len(children) <= half:
        return f"P({_memo_tree(children, depth - 1, slots)},ZN[{depth - 1}])"
    return (f"P({_memo_tree(children[:half], depth - 1, slots)},"
            f"{_memo_tree(children[half:], depth - 1, slots)})")


def _memo_source(layout, slots: list) -> str:
    if layout[0] == "leaf":
        return builder_source(layout)
    return _memo_tree(layout[2], layout[1], slots)


def make_memo_builder(typ):
    """(build(d, s, e, M), slots) for fixed-size `typ`, where M is a list of `slots`
    dicts shared by the elements of one sequence, or None when no subtree is small
    enough to share. Shared subtrees are immutable tree nodes, so sharing is safe."""
    layout = leaf_layout(typ)
    if layout is None or layout[0] == "leaf" or _count(layout) > MAX_LEAVES:
        return None
    slots: list = []
    _, depth, children = layout
    half = 1 << (depth - 1)   # the whole element is as good as unique: memo its halves
    body = (f"P({_memo_tree(children[:half], depth - 1, slots)},"
            f"{_memo_tree(children[half:], depth - 1, slots)})")
    if not slots:
        return None
    src = f"def build(d, s, e, M):\n    return {body}\n"
    ns = dict(_NS)
    exec(compile(src, f"<ssz memo builder {getattr(typ, '__name__', typ)}>", "exec"), ns)
    return ns["build"], len(slots)


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

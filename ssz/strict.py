"""Structural checks on SSZ bytes, run before remerkleable builds views from them.

remerkleable 0.1.28 decodes leniently or crashes in places (each has a test in
tests/ssz/test_decode_matrix.py):
- a basic value's `decode_bytes` never checks the length: a uint16 decodes from 1 or 3
  bytes, and a boolean accepts any non-zero byte as true;
- a fixed-size container ignores the byte count it is given: trailing bytes are
  dropped, and a truncated input decodes its last uint from the bytes that are left;
- a container's first offset may point past the fixed part: the gap is skipped and
  the variable fields are read from the wrong place;
- a list of variable-size items whose first offset is 0 crashes with a bare ValueError;
- its remaining errors are bare `Exception`s with no path.

`validate(typ, data)` runs a checker compiled once per type. It raises `SSZDecodeError`
at the first broken rule, with the path to the offending part. Fixed-size data is
checked with C-level slicing (`bytes.translate` over strided slices), so a state with
many validators costs one slice per constraint, not a Python loop per validator.
After `validate` passes, every remerkleable decoder sees well-formed input.
"""
from __future__ import annotations

import struct

from remerkleable.basic import boolean, uint
from remerkleable.bitfields import Bitlist, Bitvector
from remerkleable.byte_arrays import ByteList, ByteVector
from remerkleable.complex import Container, List, Vector

from ssz.errors import SSZDecodeError

OFFSET_SIZE = 4
_BOOL_OK = bytes([0, 1])


def type_name(typ) -> str:
    """Short readable name: the class name of a container, else the SSZ notation."""
    if isinstance(typ, type) and issubclass(typ, Container):
        return typ.__name__
    try:
        return typ.type_repr()
    except Exception:  # noqa: BLE001 - a name for messages only
        return getattr(typ, "__name__", repr(typ))


class _Plan:
    """What `validate` knows about one type.

    fixed_size: byte length of a fixed-size type, None for a variable-size one.
    constraints: for a fixed-size type, byte rules as (offset, stride, count, allowed):
        the bytes at offset, offset+stride, ... (count of them) must be in `allowed`.
    check: check(data, start, end) for the type's bytes data[start:end].
    """
    __slots__ = ("typ", "name", "fixed_size", "constraints", "check")

    def __init__(self, typ, fixed_size, constraints=(), check=None):
        self.typ = typ
        self.name = type_name(typ)
        self.fixed_size = fixed_size
        self.constraints = tuple(constraints)
        self.check = check


_plans: dict = {}


def validate(typ, data: bytes) -> bool:
    """Check that `data` is structurally the canonical encoding of `typ`.

    Returns:
        False when the type has no compiled checker (the caller must then check by
        other means), True when the bytes passed.
    Raises:
        SSZDecodeError: naming `typ`, the path to the bad part and the reason.
    """
    plan = plan_for(typ)
    if plan is None:
        return False
    try:
        plan.check(data, 0, len(data))
    except SSZDecodeError as e:
        raise SSZDecodeError(e.reason, e.part_type, e.path, plan.name) from None
    return True


def plan_for(typ):
    """The compiled plan of `typ`, or None for a kind of type this module does not know."""
    plan = _plans.get(typ)
    if plan is None and typ not in _plans:
        try:
            plan = _compile(typ)
        except _Unsupported:
            plan = None
        _plans[typ] = plan
    return plan


class _Unsupported(Exception):
    """A compound type has a part of a kind this module does not know."""


def _compile(typ):
    if not isinstance(typ, type):
        return None
    if issubclass(typ, boolean):
        return _fixed(typ, 1, [(0, 1, 1, _BOOL_OK)])
    if issubclass(typ, uint):
        # Any bytes of the exact length are a valid uint, so the length check is all.
        return _fixed(typ, typ.type_byte_length(), [])
    if issubclass(typ, ByteVector):
        return _fixed(typ, typ.vector_length(), [])
    if issubclass(typ, Bitvector):
        return _bitvector(typ)
    if issubclass(typ, ByteList):
        return _variable(typ, _bytelist_check(typ))
    if issubclass(typ, Bitlist):
        return _variable(typ, _bitlist_check(typ))
    if issubclass(typ, Container):
        return _container(typ)
    if issubclass(typ, Vector):
        return _sequence(typ, typ.vector_length(), is_list=False)
    if issubclass(typ, List):
        return _sequence(typ, typ.limit(), is_list=True)
    return None


# --- fixed-size types --------------------------------------------------------------

def _fixed(typ, size: int, constraints) -> _Plan:
    plan = _Plan(typ, size, constraints)
    name = plan.name
    cons = plan.constraints

    def check(data, start, end):
        if end - start != size:
            raise SSZDecodeError(f"expected {size} bytes, got {end - start}", name)
        if cons:
            _apply(typ, data, start, cons, 1, size)

    plan.check = check
    return plan


def _bitvector(typ) -> _Plan:
    n = typ.vector_length()
    size = (n + 7) // 8
    spare = size * 8 - n
    cons = []
    if spare:
        # Only the low (8 - spare) bits of the last byte may be set.
        allowed = bytes(b for b in range(256) if b >> (8 - spare) == 0)
        cons.append((size - 1, 1, 1, allowed))
    return _fixed(typ, size, cons)


def _shift(constraints, offset):
    return [(o + offset, st, c, a) for (o, st, c, a) in constraints]


def _repeat(constraints, n: int, size: int):
    """The constraints of `n` consecutive elements of `size` bytes each, merged."""
    out = []
    for (o, st, c, a) in constraints:
        if c == 1:
            out.append((o, size, n, a))
        elif st * c == size:  # the rule covers the element evenly: one long stride
            out.append((o, st, c * n, a))
        elif n <= c:
            out.extend((o + j * size, st, c, a) for j in range(n))
        else:
            out.extend((o + k * st, size, n, a) for k in range(c))
    return out


def _apply(typ, data, base, constraints, n, size, indexed=False):
    """Check `constraints` of `n` elements of `typ`, `size` bytes each, from data[base].

    `indexed` says the elements are items of a list, so error paths start with an index.
    """
    for (o, st, c, allowed) in constraints:
        if n == 1:
            runs = ((base + o, st, c),)
        elif c == 1:
            runs = ((base + o, size, n),)
        elif st * c == size:
            runs = ((base + o, st, c * n),)
        else:
            runs = [(base + j * size + o, st, c) for j in range(n)]
        for first, step, count in runs:
            seg = data[first:first + step * (count - 1) + 1:step]
            if seg.translate(None, allowed):
                bad = first + step * next(i for i, b in enumerate(seg) if b not in allowed)
                _raise_located(typ, indexed, size, bad - base, data[bad])


def _raise_located(typ, indexed, size, rel, value):
    """Raise for the byte at `rel` (from the start of the elements) with its exact path."""
    path = ()
    if indexed:
        path, rel = (rel // size,), rel % size
    extra, leaf = _locate(typ, rel)
    if issubclass(leaf, boolean):
        reason = f"boolean must be 0x00 or 0x01, got 0x{value:02x}"
    else:
        reason = f"padding bits set above bit {leaf.vector_length()} (last byte 0x{value:02x})"
    raise SSZDecodeError(reason, type_name(leaf), path + extra)


def _locate(typ, rel):
    """Path within fixed-size `typ` to the leaf that holds byte `rel`, and its type."""
    path = []
    while True:
        if issubclass(typ, Container):
            pos = 0
            for name, ftyp in typ.fields().items():
                fsize = ftyp.type_byte_length() if ftyp.is_fixed_byte_length() else OFFSET_SIZE
                if rel < pos + fsize:
                    path.append(name)
                    typ, rel = ftyp, rel - pos
                    break
                pos += fsize
        elif issubclass(typ, (Vector, List)) and not issubclass(typ, (Bitvector, Bitlist)):
            esize = typ.element_cls().type_byte_length()
            path.append(rel // esize)
            typ, rel = typ.element_cls(), rel % esize
        else:
            return tuple(path), typ


# --- variable-size types -----------------------------------------------------------

def _variable(typ, check) -> _Plan:
    plan = _Plan(typ, None, (), check)
    return plan


def _bytelist_check(typ):
    limit, name = typ.limit(), type_name(typ)

    def check(data, start, end):
        if end - start > limit:
            raise SSZDecodeError(f"{end - start} bytes over the limit of {limit}", name)
    return check


def _bitlist_check(typ):
    limit, name = typ.limit(), type_name(typ)
    max_bytes = limit // 8 + 1

    def check(data, start, end):
        n = end - start
        if n == 0:
            raise SSZDecodeError("empty: a bitlist has at least its delimiter byte", name)
        if n > max_bytes:
            raise SSZDecodeError(f"{n} bytes, more than the {max_bytes} of {limit} bits", name)
        last = data[end - 1]
        if last == 0:
            raise SSZDecodeError("no delimiter bit: the last byte is 0x00", name)
        bits = (n - 1) * 8 + last.bit_length() - 1
        if bits > limit:
            raise SSZDecodeError(f"{bits} bits over the limit of {limit}", name)
    return check


def _container(typ) -> _Plan:
    fields = list(typ.fields().items())
    if typ.is_fixed_byte_length():
        cons, pos = [], 0
        for _, ftyp in fields:
            fplan = _need(ftyp)
            cons.extend(_shift(fplan.constraints, pos))
            pos += fplan.fixed_size
        return _fixed(typ, pos, cons)

    name = type_name(typ)
    fixed_cons, dynamic, pos = [], [], 0
    for fname, ftyp in fields:
        fplan = _need(ftyp)
        if fplan.fixed_size is not None:
            fixed_cons.extend(_shift(fplan.constraints, pos))
            pos += fplan.fixed_size
        else:
            dynamic.append((fname, fplan.check, pos))
            pos += OFFSET_SIZE
    fixed_size = pos
    fixed_cons = tuple(fixed_cons)
    offsets_at = [p for (_, _, p) in dynamic]

    def check(data, start, end):
        n = end - start
        if n < fixed_size:
            raise SSZDecodeError(f"{n} bytes, shorter than its fixed part of {fixed_size}", name)
        if fixed_cons:
            _apply(typ, data, start, fixed_cons, 1, fixed_size)
        offs = [int.from_bytes(data[start + p:start + p + OFFSET_SIZE], "little") for p in offsets_at]
        offs.append(n)
        if offs[0] != fixed_size:
            raise SSZDecodeError(
                f"first offset is {offs[0]}, must equal the fixed part size {fixed_size}",
                name, (dynamic[0][0],))
        for i, (fname, fcheck, _) in enumerate(dynamic):
            a, b = offs[i], offs[i + 1]
            if b > n:
                raise SSZDecodeError(f"offset {b} is past the end ({n} bytes)", name, (dynamic[i + 1][0],))
            if b < a:
                raise SSZDecodeError(f"offset {b} is below the previous offset {a}", name,
                                     (dynamic[i + 1][0],))
            try:
                fcheck(data, start + a, start + b)
            except SSZDecodeError as e:
                raise e.within(fname) from None

    return _Plan(typ, None, (), check)


def _sequence(typ, length: int, is_list: bool) -> _Plan:
    elem = _need(typ.element_cls())
    name = type_name(typ)
    if elem.fixed_size is not None:
        esize = elem.fixed_size
        if not is_list:
            return _fixed(typ, esize * length, _repeat(elem.constraints, length, esize))
        econs = elem.constraints

        def check_fixed_list(data, start, end):
            n = end - start
            if n % esize:
                raise SSZDecodeError(f"{n} bytes is not a whole number of {esize}-byte items", name)
            count = n // esize
            if count > length:
                raise SSZDecodeError(f"{count} items over the limit of {length}", name)
            if econs and count:
                _apply(typ.element_cls(), data, start, econs, count, esize, indexed=True)
        return _Plan(typ, None, (), check_fixed_list)

    echeck = elem.check

    def check_var_items(data, start, end):
        n = end - start
        if n == 0:
            if is_list:
                return
            raise SSZDecodeError(f"empty, expected {length} items", name)
        if n < OFFSET_SIZE:
            raise SSZDecodeError(f"{n} bytes, too short for the first offset", name)
        first = int.from_bytes(data[start:start + OFFSET_SIZE], "little")
        if first == 0 or first % OFFSET_SIZE:
            raise SSZDecodeError(f"first offset {first} is not a positive multiple of {OFFSET_SIZE}", name)
        if first > n:
            raise SSZDecodeError(f"first offset {first} is past the end ({n} bytes)", name)
        count = first // OFFSET_SIZE
        if is_list and count > length:
            raise SSZDecodeError(f"{count} items over the limit of {length}", name)
        if not is_list and count != length:
            raise SSZDecodeError(f"{count} items, expected {length}", name)
        offs = struct.unpack_from(f"<{count}I", data, start) + (n,)
        for i in range(count):
            a, b = offs[i], offs[i + 1]
            if b > n:
                raise SSZDecodeError(f"offset {b} is past the end ({n} bytes)", name, (i + 1,))
            if b < a:
                raise SSZDecodeError(f"offset {b} is below the previous offset {a}", name, (i + 1,))
            try:
                echeck(data, start + a, start + b)
            except SSZDecodeError as e:
                raise e.within(i) from None

    return _Plan(typ, None, (), check_var_items)


def _need(typ) -> _Plan:
    plan = plan_for(typ)
    if plan is None:
        raise _Unsupported(type_name(typ))
    return plan

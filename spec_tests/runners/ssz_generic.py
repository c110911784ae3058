"""ssz_generic: generic SSZ types named by the case name, valid and invalid encodings.

Spec: test_formats/ssz_generic/README.md (v0.8.4). The type is parsed from the case
name (`vec_uint16_3_random`, `bitlist_5_but_6`, `uint_128_max_0`, `ComplexTestStruct_one`).
Valid cases get the ssz_static checks; invalid ones must fail `ssz.codec.decode` with
`SSZDecodeError`. A zero-length vector or bitvector cannot even be declared, which the
format counts as rejecting the case, so an invalid case may also pass that way.
"""
# No `from __future__ import annotations`: remerkleable reads the field annotations as types.

import re

from remerkleable.basic import boolean, byte, uint8, uint16, uint32, uint64, uint128, uint256
from remerkleable.bitfields import Bitlist, Bitvector
from remerkleable.byte_arrays import ByteList
from remerkleable.complex import Container, List, Vector

from beacon.config import Config
from spec_tests.case import Case, CaseFailure
from spec_tests.runners.ssz_static import check_value
from ssz.codec import SSZDecodeError, decode

UINTS = {8: uint8, 16: uint16, 32: uint32, 64: uint64, 128: uint128, 256: uint256}
ELEMS = {"bool": boolean, **{f"uint{n}": t for n, t in UINTS.items()}}
# The invalid bitlist_no_delimiter_* cases name no limit: any limit must reject them,
# so use one large enough that only the missing delimiter can be the reason.
UNNAMED_BITLIST_LIMIT = 2048


class SingleFieldTestStruct(Container):
    A: byte


class SmallTestStruct(Container):
    A: uint16
    B: uint16


class FixedTestStruct(Container):
    A: uint8
    B: uint64
    C: uint32


class VarTestStruct(Container):
    A: uint16
    B: List[uint16, 1024]
    C: uint8


class ComplexTestStruct(Container):
    A: uint16
    B: List[uint16, 128]
    C: uint8
    D: ByteList[256]
    E: VarTestStruct
    F: Vector[FixedTestStruct, 4]
    G: Vector[VarTestStruct, 2]


class BitsStruct(Container):
    A: Bitlist[5]
    B: Bitvector[2]
    C: Bitvector[1]
    D: Bitlist[6]
    E: Bitvector[8]


CONTAINERS = {c.__name__: c for c in (SingleFieldTestStruct, SmallTestStruct, FixedTestStruct,
                                      VarTestStruct, ComplexTestStruct, BitsStruct)}


class UndeclarableType(Exception):
    """The case name declares a type SSZ forbids (a zero-length vector)."""


def type_for(handler: str, name: str):
    """The SSZ type the case `name` of `handler` declares.

    Raises:
        UndeclarableType: a zero-length vector or bitvector.
        CaseFailure: a name this runner cannot parse.
    """
    if handler == "boolean":
        return boolean
    if handler == "uints":
        m = re.match(r"uint_(\d+)_", name)
        if m and int(m.group(1)) in UINTS:
            return UINTS[int(m.group(1))]
    elif handler == "basic_vector":
        m = re.match(r"vec_([a-z0-9]+)_(\d+)(_|$)", name)
        if m and m.group(1) in ELEMS:
            return _vector(ELEMS[m.group(1)], int(m.group(2)))
    elif handler == "bitvector":
        m = re.match(r"bitvec_(\d+)(_|$)", name)
        if m:
            if int(m.group(1)) == 0:
                raise UndeclarableType("Bitvector[0]")
            return Bitvector[int(m.group(1))]
    elif handler == "bitlist":
        m = re.match(r"bitlist_(\d+)(_|$)", name)
        if m:
            return Bitlist[int(m.group(1))]
        if name.startswith("bitlist_no_delimiter"):
            return Bitlist[UNNAMED_BITLIST_LIMIT]
    elif handler == "containers":
        typ = CONTAINERS.get(name.split("_", 1)[0])
        if typ is not None:
            return typ
    raise CaseFailure(f"cannot parse an SSZ type from {handler}/{name}")


def _vector(elem, length: int):
    if length == 0:
        raise UndeclarableType(f"Vector[{elem.type_repr()}, 0]")
    return Vector[elem, length]


def run(case: Case, config: Config) -> None:
    if case.suite == "invalid":
        try:
            typ = type_for(case.handler, case.name)
        except UndeclarableType:
            return
        data = case.read_bytes("serialized.ssz")
        try:
            decode(typ, data)
        except SSZDecodeError:
            return
        raise CaseFailure(f"invalid {typ.type_repr() if hasattr(typ, 'type_repr') else typ} "
                          f"encoding 0x{data[:64].hex()} decoded without error")
    if case.suite != "valid":
        raise CaseFailure(f"unknown suite {case.suite!r}")
    typ = type_for(case.handler, case.name)
    check_value(typ, case.read_bytes("serialized.ssz"), case.load_yaml("value.yaml"),
                case.load_yaml("meta.yaml"))

"""ssz_static: every phase0 container of the preset against its official encodings.

Spec: test_formats/ssz_static/core.md (v0.8.4). Per case, all of:
- serialized.ssz decodes strictly and re-encodes byte for byte;
- the decoded view, as plain values, equals value.yaml;
- value.yaml, built into a view, encodes to serialized.ssz;
- hash-tree-root (and signing root where roots.yaml has one) match roots.yaml.
"""
from __future__ import annotations

from beacon.config import Config
from spec_tests.protocol import PROTOCOL
from spec_tests.case import Case, CaseFailure
from ssz.codec import decode, encode
from ssz.signing import hash_tree_root, signing_root
from ssz.yaml_codec import first_difference, from_obj, to_obj


def run(case: Case, config: Config) -> None:
    typ = PROTOCOL.type_by_name(config, case.handler)
    data = case.read_bytes("serialized.ssz")
    value = case.load_yaml("value.yaml")
    roots = case.load_yaml("roots.yaml")
    check_value(typ, data, value, roots)


def check_value(typ, data: bytes, value, roots: dict) -> None:
    """The four ssz_static conditions; shared with the ssz_generic runner."""
    decoded = decode(typ, data)
    if encode(decoded) != data:
        raise CaseFailure("decoded value re-encodes to different bytes")
    diff = first_difference(to_obj(decoded), value)
    if diff:
        raise CaseFailure(f"decoded value differs from value.yaml at {diff}")
    built = from_obj(typ, value)
    if encode(built) != data:
        raise CaseFailure("value.yaml encodes to different bytes than serialized.ssz")
    want_root = _hex(roots["root"])
    for label, view in (("decoded", decoded), ("value.yaml", built)):
        got = hash_tree_root(view)
        if got != want_root:
            raise CaseFailure(f"root of {label}: got 0x{got.hex()}, want 0x{want_root.hex()}")
    if "signing_root" in roots:
        got, want = signing_root(decoded), _hex(roots["signing_root"])
        if got != want:
            raise CaseFailure(f"signing_root: got 0x{got.hex()}, want 0x{want.hex()}")


def _hex(text: str) -> bytes:
    return bytes.fromhex(text[2:] if text.startswith("0x") else text)

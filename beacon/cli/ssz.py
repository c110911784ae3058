"""`beacon-node ssz decode|encode|root|pretty`: inspect SSZ objects by spec type name.

decode:  .ssz (or .yaml) -> YAML or JSON, the spec-test value form
encode:  .yaml (or .ssz) -> canonical SSZ bytes
root:    hash-tree-root, plus the signing root for self-signed containers
pretty:  a short human summary (states and blocks get a dedicated one)

Every input is validated on the way in (strict SSZ decode, typed YAML conversion), so
`decode` then `encode` reproduces the original bytes exactly.
"""
from __future__ import annotations

import sys
from pathlib import Path

from beacon.cli.errors import UserError
from beacon.cli.files import (
    add_config_argument, config_of, format_of, hex0x, load_object, save_object, type_named,
)


def register(subparsers) -> None:
    ssz = subparsers.add_parser("ssz", help="decode, encode and inspect SSZ objects")
    sub = ssz.add_subparsers(dest="ssz_command", metavar="SUBCOMMAND", required=True)

    p = _typed(sub, "decode", "SSZ (or YAML) file to YAML or JSON")
    p.add_argument("--format", choices=("yaml", "json"), default=None,
                   help="output format (default: from --out's extension, else yaml)")
    p.add_argument("--out", metavar="FILE", help="output file (default: stdout)")
    p.set_defaults(func=decode)

    p = _typed(sub, "encode", "YAML (or SSZ) file to canonical SSZ bytes")
    p.add_argument("--out", metavar="FILE.ssz", required=True,
                   help="output file; must end in .ssz (use `ssz decode` for YAML/JSON)")
    p.set_defaults(func=encode)

    p = _typed(sub, "root", "hash-tree-root (and signing root where it applies)")
    p.set_defaults(func=root)

    p = _typed(sub, "pretty", "short human summary of an object")
    p.set_defaults(func=pretty)


def _typed(sub, name: str, help_text: str):
    p = sub.add_parser(name, help=help_text, description=help_text + ".")
    p.add_argument("--type", required=True, metavar="NAME",
                   help="spec type name, e.g. BeaconState, BeaconBlock, Attestation")
    add_config_argument(p)
    p.add_argument("file", metavar="FILE", help=".ssz, .yaml or .yml")
    return p


def _load(args):
    typ = type_named(config_of(args), args.type)
    return load_object(typ, args.file)


def decode(args) -> int:
    view = _load(args)
    fmt = args.format
    if fmt is None:
        fmt = "yaml" if args.out in (None, "-") else format_of(args.out, ("yaml", "json"))
    save_object(view, args.out, fmt)
    return 0


def encode(args) -> int:
    # SSZ bytes in a file named .yaml/.json would be read back as text and fail later.
    if Path(args.out).suffix.lower() != ".ssz":
        raise UserError(f"--out {args.out}: encode writes SSZ bytes, so the file must end "
                        "in .ssz (use `ssz decode --out FILE.yaml` for YAML)")
    save_object(_load(args), args.out, "ssz")
    return 0


def has_signing_root(view) -> bool:
    fields = getattr(type(view), "fields", None)
    return fields is not None and list(fields())[-1:] == ["signature"]


def roots(view) -> dict:
    from ssz.signing import signing_root
    out = {"root": hex0x(view.hash_tree_root())}
    if has_signing_root(view):
        out["signing_root"] = hex0x(signing_root(view))
    return out


def root(args) -> int:
    for key, value in roots(_load(args)).items():
        print(f"{key}: {value}")
    return 0


def pretty(args) -> int:
    from beacon.cli.summary import summarize
    config = config_of(args)
    sys.stdout.write("".join(line + "\n" for line in summarize(config, _load(args))))
    return 0

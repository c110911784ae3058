"""`beacon-node validator slashing-protection export|import`: EIP-3076 interchange files.

    export --datadir D [--out FILE] [--minimal] [--pubkey 0x..]...
        <D>/slashing_protection -> interchange JSON (version 5; complete form unless
        --minimal: one block and one attestation per validator, the maxima)
    import --datadir D FILE
        interchange JSON -> merged into <D>/slashing_protection (all checked first,
        nothing written on error); prints the counts

genesis_validators_root: v0.8.4 has none, so we use the hash-tree-root of the genesis
state (the `state_root` that `genesis quickstart` prints). It is read from --genesis-state
when given, else from the chain database in the datadir (its anchor must be genesis).
Run these while the node is stopped: LevelDB allows one process per database.
"""
from __future__ import annotations

import json
from pathlib import Path

from beacon.cli.errors import UserError
from beacon.cli.files import add_config_argument, config_of, hex_bytes, read_bytes, write_output

ROOT_HELP = ("genesis_validators_root is the hash-tree-root of the genesis state (v0.8.4 has "
             "no such field); taken from --genesis-state, else from the datadir's chain")


def register(subparsers) -> None:
    v = subparsers.add_parser("validator", help="validator tools: slashing protection",
                              description="Validator tools.")
    vsub = v.add_subparsers(dest="validator_command", metavar="SUBCOMMAND", required=True)
    sp = vsub.add_parser("slashing-protection", help="EIP-3076 interchange export/import",
                         description="Export or import the slashing-protection history "
                         "as EIP-3076 interchange JSON (format version 5). " + ROOT_HELP + ".")
    sub = sp.add_subparsers(dest="sp_command", metavar="ACTION", required=True)

    p = sub.add_parser("export", help="history to interchange JSON",
                       description="Write the history as interchange JSON. " + ROOT_HELP + ".")
    _common(p)
    p.add_argument("--out", metavar="FILE.json", help="output file (default: stdout)")
    p.add_argument("--minimal", action="store_true",
                   help="minimal form: per validator only the highest block slot and the "
                   "highest (source, target) attestation epochs, without roots")
    p.add_argument("--pubkey", action="append", type=hex_bytes(48), metavar="HEX",
                   help="only this validator (repeatable; default: all)")
    p.set_defaults(func=export)

    p = sub.add_parser("import", help="merge interchange JSON into the history",
                       description="Check an interchange file completely, then merge it "
                       "into the history. " + ROOT_HELP + ".")
    _common(p)
    p.add_argument("file", metavar="FILE.json")
    p.set_defaults(func=import_)


def _common(p) -> None:
    p.add_argument("--datadir", required=True, help="node data directory")
    p.add_argument("--genesis-state", metavar="FILE",
                   help="genesis state (.ssz/.yaml) whose root identifies the chain")
    add_config_argument(p)


def genesis_root(args) -> bytes:
    """The chain identifier we write as genesis_validators_root (see the module doc)."""
    if args.genesis_state:
        from beacon.cli.files import load_object, type_named
        state = load_object(type_named(config_of(args), "BeaconState"), args.genesis_state)
        if int(state.slot) != 0:
            raise UserError(f"{args.genesis_state}: not a genesis state (slot {int(state.slot)})")
        return bytes(state.hash_tree_root())
    chain_dir = Path(args.datadir) / "chain"
    if not chain_dir.is_dir():
        raise UserError(f"{args.datadir}: no chain database; give --genesis-state")
    from beacon.storage import ChainDB, StorageError
    from beacon.protocol import DEFAULT as PROTOCOL
    try:
        db = ChainDB.open(str(chain_dir), create=False)
    except (StorageError, OSError) as e:
        raise UserError(f"{chain_dir}: cannot open ({e}); is the node running?") from None
    try:
        header = PROTOCOL.types(config_of(args)).BeaconBlockHeader.decode_bytes(db.anchor_header_ssz)
    finally:
        db.close()
    if int(header.slot) != 0:
        raise UserError(f"{args.datadir}: the chain starts at slot {int(header.slot)}, not "
                        "genesis; give --genesis-state")
    return bytes(header.state_root)


def _open_protection(args):
    import plyvel
    from validator.slashing_protection import SlashingProtection
    try:
        return SlashingProtection(Path(args.datadir) / "slashing_protection")
    except (plyvel.Error, OSError) as e:
        raise UserError(f"{args.datadir}: cannot open slashing protection ({e}); "
                        "is the node running?") from None


def export(args) -> int:
    from validator.interchange import export_interchange
    root = genesis_root(args)
    protection = _open_protection(args)
    try:
        doc = export_interchange(protection, root, minimal=args.minimal, pubkeys=args.pubkey)
    finally:
        protection.close()
    write_output(args.out, (json.dumps(doc, indent=2) + "\n").encode())
    return 0


def import_(args) -> int:
    from validator.interchange import InterchangeError, import_interchange, parse_interchange
    root = genesis_root(args)
    text = read_bytes(args.file)
    try:
        doc = parse_interchange(text)
        protection = _open_protection(args)
        try:
            counts = import_interchange(protection, doc, root)
        finally:
            protection.close()
    except InterchangeError as e:
        raise UserError(f"{args.file}: {e}") from None
    print(f"imported {counts['validators']} validators, {counts['blocks']} blocks, "
          f"{counts['attestations']} attestations")
    return 0

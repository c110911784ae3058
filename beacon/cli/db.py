"""`beacon-node db`: import blocks into a chain database and show its head.

    db import --datadir D [--anchor-state STATE] BLOCK...
        opens D (anchoring a new database at STATE), imports each block in order with
        full verification; one line per block on stdout as soon as it is stored:
        `imported 0x<root> slot N` or `known 0x<root> slot N`. Rejected blocks go to
        stderr; exit 1 if any block was rejected.
    db head --datadir D
        YAML: head root and slot, justified and finalized checkpoints.

Exit codes: 0 ok, 1 a block was rejected, 2 user error (bad file, wrong database).
"""
from __future__ import annotations

import sys

from beacon.cli.errors import UserError
from beacon.cli.files import add_config_argument, hex0x, load_object, type_named

EXIT_REJECTED = 1


def register(subparsers) -> None:
    p = subparsers.add_parser("db", help="chain database: import blocks, show the head",
                              description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)

    imp = sub.add_parser("import", help="import blocks (verifying them) into --datadir",
                         description="Import blocks in order into the chain database, "
                         "anchoring a new database at --anchor-state.")
    imp.add_argument("--datadir", required=True, help="database directory")
    imp.add_argument("--anchor-state", metavar="STATE",
                     help="anchor state (.ssz/.yaml); required for a new database and "
                     "checked against the stored anchor otherwise")
    imp.add_argument("blocks", nargs="*", metavar="BLOCK", help="block files (.ssz/.yaml)")
    imp.add_argument("--no-verify-signatures", action="store_true",
                     help="skip BLS checks (state roots are still checked)")
    add_config_argument(imp)
    imp.set_defaults(func=run_import)

    head = sub.add_parser("head", help="print head and checkpoints as YAML")
    head.add_argument("--datadir", required=True, help="database directory")
    head.set_defaults(func=run_head)


def _open_db(path: str, create: bool):
    from beacon.storage import ChainDB, StorageError
    try:
        return ChainDB.open(path, create=create)
    except StorageError as e:
        raise UserError(str(e)) from None


def _open_chain(config, db, anchor_state, **kwargs):
    from beacon.storage import StorageError
    from beacon.chain import Chain
    try:
        return Chain.open(config, db, anchor_state, **kwargs)
    except StorageError as e:
        db.close()
        raise UserError(str(e)) from None


def run_import(args) -> int:
    from beacon.chain import AlreadyKnown, BlockError
    from beacon.config import load_preset
    from beacon.state_transition import Signatures
    config = load_preset(args.config)
    anchor = None
    if args.anchor_state:
        anchor = load_object(type_named(config, "BeaconState"), args.anchor_state)
    block_type = type_named(config, "BeaconBlock")
    db = _open_db(args.datadir, create=True)
    signatures = Signatures.SKIP if args.no_verify_signatures else Signatures.VERIFY
    chain = _open_chain(config, db, anchor, signatures=signatures)
    rejected = 0
    try:
        for path in args.blocks:
            block = load_object(block_type, path)
            try:
                root = chain.import_block(block)
                print(f"imported {hex0x(root)} slot {int(block.slot)}", flush=True)
            except AlreadyKnown as e:
                print(f"known {hex0x(e.root)} slot {e.slot}", flush=True)
            except BlockError as e:
                rejected += 1
                print(f"rejected {path}: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
    finally:
        db.close()
    return EXIT_REJECTED if rejected else 0


def run_head(args) -> int:
    import yaml
    from beacon.config import load_preset
    db = _open_db(args.datadir, create=False)
    try:
        if not db.initialized:
            raise UserError(f"{args.datadir}: database has no chain yet (run `db import`)")
        chain = _open_chain(load_preset(db.preset), db, None)
        j, f = chain.justified_checkpoint, chain.finalized_checkpoint
        out = {
            "head": {"root": hex0x(chain.head_root), "slot": chain.head_slot},
            "justified": {"epoch": j.epoch, "root": hex0x(j.root)},
            "finalized": {"epoch": f.epoch, "root": hex0x(f.root)},
        }
    finally:
        db.close()
    sys.stdout.write(yaml.safe_dump(out, sort_keys=False))
    return 0

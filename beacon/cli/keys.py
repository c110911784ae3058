"""`beacon-node keys interop`: the interop ("mocked start") key table as YAML.

Output is a YAML list, one `{privkey: 0x…, pubkey: 0x…}` per validator, index order; the
private key is 32 bytes big-endian, as in the published interop key tables.
"""
from __future__ import annotations

import sys

from beacon.cli.files import uint64


def register(subparsers) -> None:
    keys = subparsers.add_parser("keys", help="interop validator keys")
    sub = keys.add_subparsers(dest="keys_command", metavar="SUBCOMMAND", required=True)
    p = sub.add_parser("interop", help="print the interop key table as YAML",
                       description="Print interop keys start..start+count-1 as a YAML "
                       "list of {privkey, pubkey}.")
    p.add_argument("--count", type=uint64, required=True, help="number of keys")
    p.add_argument("--start", type=uint64, default=0, help="first validator index (default 0)")
    p.set_defaults(func=interop)


def key_table(start: int, count: int):
    """Yields (privkey_hex, pubkey_hex) for validators start..start+count-1."""
    from validator.keys import interop_privkey, interop_pubkey
    for i in range(start, start + count):
        yield ("0x" + interop_privkey(i).to_bytes(32, "big").hex(),
               "0x" + bytes(interop_pubkey(i)).hex())


def interop(args) -> int:
    out = sys.stdout
    if args.count == 0:
        out.write("[]\n")
    for priv, pub in key_table(args.start, args.count):
        # Quoted so YAML readers keep them as strings, not numbers.
        out.write(f"- {{privkey: '{priv}', pubkey: '{pub}'}}\n")
    return 0

"""Entry point of the `beacon-node` console script: a small argparse dispatcher.

Each module in `COMMANDS` exposes `register(subparsers)`, which adds its subcommand and
sets `func(args) -> int` as the handler. Handlers raise `UserError` for input the user can
fix; `main` prints it as one line on stderr and exits 2. A handler's own non-zero return
(e.g. an invalid state transition) is passed through as the exit code.

Nothing heavy is imported here or in `register`, so `beacon-node --help` stays fast.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from beacon.cli.errors import UserError

PROG = "beacon-node"

# Fixed order: it is the order of `--help`.
COMMANDS = ("keys", "genesis", "ssz", "transition", "db", "run", "validator", "testnet")



class Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors are one line (and exit 2, as argparse does)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog=PROG, description="Python beacon node for Ethereum 2.0 phase0 "
                    "(spec v0.8.4): node, interop genesis and debugging tools.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"beacon.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # e.g. `beacon-node ssz decode … | head`: not an error of ours. Point stdout at
        # /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

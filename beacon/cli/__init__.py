"""The `beacon-node` command line: interop keys and genesis, SSZ and state-transition tools.

Each subcommand module exposes `register(subparsers)`; `beacon.cli.main` wires them up.
Command modules import heavy dependencies inside their handlers so `--help` stays fast.
"""

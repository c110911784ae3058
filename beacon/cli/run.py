"""`beacon-node run`: start a beacon node with its in-process validators.

Parses the flags into `NodeOptions` and hands them to `beacon.node.node.run_node`;
nothing heavy is imported until the command runs, so `--help` stays fast.
"""
from __future__ import annotations

import argparse

from beacon.cli.errors import UserError
from validator import misbehave_options as misbehave


def _validator_range(text: str) -> range:
    start, sep, count = text.partition(":")
    if not sep or not start.isdigit() or not count.isdigit():
        raise argparse.ArgumentTypeError(f"expected START:COUNT, got {text!r}")
    return range(int(start), int(start) + int(count))


def _index_list(text: str) -> list[int]:
    try:
        out = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated indices, got {text!r}") from None
    if any(i < 0 for i in out):
        raise argparse.ArgumentTypeError("validator indices cannot be negative")
    return out


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) < 65536:
        raise argparse.ArgumentTypeError(f"invalid port {text!r}")
    return int(text)


def _positive(text: str) -> int:
    # Whole seconds: the fork choice's on_tick and the spec's time arithmetic are integers.
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "run", help="run a beacon node (with optional in-process validators)",
        description="Run a phase0 v0.8.4 beacon node: p2p, chain, HTTP API, metrics and "
        "in-process validators with interop keys. Ctrl-C stops it cleanly.")
    p.add_argument("--datadir", required=True, help="database, p2p key and slashing protection")
    p.add_argument("--genesis-state", metavar="FILE",
                   help="SSZ (or .yaml) state to start from; needed on first start only")
    p.add_argument("--config", choices=("minimal", "mainnet"), default="minimal",
                   help="preset (default: minimal)")
    p.add_argument("--seconds-per-slot", type=_positive, metavar="N",
                   help="override the preset's slot length (testing)")
    p.add_argument("--listen", default="/ip4/127.0.0.1/tcp/9000", metavar="MULTIADDR",
                   help="p2p listen address (default: /ip4/127.0.0.1/tcp/9000)")
    p.add_argument("--peer", action="append", default=[], metavar="MULTIADDR",
                   help="static peer to dial and keep (repeatable)")
    p.add_argument("--p2p-key", metavar="HEX|FILE",
                   help="secp256k1 identity key: raw 32-byte hex or libp2p protobuf hex "
                   "(default: a key created once in the datadir)")
    v = p.add_mutually_exclusive_group()
    v.add_argument("--validators", type=_validator_range, metavar="START:COUNT",
                   help="run interop validators START..START+COUNT-1")
    v.add_argument("--validator-indices", type=_index_list, metavar="I,J,...",
                   help="run these interop validators")
    p.add_argument("--http-port", type=_port, default=5052,
                   help="Beacon API port on 127.0.0.1 (default: 5052)")
    p.add_argument("--metrics-port", type=_port, default=8008,
                   help="Prometheus metrics port on 127.0.0.1 (default: 8008)")
    p.add_argument("--no-http", action="store_true", help="do not serve the Beacon API")
    p.add_argument("--no-metrics", action="store_true", help="do not serve metrics")
    p.add_argument("--state-cache-size", type=_positive, default=64, metavar="N",
                   help="post-block states kept in memory (default: 64, 8 epochs on "
                   "minimal); fewer saves memory on small boards, older states are "
                   "rebuilt by replaying blocks")
    p.add_argument("--log-level", default="info",
                   choices=("debug", "info", "warning", "error"))
    misbehave.add_arguments(p)  # hidden, testnets only: --misbehave, --attest-delay
    p.set_defaults(func=run)


def run(args) -> int:
    from beacon.node.options import NodeOptions, OptionsError
    from beacon.node.node import main as node_main

    indices = list(args.validators or args.validator_indices or [])
    try:
        options = NodeOptions.build(
            datadir=args.datadir, genesis_state=args.genesis_state, preset=args.config,
            seconds_per_slot=args.seconds_per_slot, listen=args.listen, peers=args.peer,
            p2p_key=args.p2p_key, validator_indices=indices,
            http_port=None if args.no_http else args.http_port,
            metrics_port=None if args.no_metrics else args.metrics_port,
            log_level=args.log_level, state_cache_size=args.state_cache_size)
    except OptionsError as e:
        raise UserError(str(e)) from None
    options.extra["misbehaviour"] = misbehave.from_args(args)
    return node_main(options, fast_exit=True)

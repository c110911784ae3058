"""`beacon-node testnet list|run|clean`: the interop exercises and Beyond scenarios.

Only argparse lives here; the runner (`testnet/`) is imported when a subcommand runs.
"""
from __future__ import annotations


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "testnet", help="run interop exercises and fault scenarios as local testnets",
        description="Start nodes as processes (optionally in network namespaces), watch "
        "their Beacon API, decide pass/fail and write REPORT.md and report.html.")
    sub = p.add_subparsers(dest="testnet_command", metavar="SUBCOMMAND", required=True)
    sub.add_parser("list", help="show the scenarios").set_defaults(func=_list)
    r = sub.add_parser("run", help="run scenarios (in order, one at a time)")
    r.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="scenario names (see `testnet list`), or `quick` / `full`")
    r.add_argument("--seconds-per-slot", type=int, metavar="S",
                   help="slot time (default: the scenario's, mostly 1)")
    r.add_argument("--epochs", type=int, metavar="N", help="override the finality goal epoch")
    r.add_argument("--report", default="testnet-report", metavar="DIR",
                   help="report, logs and failing datadirs (default: ./testnet-report)")
    r.add_argument("--with", dest="with_kind", default="ours", metavar="KIND",
                   help="node kind of the role not given to --ours (default: ours)")
    r.add_argument("--ours", choices=("A", "B"), default="A",
                   help="the role our node plays when --with is another kind (default: A)")
    r.add_argument("--net", choices=("auto", "loopback", "netns"), default="auto",
                   help="auto: namespaces only for scenarios that need them")
    r.add_argument("--partition-epochs", type=int, metavar="N",
                   help="length of the induced fork's partition (default 2)")
    r.set_defaults(func=_run)
    c = sub.add_parser("clean", help="remove processes, namespaces and links left by a run")
    c.add_argument("--tag", metavar="TAG",
                   help="only processes of runs started with BEACON_TESTNET_TAG=TAG "
                   "(namespaces are always removed)")
    c.set_defaults(func=_clean)


def _list(args) -> int:
    from testnet.cli import list_scenarios
    return list_scenarios()


def _run(args) -> int:
    from testnet.cli import run_command
    return run_command(args)


def _clean(args) -> int:
    from testnet.cli import clean_command
    return clean_command(args.tag)

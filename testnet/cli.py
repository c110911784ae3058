"""The `beacon-node testnet` subcommands (argparse lives in beacon/cli/testnet.py)."""
from __future__ import annotations

import faulthandler
import json
import signal
import sys
import time
from pathlib import Path

from beacon.cli.errors import UserError
from testnet.runner import Run, RunOptions
from testnet.scenarios import FULL, QUICK, SCENARIOS


def list_scenarios() -> int:
    for s in SCENARIOS.values():
        tags = ", ".join(t for t, on in (("quick", s.quick), ("netns", s.needs_netns),
                                          ("netem", s.needs_netem), ("search", s.meta)) if on)
        print(f"{s.name:<13} {s.title}" + (f"  [{tags}]" if tags else ""))
        print(f"{'':<13} goal: {s.goal_text}")
    print(f"\nquick = {' '.join(QUICK)}\nfull  = {' '.join(FULL)}")
    return 0


def _expand(names: list[str]) -> list[str]:
    out = []
    for n in names:
        group = {"quick": QUICK, "full": FULL}.get(n, [n])
        for g in group:
            if g not in SCENARIOS:
                raise UserError(f"unknown scenario {g!r} (see `beacon-node testnet list`)")
            out.append(g)
    return out


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def run_one(name: str, opts: RunOptions) -> dict:
    sc = SCENARIOS[name]
    print(f"== {name}: {sc.title}", flush=True)
    if sc.meta is None:
        result = Run(sc, opts).execute()
    else:
        result = _run_meta(sc, opts)
    print(f"== {name}: {result['verdict'].upper()} in {result['seconds']} s"
          + (f" ({result['reason']})" if result["reason"] else ""), flush=True)
    return result


def _run_meta(sc, opts: RunOptions) -> dict:
    """A search: each trial is a full run under report/<scenario>/<trial>."""
    started = time.time()
    base = opts.report_dir / sc.name

    def trial(scenario, sps, epochs):
        o = RunOptions(**{**opts.__dict__, "report_dir": base,
                          "seconds_per_slot": sps or opts.seconds_per_slot,
                          "epochs": epochs or opts.epochs})
        scenario = _renamed(scenario, f"{scenario.name}-{sps or scenario.default_seconds_per_slot}s")
        r = Run(scenario, o).execute()
        print(f"   trial {scenario.name}: {r['verdict']} {r['reason']}", flush=True)
        return r

    trials, answer = sc.meta(trial)
    shown = next((t for t in reversed(trials) if t["verdict"] == "pass"), trials[-1] if trials else None)
    found = any(v for v in answer.values())
    return {"scenario": sc.name, "title": sc.title, "goal": sc.goal_text,
            "verdict": "pass" if found else "fail",
            "reason": "" if found else "no trial passed",
            "seconds": round(time.time() - started, 1),
            "params": {**(shown["params"] if shown else {}), "search": True},
            "nodes": shown["nodes"] if shown else {}, "events": shown["events"] if shown else [],
            "marks": {}, "extra": {**answer, "trials": [
                {"scenario": t["scenario"], "verdict": t["verdict"], "reason": t["reason"],
                 "seconds": t["seconds"], "seconds_per_slot": t["params"].get("seconds_per_slot"),
                 **{k: v for k, v in t["extra"].items() if k != "agreement"}} for t in trials]},
            "series": shown["series"] if shown else []}


def _renamed(sc, name):
    from dataclasses import replace
    return replace(sc, name=name)


def run_command(args) -> int:
    names = _expand(args.scenarios)
    from testnet.nodes import KINDS
    if args.with_kind not in KINDS:
        raise UserError(f"unknown node kind {args.with_kind!r} (known: {', '.join(KINDS)})")
    report = Path(args.report).resolve()
    report.mkdir(parents=True, exist_ok=True)
    opts = RunOptions(report_dir=report, seconds_per_slot=args.seconds_per_slot,
                      epochs=args.epochs, with_kind=args.with_kind, ours_role=args.ours,
                      net=args.net, partition_epochs=args.partition_epochs)
    # SIGINT too: a runner started in the background by a script inherits it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _sigterm)
    signal.signal(signal.SIGHUP, _sigterm)
    # `kill -USR1 <runner>` prints where every thread is: for a runner that seems stuck.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    results, started, interrupted = [], time.time(), False
    try:
        for n in names:
            results.append(run_one(n, opts))
    except KeyboardInterrupt:
        interrupted = True
        print("interrupted: every node was stopped", file=sys.stderr)
    finally:
        from testnet.report import write_report
        md, html = write_report(results, report, time.time() - started)
        (report / "results.json").write_text(json.dumps(
            [{k: v for k, v in r.items() if k != "series"} for r in results], indent=1))
        print(f"report: {md}\n        {html}")
    if interrupted:
        return 130
    bad = [r for r in results if r["verdict"] not in ("pass", "skipped")]
    return 1 if bad else 0


def clean_command(tag: str | None = None) -> int:
    from testnet.clean import clean, leftovers
    done = clean(tag=tag)
    print(f"stopped {len(done['processes'])} processes; removed {', '.join(done['removed']) or 'nothing'}")
    left = leftovers(tag)
    if any(left.values()):
        print(f"still present: {left}", file=sys.stderr)
        return 1
    return 0

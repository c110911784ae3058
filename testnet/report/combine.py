"""One REPORT.md for a set of `testnet run` reports (interop/run-2019.sh).

    python -m testnet.report.combine OUT TITLE [NOTE]

OUT holds `runs.txt` (one line per attempt: `<dir> rc=<n> <s>s <sps>s-slots: <args>`, or
`<dir> skipped ...`) and a report directory per attempt. The result is a summary table,
one row per scenario of every attempt (verdict, finalized epoch over time, slot time,
root agreement), then each attempt's own REPORT.md with its links rebased onto OUT.
"""
from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

from testnet.report import _md_table, _reorg_summary, min_finalized

HEAD = ["run", "scenario", "verdict", "time s", "slot s", "goal", "finalized (min)",
        "finalized epoch over time (all nodes: epoch@s)", "heads equal",
        "justified / finalized roots", "state roots compared / mismatches", "reorgs / max depth"]


def finality_timeline(series: list[dict], nodes: list[str]) -> list[tuple[int, float]]:
    """(epoch, first t at which every node had it finalized), for each epoch reached.

    A node that has not reported yet (a late joiner) holds the net at no finality, as the
    goal is that every node sees the epoch."""
    latest: dict[str, int] = {}
    reached: list[tuple[int, float]] = []
    for row in sorted(series, key=lambda r: r["t"]):
        if row.get("finalized_epoch") is None:
            continue
        latest[row["node"]] = max(latest.get(row["node"], 0), row["finalized_epoch"])
        if any(n not in latest for n in nodes):
            continue
        low = min(latest[n] for n in nodes)
        top = reached[-1][0] if reached else 0
        reached += [(e, row["t"]) for e in range(top + 1, low + 1)]
    return reached


def format_timeline(reached: list[tuple[int, float]], points: int = 8) -> str:
    """A few points of the timeline: about `points` epochs evenly spaced, and the last."""
    if not reached:
        return "-"
    step = max(1, math.ceil(reached[-1][0] / points))
    keep = [(e, t) for e, t in reached if e % step == 0 or e == 1 or e == reached[-1][0]]
    return " ".join(f"{e}@{t:.0f}" for e, t in keep)


def _agreement_cells(result: dict) -> list[str]:
    agree = (result.get("extra") or {}).get("agreement") or {}
    if not agree:
        return ["-", "-", "-"]
    equal = "yes" if agree.get("head", {}).get("all_equal") else "no"
    splits = [what for what in ("justified", "finalized")
              if any(len(roots) > 1 for roots in agree.get(what, {}).values())]
    roots = ("split: " + ", ".join(splits)) if splits else "one per epoch"
    sr = agree.get("state_roots") or {}
    return [equal, roots, f"{sr.get('pairs_compared', '-')} / {sr.get('mismatches', '-')}"]


def _row(run: str, result: dict, run_dir: Path) -> list[str]:
    full = run_dir / result["scenario"] / "result.json"   # the one that keeps the series
    series = json.loads(full.read_text()).get("series", []) if full.exists() else []
    nodes = list(result.get("nodes", {}))
    return [run, result["scenario"], result["verdict"].upper(), str(result["seconds"]),
            str(result["params"].get("seconds_per_slot", "-")),
            str(result["params"].get("goal_epoch") or "-"),   # none: a goal that is not finality
            min_finalized(result),
            format_timeline(finality_timeline(series, nodes)),
            *_agreement_cells(result), "%d / %d" % _reorg_summary(result)]


def _rebased(report_md: str, run: str) -> str:
    """The run's REPORT.md one heading level down, its relative links under `run/`."""
    text = re.sub(r"^#", "##", report_md, flags=re.M)
    return re.sub(r"\]\((?![a-z]+:|/|#)([^)]+)\)", lambda m: f"]({run}/{m.group(1)})", text)


def combine(out: Path, title: str, note: str = "") -> Path:
    lines = (out / "runs.txt").read_text().splitlines() if (out / "runs.txt").exists() else []
    rows, sections = [], []
    for line in filter(str.strip, lines):
        run = line.split()[0]
        run_dir = out / run
        results = run_dir / "results.json"
        found = json.loads(results.read_text()) if results.exists() else []
        if not found:   # skipped, or stopped before its result was taken (rc 130)
            verdict = ("SKIPPED" if " skipped " in line else
                       "INTERRUPTED" if " rc=130 " in line else "NO RESULT")
            rows.append([run, "-", verdict, *["-"] * (len(HEAD) - 3)])
        rows += [_row(run, r, run_dir) for r in found]
        if (run_dir / "REPORT.md").exists():
            sections += ["", f"## {run}", "", _rebased((run_dir / "REPORT.md").read_text(), run)]
    passed = sum(1 for r in rows if r[2] == "PASS")
    md = [f"# {title}", "", *([note, ""] if note else []),
          f"{passed} of {len(rows)} scenario runs passed (a failed run may have a passing "
          "retry: `<run>-retry1`).", "",
          _md_table(HEAD, rows) if rows else "No run has a report.", "",
          "Runs (rc 0 = pass):", "", "```", *lines, "```", *sections]
    path = out / "REPORT.md"
    path.write_text("\n".join(md) + "\n")
    return path


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: python -m testnet.report.combine OUT TITLE [NOTE]", file=sys.stderr)
        return 2
    print(f"report: {combine(Path(argv[0]), *argv[1:])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

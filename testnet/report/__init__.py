"""REPORT.md and a self-contained report.html (inline SVG, embedded PNGs) from results.

Each result is the dict of `testnet.runner.Run._result`. Plots are also written as
`<scenario>/finalized.svg` and `<scenario>/head.svg` for REPORT.md to link.
"""
from __future__ import annotations

import base64
import json
import time
from html import escape
from pathlib import Path

from testnet.report.svg import step_chart


def _lines(result: dict, field: str) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list] = {}
    for r in result.get("series", []):
        if r.get(field) is not None:
            out.setdefault(r["node"], []).append((r["t"], r[field]))
    return out


def _marks(result: dict) -> dict[str, float]:
    return {k: v for k, v in (result.get("marks") or {}).items()}


def _reorg_summary(result: dict) -> tuple[int, int]:
    reorgs = [x for n in result.get("nodes", {}).values() for x in n.get("reorgs", [])]
    return len(reorgs), max((x["depth"] for x in reorgs), default=0)


def min_finalized(result: dict) -> str:
    """The lowest finalized epoch the nodes last reported ("-" for a net of no node)."""
    nodes = result.get("nodes") or {}
    if not nodes:
        return "-"
    return str(min((n.get("last") or {}).get("finalized_epoch") or 0 for n in nodes.values()))


def _node_rows(result: dict) -> list[list[str]]:
    rows = []
    for name, n in result.get("nodes", {}).items():
        last = n.get("last") or {}
        reorgs = n.get("reorgs", [])
        rows.append([name, n["kind"], n["role"], str(n["validators"]), n.get("ip", ""),
                     str(last.get("peers")), str(last.get("head_slot")),
                     str(last.get("justified_epoch")), str(last.get("finalized_epoch")),
                     f"{len(reorgs)} / {max((x['depth'] for x in reorgs), default=0)}",
                     f"{n['rss_max_mb']:.0f}" if n.get("rss_max_mb") else "-",
                     str(n.get("cpu_pct") if n.get("cpu_pct") is not None else "-")])
    return rows


NODE_HEAD = ["node", "kind", "role", "validators", "ip", "peers", "head slot", "justified",
             "finalized", "reorgs / max depth", "max RSS MiB", "CPU %"]


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    return "\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] +
                     ["| " + " | ".join(r) + " |" for r in rows])


def _extras(result: dict) -> dict:
    return {k: v for k, v in (result.get("extra") or {}).items()}


def write_report(results: list[dict], out: Path, total_seconds: float) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    md = [f"# beacon-node testnet report", "",
          f"Generated {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; "
          f"{len(results)} scenario(s) in {total_seconds:.0f} s.", "",
          _md_table(["scenario", "verdict", "time s", "slot s", "goal epoch", "finalized (min)",
                     "reorgs / max depth", "reason"],
                    [[r["scenario"], r["verdict"].upper(), str(r["seconds"]),
                      str(r["params"].get("seconds_per_slot", "-")),
                      str(r["params"].get("goal_epoch", "-")),
                      min_finalized(r),
                      "%d / %d" % _reorg_summary(r), r["reason"][:120].replace("|", "/")]
                     for r in results]), ""]
    html = ["<!doctype html><html><head><meta charset='utf-8'><title>testnet report</title>"
            "<style>body{font-family:sans-serif;max-width:1000px;margin:auto;padding:1em}"
            "table{border-collapse:collapse;font-size:13px;margin:.5em 0}td,th{border:1px solid #ccc;"
            "padding:2px 6px}.pass{color:#080}.fail,.interrupted{color:#b00}.skipped,.refused{color:#a60}"
            "pre{background:#f6f6f6;padding:6px;font-size:12px;white-space:pre-wrap}</style></head><body>",
            f"<h1>beacon-node testnet report</h1><p>{escape(md[2])}</p>",
            "<table><tr>" + "".join(f"<th>{h}</th>" for h in
                                    ["scenario", "verdict", "time s", "slot s", "reason"]) + "</tr>"]
    for r in results:
        html.append(f"<tr><td><a href='#{r['scenario']}'>{r['scenario']}</a></td>"
                    f"<td class='{r['verdict']}'>{r['verdict'].upper()}</td><td>{r['seconds']}</td>"
                    f"<td>{r['params'].get('seconds_per_slot', '-')}</td><td>{escape(r['reason'][:200])}</td></tr>")
    html.append("</table>")

    for r in results:
        name = r["scenario"]
        sdir = out / name
        sdir.mkdir(exist_ok=True)
        fin = step_chart(_lines(r, "finalized_epoch"), f"{name}: finalized epoch per node",
                         "seconds since start", "finalized epoch", _marks(r))
        head = step_chart(_lines(r, "head_slot"), f"{name}: head slot per node",
                          "seconds since start", "head slot", _marks(r))
        (sdir / "finalized.svg").write_text(fin)
        (sdir / "head.svg").write_text(head)
        n_reorg, depth = _reorg_summary(r)
        agree = (r.get("extra") or {}).get("agreement", {})
        head_agree = agree.get("head", {})
        extras = {k: v for k, v in _extras(r).items() if k != "agreement"}
        md += [f"## {name}: {r['title']}", "",
               f"**{r['verdict'].upper()}** in {r['seconds']} s" +
               (f": {r['reason']}" if r["reason"] else ""), "",
               f"Goal: {r['goal']}", "",
               "Parameters: " + ", ".join(f"{k}={v}" for k, v in r["params"].items()), "",
               f"![finalized]({name}/finalized.svg)", "", f"![head]({name}/head.svg)", ""]
        if r["nodes"]:
            md += [_md_table(NODE_HEAD, _node_rows(r)), ""]
        md += [f"Reorgs: {n_reorg}, max depth {depth} slots. "
               f"Head agreement: {'all equal' if head_agree.get('all_equal') else 'see nodes'}"
               f" (reference {head_agree.get('reference', '-')}); state roots compared: "
               f"{agree.get('state_roots', {}).get('pairs_compared', '-')}, mismatches: "
               f"{agree.get('state_roots', {}).get('mismatches', '-')}.", ""]
        if extras:
            md += ["```json", json.dumps(extras, indent=1), "```", ""]
        if r.get("events"):
            md += ["Events: " + "; ".join(f"t={e['t']} s (epoch {e['epoch']}): {e['event']}"
                                          for e in r["events"]), ""]
        shots = sorted(sdir.glob("*.png"))
        md += [f"![{p.stem}]({name}/{p.name})" for p in shots] + ([""] if shots else [])

        html.append(f"<h2 id='{name}'>{escape(name)}: {escape(r['title'])}</h2>"
                    f"<p class='{r['verdict']}'><b>{r['verdict'].upper()}</b> in {r['seconds']} s "
                    f"{escape(r['reason'])}</p><p>Goal: {escape(r['goal'])}</p>"
                    f"<p>Parameters: {escape(', '.join(f'{k}={v}' for k, v in r['params'].items()))}</p>"
                    f"{fin}<br>{head}")
        if r["nodes"]:
            html.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in NODE_HEAD) + "</tr>" +
                        "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                                for row in _node_rows(r)) + "</table>")
        html.append(f"<p>Reorgs: {n_reorg}, max depth {depth} slots. Head agreement: "
                    f"{escape(json.dumps(head_agree.get('nodes', {})))}</p>")
        if agree:
            html.append(f"<details><summary>agreement</summary><pre>{escape(json.dumps(agree, indent=1))}</pre></details>")
        if extras:
            html.append(f"<pre>{escape(json.dumps(extras, indent=1))}</pre>")
        if r.get("events"):
            html.append("<ul>" + "".join(f"<li>t={e['t']} s, epoch {e['epoch']}: {escape(e['event'])}</li>"
                                         for e in r["events"]) + "</ul>")
        for p in shots:
            b64 = base64.b64encode(p.read_bytes()).decode()
            html.append(f"<p>{escape(p.stem)}</p><img style='max-width:100%;border:1px solid #ccc' "
                        f"src='data:image/png;base64,{b64}'>")
    html.append("</body></html>")
    md_path, html_path = out / "REPORT.md", out / "report.html"
    md_path.write_text("\n".join(md))
    html_path.write_text("".join(html))
    return md_path, html_path

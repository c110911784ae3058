"""Fork view: `/eth/v1/debug/fork_choice` (JSON) and `/fork-view` (a live HTML page).

`GET /eth/v1/debug/fork_choice` answers in the shape later clients (Lighthouse, Teku,
Lodestar) serve at that path:

    {"justified_checkpoint": {"epoch", "root"}, "finalized_checkpoint": {"epoch", "root"},
     "fork_choice_nodes": [{"slot", "block_root", "parent_root", "justified_epoch",
                            "finalized_epoch", "weight", "validity", "execution_block_hash",
                            "extra_data": {"proposer_index", "state_root", "head",
                                           "canonical", "justified", "finalized"}}],
     "extra_data": {"head_root", "verified_transitions"}}

Numbers are decimal strings. Every node is a block the fork choice holds (since the
finalized block); `validity` is "valid" because a block enters fork choice only after
its state transition verified (signatures, operations and the post-state root), which
`verified_transitions` counts. `weight` is the LMD-GHOST weight (Gwei). Proposer and
the block's own justified/finalized epochs come from its post-state, computed once per
block and cached (`_facts`): the tree is small (blocks since finality).

`GET /fork-view` is a self-contained page (no external assets) that polls the JSON once
a second and draws the tree: x is the slot, each branch gets its own lane.
"""
from __future__ import annotations

from collections import OrderedDict

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from beacon.api.backend import backend
from beacon.api.encoding import hex0x

_facts: "OrderedDict[bytes, tuple]" = OrderedDict()   # root -> (proposer, just, fin, state_root)
_FACTS_MAX = 4096
_ZERO = "0x" + "00" * 32


async def _block_facts(b, root: bytes) -> tuple:
    if root in _facts:
        return _facts[root]
    state = await b.state_at_block(root)
    block = b.block(root)
    if state is None:
        return (None, None, None, hex0x(block.state_root) if block is not None else None)
    facts = (await b.proposer_index(root), int(state.current_justified_checkpoint.epoch),
             int(state.finalized_checkpoint.epoch), hex0x(block.state_root) if block else None)
    _facts[root] = facts
    while len(_facts) > _FACTS_MAX:
        _facts.popitem(last=False)
    return facts


async def fork_choice(request: Request):
    b = backend(request)
    tree = await b.fork_choice_tree()
    head = b.head()[0]
    (je, jr), (fe, fr) = tree["justified"], tree["finalized"]
    nodes = []
    for n in tree["nodes"]:
        root = n["root"]
        proposer, nj, nf, state_root = await _block_facts(b, root)
        nodes.append({
            "slot": str(n["slot"]), "block_root": hex0x(root),
            "parent_root": hex0x(n["parent_root"]) if n["parent_root"] else None,
            "justified_epoch": None if nj is None else str(nj),
            "finalized_epoch": None if nf is None else str(nf),
            "weight": str(n["weight"]), "validity": "valid", "execution_block_hash": _ZERO,
            "extra_data": {"proposer_index": None if proposer is None else str(proposer),
                           "state_root": state_root, "head": root == head,
                           "canonical": b.block_root_at_slot(n["slot"]) == root,
                           "justified": root == jr, "finalized": root == fr}})
    return JSONResponse({
        "justified_checkpoint": {"epoch": str(je), "root": hex0x(jr)},
        "finalized_checkpoint": {"epoch": str(fe), "root": hex0x(fr)},
        "fork_choice_nodes": nodes,
        "extra_data": {"head_root": hex0x(head), "verified_transitions": len(nodes)}})


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>fork view</title>
<style>body{font-family:sans-serif;margin:12px}svg{border:1px solid #ccc;background:#fff}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:1px 5px}
.k{display:inline-block;width:10px;height:10px;border-radius:5px;margin:0 3px 0 10px}</style>
</head><body><h2>Fork view <small id="meta"></small></h2>
<div>blocks since finality, from fork choice; x = slot, one lane per branch
<span class="k" style="background:#d62728"></span>head
<span class="k" style="background:#1f77b4"></span>justified
<span class="k" style="background:#2ca02c"></span>finalized
<span class="k" style="background:#999"></span>other (r = weight)</div>
<svg id="tree" width="1100" height="200"></svg>
<h3>Transitions verified (newest first)</h3><table id="tx"></table>
<script>
const NS = "http://www.w3.org/2000/svg";
function el(n, a, p) { const e = document.createElementNS(NS, n);
  for (const k in a) e.setAttribute(k, a[k]); if (p) p.appendChild(e); return e; }
function short(r) { return r ? r.slice(0, 10) : "-"; }
function draw(d) {
  const nodes = d.fork_choice_nodes, by = {}, kids = {};
  nodes.forEach(n => { by[n.block_root] = n; kids[n.block_root] = []; });
  const roots = [];
  nodes.forEach(n => { if (n.parent_root && by[n.parent_root]) kids[n.parent_root].push(n);
                       else roots.push(n); });
  const lane = {}; let lanes = 0;
  function walk(n, l) { lane[n.block_root] = l;
    const ch = kids[n.block_root].sort((a, b) => (+b.weight) - (+a.weight) ||
      (b.extra_data.canonical - a.extra_data.canonical));
    ch.forEach((c, i) => walk(c, i === 0 ? l : ++lanes)); }
  roots.forEach((r, i) => walk(r, i === 0 ? 0 : ++lanes));
  const slots = nodes.map(n => +n.slot), lo = Math.min(...slots), hi = Math.max(...slots);
  const W = Math.max(900, (window.innerWidth || 1200) - 40), H = 60 + (lanes + 1) * 44;
  const svg = document.getElementById("tree"); svg.innerHTML = "";
  svg.setAttribute("width", W); svg.setAttribute("height", H);
  const x = s => 30 + (s - lo) * (W - 60) / Math.max(1, hi - lo), y = l => 40 + l * 44;
  const maxw = Math.max(1, ...nodes.map(n => +n.weight));
  nodes.forEach(n => { const p = by[n.parent_root]; if (p) el("path", {
    d: `M${x(+p.slot)},${y(lane[p.block_root])} L${x(+n.slot) - 8},${y(lane[n.block_root])} L${x(+n.slot)},${y(lane[n.block_root])}`,
    stroke: n.extra_data.canonical ? "#333" : "#bbb", "stroke-width": n.extra_data.canonical ? 2 : 1.5,
    fill: "none"}, svg); });
  nodes.forEach(n => { const e = n.extra_data;
    const c = e.head ? "#d62728" : e.finalized ? "#2ca02c" : e.justified ? "#1f77b4" : "#999";
    const g = el("g", {}, svg);
    el("circle", {cx: x(+n.slot), cy: y(lane[n.block_root]), r: 4 + 6 * (+n.weight) / maxw,
                  fill: c, stroke: "#222"}, g);
    el("title", {}, g).textContent = `slot ${n.slot} root ${n.block_root}\\nproposer ${e.proposer_index} weight ${n.weight}\\nstate root ${e.state_root}\\njustified ${n.justified_epoch} finalized ${n.finalized_epoch}`;
    if (e.head || (+n.slot) % Math.max(4, 4 * Math.ceil((hi - lo) / 120)) === 0) { const t = el("text", {x: x(+n.slot), y: y(lane[n.block_root]) - 12,
      "font-size": 10, "text-anchor": "middle"}, g); t.textContent = n.slot + (e.head ? " head" : ""); } });
  document.getElementById("meta").textContent = `head ${short(d.extra_data.head_root)} | ` +
    `justified ${d.justified_checkpoint.epoch} | finalized ${d.finalized_checkpoint.epoch} | ` +
    `${nodes.length} blocks, ${lanes + 1} branch(es) | ${new Date().toISOString().slice(11, 19)}`;
  const rows = nodes.slice().sort((a, b) => (+b.slot) - (+a.slot)).slice(0, 24).map(n =>
    `<tr><td>${n.slot}</td><td>${short(n.block_root)}</td><td>${n.extra_data.proposer_index}</td>` +
    `<td>${short(n.extra_data.state_root)}</td><td>${n.weight}</td>` +
    `<td>${n.validity}${n.extra_data.canonical ? "" : " (side branch)"}</td></tr>`).join("");
  document.getElementById("tx").innerHTML =
    "<tr><th>slot</th><th>block</th><th>proposer</th><th>post-state root</th><th>weight</th><th>transition</th></tr>" + rows;
  const side = {};
  nodes.forEach(n => { if (!n.extra_data.canonical) side[lane[n.block_root]] = (side[lane[n.block_root]] || 0) + 1; });
  document.body.dataset.branches = lanes + 1;
  document.body.dataset.longestSide = Math.max(0, ...Object.values(side));
}
async function tick() { try { const r = await fetch("/eth/v1/debug/fork_choice");
  if (r.ok) draw(await r.json()); } catch (e) {} setTimeout(tick, 1000); }
tick();
</script></body></html>"""


async def page(request: Request):
    return HTMLResponse(PAGE)


ROUTES = [
    Route("/eth/v1/debug/fork_choice", fork_choice, methods=["GET"]),
    Route("/fork-view", page, methods=["GET"]),
]

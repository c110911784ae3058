"""Beyond scenarios with operations and misbehaving validators (issue 11):

- `operations`: the tool signs (interop keys) a voluntary exit, a proposer slashing and
  an attester slashing and POSTs them to one node's /eth/v1/beacon/pool/*; every node's
  head state must show them applied while finality goes on;
- `double-sign`: one node runs `--misbehave double-propose,double-vote`; the others'
  slashers must turn its equivocations into slashings that get included;
- `late-attester`: one node runs `--attest-delay` (1.5 slots); finality goes on and its
  late votes are still included (inclusion delay read from the head state).

v0.8.4 exits need PERSISTENT_COMMITTEE_PERIOD (2048 epochs on minimal) of activity, out
of reach here: `operations` checks that the node refuses the exit with that reason
(400), and the acceptance and inclusion of an old-enough exit is a unit test
(tests/operations/test_slasher.py, tests/api/test_pool_routes.py).
"""
from __future__ import annotations

import json

from testnet.scenarios.exercises import _topology_5
from testnet.scenarios.model import Event, NodePlan, Scenario

EXIT_INDEX, PROPOSER_SLASHED, ATTESTER_SLASHED = 6, 3, 12     # operations (ex4 split 0-7 / 8-15)
OFFENDER = "B-1"                                              # ex5: B-1 runs validators 12-15
OFFENDER_VALIDATORS = range(12, 16)
FAR_FUTURE = str(2**64 - 1)


def _post(node, path: str, body: bytes, timeout: float = 10.0) -> tuple[int, dict | None]:
    import http.client
    from testnet.net.transport import _NsConnection
    conn = (_NsConnection(node.net.netns, "127.0.0.1", node.net.http_port, timeout)
            if node.net.netns else
            http.client.HTTPConnection("127.0.0.1", node.net.http_port, timeout=timeout))
    try:
        conn.request("POST", path, body=body, headers={"content-type": "application/json"})
        r = conn.getresponse()
        raw = r.read()
        return r.status, (json.loads(raw) if raw else None)
    except (OSError, http.client.HTTPException, ValueError) as e:
        return 0, {"message": f"{type(e).__name__}: {e}"}
    finally:
        conn.close()


def _validators(node, indices) -> dict[int, dict] | None:
    out = {}
    for i in indices:
        v = node.get(f"/eth/v1/beacon/states/head/validators/{i}")
        if not v:
            return None
        out[i] = {"status": v["data"]["status"], "slashed": v["data"]["validator"]["slashed"],
                  "exit_epoch": v["data"]["validator"]["exit_epoch"]}
    return out


def _all_applied(run, indices) -> bool:
    """Every node's head state has `indices` slashed with an exit epoch set (polled)."""
    seen = run.extra.setdefault("applied_at", {})
    for name, node in run.nodes.items():
        if name in seen:
            continue
        got = _validators(node, indices)
        if got and all(v["slashed"] and v["exit_epoch"] != FAR_FUTURE for v in got.values()):
            seen[name] = {"t": round(run.now(), 1), "epoch": round(run.epoch_now(), 2)}
            run.log(f"{name}: validators {list(indices)} slashed and exiting in its head state")
            # The including blocks are near the head now: look them up before they age.
            found = run.extra.setdefault("included_in", [])
            for b in _inclusions(run, name, limit=24):
                if b not in found:
                    found.append(b)
    return len(seen) == len(run.nodes)


def _finalized(run) -> bool:
    return len(run.last) == len(run.nodes) and all(
        s is not None and (s.finalized_epoch or -1) >= run.goal_epoch for s in run.last.values())


def _inclusions(run, node_name: str, limit: int = 24) -> list[dict]:
    """Canonical blocks (head back, at most `limit`) holding slashings: slot, proposer,
    and how many of each kind."""
    node = run.nodes[node_name]
    out, root = [], "head"
    for _ in range(limit):
        b = node.get(f"/eth/v1/beacon/blocks/{root}")
        if not b:
            break
        m = b["data"]["message"]
        body = m["body"]
        if body["proposer_slashings"] or body["attester_slashings"]:
            hd = node.get(f"/eth/v1/beacon/headers/{b['data']['root']}")
            out.append({"slot": int(m["slot"]),
                        "proposer": int(hd["data"]["header"]["message"]["proposer_index"]) if hd else None,
                        "proposer_slashings": [int(p["proposer_index"]) for p in body["proposer_slashings"]],
                        "attester_slashings": len(body["attester_slashings"])})
        if int(m["slot"]) == 0:
            break
        root = m["parent_root"]
    return out


# --- operations ---------------------------------------------------------------------------
def _submit_ops(run) -> None:
    from beacon.cli.files import load_object
    from beacon.config import load_preset
    from beacon.types import get_types
    from validator import evidence
    config = load_preset(run.opts.preset)
    state = load_object(get_types(config).BeaconState, str(run.ctx.genesis_ssz))
    epoch = int(run.epoch_now())
    slot = epoch * config.SLOTS_PER_EPOCH
    node = run.nodes["A"]
    ops = {"voluntary_exits": evidence.voluntary_exit(config, state, EXIT_INDEX, epoch),
           "proposer_slashings": evidence.proposer_slashing(config, state, PROPOSER_SLASHED, slot),
           "attester_slashings": evidence.attester_slashing(config, state, [ATTESTER_SLASHED], epoch)}
    answers = {}
    for path, op in ops.items():
        status, body = _post(node, f"/eth/v1/beacon/pool/{path}",
                             json.dumps(evidence.standard_json(op)).encode())
        answers[path] = {"status": status, "message": (body or {}).get("message")}
        run.log(f"POST /eth/v1/beacon/pool/{path} to A -> {status} {answers[path]['message'] or ''}")
    run.extra["submitted"] = answers
    run.marks["submitted"] = run.now()


def _ops_done(run) -> bool:
    return ("submitted" in run.marks and _all_applied(run, [PROPOSER_SLASHED, ATTESTER_SLASHED])
            and _finalized(run))


def _ops_checks(run) -> list[str]:
    out = []
    sub = run.extra.get("submitted")
    if not sub:
        return ["the operations were never submitted"]
    if sub["proposer_slashings"]["status"] != 200:
        out.append(f"proposer slashing refused: {sub['proposer_slashings']}")
    if sub["attester_slashings"]["status"] != 200:
        out.append(f"attester slashing refused: {sub['attester_slashings']}")
    ex = sub["voluntary_exits"]
    run.extra["exit_note"] = ("exit of a validator active < PERSISTENT_COMMITTEE_PERIOD (2048 "
                              "epochs) must be refused; acceptance is unit-tested")
    if ex["status"] != 400 or "active long enough" not in (ex["message"] or ""):
        out.append(f"the too-young exit was not refused as such: {ex}")
    run.extra["validators_at_end"] = {
        n: _validators(node, [PROPOSER_SLASHED, ATTESTER_SLASHED, EXIT_INDEX])
        for n, node in run.nodes.items()}
    if len(run.extra.get("applied_at", {})) != len(run.nodes):
        out.append("not every node's head state shows both slashings applied")
    return out


# --- double signing -------------------------------------------------------------------------
def _double_done(run) -> bool:
    return _all_applied(run, list(OFFENDER_VALIDATORS)) and _finalized(run)


def _double_checks(run) -> list[str]:
    out = []
    run.extra["validators_at_end"] = {n: _validators(node, list(OFFENDER_VALIDATORS))
                                      for n, node in run.nodes.items()}
    inc = run.extra.get("included_in", [])
    honest = [b for b in inc if b["proposer"] is not None and b["proposer"] not in OFFENDER_VALIDATORS]
    if not honest:
        out.append("no block by an honest proposer included a slashing of the offender")
    if len(run.extra.get("applied_at", {})) != len(run.nodes):
        out.append(f"not every node's head state shows validators {list(OFFENDER_VALIDATORS)} slashed")
    log = run.nodes[OFFENDER].log_path.read_text(errors="replace")
    run.extra["offender_sent"] = {"second_blocks": log.count("MISBEHAVING: second block"),
                                  "second_votes": log.count("MISBEHAVING: second vote")}
    found = {}
    for name, node in run.nodes.items():
        if name != OFFENDER:
            text = node.log_path.read_text(errors="replace")
            found[name] = {"proposer": text.count("proposer slashing pooled"),
                           "attester": text.count("attester slashing pooled")}
    run.extra["slasher_pooled"] = found
    return out


# --- late attester ------------------------------------------------------------------------------
LATE_SECONDS = 3      # 1.5 slots at the default 2 s slots


def _late_checks(run) -> list[str]:
    """Read the head state of A-0 (SSZ) and map its pending attestations to validators:
    the late node's validators must appear, with inclusion delays of 2 slots or more."""
    from beacon.config import load_preset
    from beacon.state_transition.helpers import get_attesting_indices
    from beacon.types import get_types
    from ssz.codec import decode
    from testnet.net.transport import http_get
    config = load_preset(run.opts.preset)
    node = run.nodes["A-0"]
    r = http_get(node.net.netns, node.net.http_port, "/eth/v1/debug/beacon/states/head",
                 timeout=20, accept="application/octet-stream")
    if r is None or r[0] != 200:
        return ["could not read A-0's head state to measure inclusion delays"]
    state = decode(get_types(config).BeaconState, r[1])
    delays: dict[int, list[int]] = {}
    for pa in list(state.previous_epoch_attestations) + list(state.current_epoch_attestations):
        for v in get_attesting_indices(config, state, pa.data, pa.aggregation_bits):
            delays.setdefault(int(v), []).append(int(pa.inclusion_delay))
    late = {v: sorted(d) for v, d in delays.items() if v in OFFENDER_VALIDATORS}
    on_time = [min(d) for v, d in delays.items() if v not in OFFENDER_VALIDATORS]
    run.extra["inclusion_delay"] = {
        "late_validators_min_delay": {v: d[0] for v, d in late.items()},
        "others_mean_min_delay": round(sum(on_time) / len(on_time), 2) if on_time else None,
        "state_slot": int(state.slot),
        "note": "min inclusion_delay per validator over the head state's pending attestations "
                "(previous and current epoch)"}
    text = run.nodes[OFFENDER].log_path.read_text(errors="replace")
    run.extra["late_votes_sent"] = text.count("late (by design)")
    if not late:
        return ["no vote of the late node's validators is in the head state's attestations"]
    if min(d[0] for d in late.values()) < 2:
        return ["a late vote was included with delay < 2 slots: the delay did not apply"]
    return []


SCENARIOS = [
    Scenario("operations", "Exits and slashings submitted through the Beacon API",
             "exercise 4 (8/8 validators, 2 s slots); at epoch 2 the tool signs with the "
             "interop keys a voluntary exit (validator 6), a proposer slashing (validator 3) "
             "and an attester slashing (validator 12) and POSTs them to A's "
             "/eth/v1/beacon/pool/*; pass: the slashings are accepted (200) and every node's "
             "head state shows 3 and 12 slashed with an exit epoch, the exit is refused (400) "
             "as too young (v0.8.4 PERSISTENT_COMMITTEE_PERIOD = 2048 epochs; acceptance is "
             "unit-tested), and both nodes see epoch 6 finalized", 16,
             [NodePlan("A", "A", range(8)), NodePlan("B", "B", range(8, 16), dials=("A",))],
             goal_epoch=6, events=[Event(2, "submit exit + slashings to A", _submit_ops)],
             done=_ops_done, checks=[_ops_checks], default_seconds_per_slot=2),
    Scenario("double-sign", "A node that double-proposes and double-votes gets slashed",
             "exercise 5 (4 nodes x 4 validators, 2 s slots); B-1 runs `--misbehave "
             "double-propose,double-vote`; pass: the others' slashers pool slashings, a "
             "block by an honest proposer includes one, every node's head state shows "
             "validators 12-15 slashed with an exit epoch, and all see epoch 6 finalized",
             16, [p if p.name != OFFENDER else NodePlan(
                 p.name, p.role, p.validators, p.dials,
                 flags=("--misbehave", "double-propose,double-vote"))
                 for p in _topology_5(16)],
             goal_epoch=6, done=_double_done, checks=[_double_checks],
             default_seconds_per_slot=2, extra_epochs=3),
    Scenario("late-attester", "A node whose validators broadcast their votes late",
             f"exercise 5 (2 s slots); B-1 runs `--attest-delay {LATE_SECONDS}` (1.5 slots); "
             "pass: all see epoch 6 finalized and the head state's pending attestations hold "
             "B-1's validators' votes with inclusion delay >= 2 slots", 16,
             [p if p.name != OFFENDER else NodePlan(
                 p.name, p.role, p.validators, p.dials,
                 flags=("--attest-delay", str(LATE_SECONDS)))
              for p in _topology_5(16)],
             goal_epoch=6, checks=[_late_checks], default_seconds_per_slot=2, extra_epochs=3),
]

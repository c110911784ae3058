"""The kill loop (scripts/killtest.py) at CI size: 10 SIGKILLs of a node with 64
validators, then finality must advance and the double-sign audit be clean (~2-3 min).
`make killtest` runs the 100-kill version. The audit itself is checked on made-up logs."""
import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("killtest", REPO / "scripts" / "killtest.py")
killtest = importlib.util.module_from_spec(_spec)
sys.modules["killtest"] = killtest  # dataclasses look their module up
_spec.loader.exec_module(killtest)

KILLS = 10


def _log(tmp_path, lines):
    p = tmp_path / "node.log"
    p.write_text("".join(f"2026-01-01 00:00:00,000 DEBUG validator.client: {x}\n" for x in lines))
    return p


def test_audit_finds_each_kind_of_slashable_pair(tmp_path):
    clean = ["signing block slot 3 validator 1 root aa",
             "signing block slot 3 validator 1 root aa",  # re-signing the same block
             "signing attestation validator 2 source 0 target 1 root bb",
             "signing attestation validator 2 source 1 target 2 root cc"]
    assert killtest.audit(_log(tmp_path, clean))["problems"] == []
    bad = clean + ["signing block slot 3 validator 1 root ab",
                   "signing attestation validator 2 source 1 target 2 root cd",
                   "signing attestation validator 5 source 0 target 4 root dd",
                   "signing attestation validator 5 source 1 target 2 root ee"]
    problems = killtest.audit(_log(tmp_path, bad))["problems"]
    kinds = sorted(p.split(":")[0] for p in problems)
    assert kinds == ["double proposal", "double vote", "surround vote"], problems


def test_markers_classify_phases():
    m = killtest.marker
    assert m("... importing block slot 9 parent slot 8") == "import"
    assert m("... importing block slot 16 parent slot 14") == "epoch"
    assert m("... beacon.storage.db: db batch write") == "batch"
    assert m("... signing attestation validator 1 source 0 target 0 root ab") == "signing"
    assert m("... slot 3 | head ...") is None


def test_ten_kills(tmp_path):
    out = tmp_path / "killtest"
    rc = killtest.main(["--kills", str(KILLS), "--finality-every", str(KILLS),
                        "--finality-epochs", "8", "--out", str(out)])
    summary = json.loads((out / "summary.json").read_text())
    assert rc == 0, summary["failures"]
    assert summary["kills"] == KILLS and summary["restarts"] == KILLS
    assert summary["audit"]["problems"] == [] and summary["audit"]["attestation_signings"] > 0
    assert summary["finality_checks"][-1]["to"] is not None

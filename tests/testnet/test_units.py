"""Runner pieces without processes: scenario table, refusals, reorg walk, report."""
import json
from pathlib import Path

import pytest

from testnet.monitor import HeadTracker, common_ancestor
from testnet.nodes import KINDS, Capabilities, Header, NodeStatus
from testnet.nodes.ours import OursNode
from testnet.report import write_report
from testnet.runner import Run, RunOptions
from testnet.scenarios import FULL, QUICK, SCENARIOS


def test_table_matches_the_published_exercises():
    assert QUICK == ["ex1", "ex2", "ex3", "ex4", "ex5", "fork"]
    assert set(QUICK) <= set(FULL)
    ex5 = {p.name: p for p in SCENARIOS["ex5"].nodes}
    assert set(ex5["A-0"].dials) == {"A-1", "B-1"} and set(ex5["B-0"].dials) == {"A-1", "B-1"}
    assert all(len(p.validators) == 4 for p in ex5.values())
    assert all(len(p.validators) == 8 for p in SCENARIOS["ex6"].nodes)
    assert SCENARIOS["ex6"].goal_epoch == 128 and SCENARIOS["ex2"].goal_epoch == 8
    late = [p for p in SCENARIOS["ex6-bonus"].nodes if p.join_epoch]
    assert [p.join_epoch for p in late] == [10]
    assert SCENARIOS["ex4"].goal(3) == 3 and SCENARIOS["ex1"].goal(3) is None


class SmallKind(OursNode):
    kind = "small"
    caps = Capabilities(max_validators=8, min_seconds_per_slot=6, sync_from_genesis=False)


@pytest.fixture
def small_kind():
    KINDS["small"] = SmallKind
    yield "small"
    del KINDS["small"]


@pytest.mark.parametrize("scenario,sps,ours,needle", [
    ("ex3", 6, "B", "needs 32 validators but small runs at most 8"),
    ("ex4", 1, "A", "needs --seconds-per-slot >= 6"),
    ("bonus", 6, "B", "cannot sync from genesis"),
])
def test_kind_capabilities_refuse_with_a_reason(tmp_path, monkeypatch, small_kind, scenario,
                                                sps, ours, needle):
    def never(self):
        raise AssertionError("a refused scenario must not start anything")
    monkeypatch.setattr(Run, "_genesis", never)
    opts = RunOptions(report_dir=tmp_path, seconds_per_slot=sps, with_kind=small_kind,
                      ours_role=ours)
    result = Run(SCENARIOS[scenario], opts).execute()
    assert result["verdict"] == "refused" and needle in result["reason"], result["reason"]
    assert not (tmp_path / scenario).exists()      # nothing started


class FakeNode:
    """A block tree: genesis g - a1 - a2 - a3 and g - a1 - b2."""

    caps = Capabilities()
    name = "fake"

    def __init__(self):
        self.h = {"g": Header(0, "g", "", "s"), "a1": Header(1, "a1", "g", "s"),
                  "a2": Header(2, "a2", "a1", "s"), "a3": Header(3, "a3", "a2", "s"),
                  "b2": Header(2, "b2", "a1", "s")}

    def header(self, root):
        return self.h.get(root)

    def logged_reorgs(self):
        return []


class FakeRun:
    def log(self, text):
        pass


def test_reorg_is_a_head_change_off_the_old_chain():
    node = FakeNode()
    assert common_ancestor(node, "a3", "b2").root == "a1"
    t = HeadTracker(node, FakeRun())
    for root, slot in (("g", 0), ("a1", 1), ("a2", 2), ("a3", 3), ("b2", 2)):
        t.observe(NodeStatus(t=slot, up=True, head_slot=slot, head_root=root))
    assert [r["depth"] for r in t.reorgs] == [2]       # a3 (slot 3) -> b2, ancestor a1
    assert t.changes == 4


def test_reorgs_a_node_logs_itself_count_without_ancestry():
    class Logging(FakeNode):
        caps = Capabilities(ancestry=False)

        def __init__(self):
            super().__init__()
            self.pending = [("a3", 3, "b4", 4, 1), ("b4", 4, "b5", 5, 4)]   # then forward

        def logged_reorgs(self):
            taken, self.pending = self.pending, []
            return taken

    t = HeadTracker(Logging(), FakeRun())
    t.observe(NodeStatus(t=1, up=True, head_slot=3, head_root="a3"))
    t.observe(NodeStatus(t=2, up=True, head_slot=4, head_root="b4"))
    assert [(r["depth"], r["new_slot"]) for r in t.reorgs] == [(2, 4)]   # 3 - ancestor 1


def test_report_is_self_contained(tmp_path):
    series = [{"node": n, "t": float(t), "epoch": t / 8, "finalized_epoch": t // 24,
               "head_slot": t, "peers": 1, "rss_mb": 100.0, "cpu_s": t / 2.0}
              for t in range(0, 100, 5) for n in ("A", "B")]
    result = {"scenario": "ex4", "title": "t", "goal": "g", "verdict": "pass", "reason": "",
              "seconds": 1.0, "params": {"seconds_per_slot": 1, "goal_epoch": 3},
              "nodes": {n: {"kind": "ours", "role": n, "validators": 8, "ip": "127.0.0.1",
                            "rss_max_mb": 100.0, "cpu_pct": 50.0, "last": series[-1],
                            "reorgs": [{"depth": 2}]} for n in ("A", "B")},
              "events": [{"t": 1, "epoch": 0, "event": "x"}], "marks": {"heal": 50.0},
              "extra": {}, "series": series}
    md, html = write_report([result], tmp_path, 1.0)
    text = html.read_text()
    assert "<svg" in text and "polyline" in text and "PASS" in text
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "| ex4 | PASS |" in md.read_text()
    assert (tmp_path / "ex4" / "finalized.svg").exists()


def test_finality_timeline_waits_for_every_node_including_late_ones():
    from testnet.report.combine import finality_timeline, format_timeline
    series = [{"node": "A", "t": 10.0, "finalized_epoch": 2},
              {"node": "B", "t": 20.0, "finalized_epoch": 1},
              {"node": "B", "t": 30.0, "finalized_epoch": 3},
              {"node": "A", "t": 40.0, "finalized_epoch": 3},
              {"node": "late", "t": 50.0, "finalized_epoch": 3}]
    assert finality_timeline(series, ["A", "B"]) == [(1, 20.0), (2, 30.0), (3, 40.0)]
    assert finality_timeline(series, ["A", "B", "late"]) == [(1, 50.0), (2, 50.0), (3, 50.0)]
    many = [(e, float(e * 48)) for e in range(1, 129)]
    assert format_timeline(many) == " ".join(f"{e}@{e * 48}" for e in [1] + list(range(16, 129, 16)))
    assert format_timeline([]) == "-"


def test_combined_report_has_a_row_per_run_and_rebased_links(tmp_path):
    from testnet.report.combine import combine
    series = [{"node": n, "t": float(t), "finalized_epoch": t // 24, "head_slot": t}
              for t in range(0, 100, 5) for n in ("A", "B")]
    result = {"scenario": "ex2", "title": "t", "goal": "g", "verdict": "pass", "reason": "",
              "seconds": 9.0, "params": {"seconds_per_slot": 6, "goal_epoch": 3},
              "nodes": {n: {"kind": "ours", "role": n, "validators": 8, "last": series[-1],
                            "reorgs": []} for n in ("A", "B")},
              "events": [], "marks": {}, "series": series,
              "extra": {"agreement": {"head": {"all_equal": True},
                                      "finalized": {"3": ["0xaa", "0xbb"]},
                                      "state_roots": {"pairs_compared": 40, "mismatches": 0}}}}
    run = tmp_path / "lodestar-ours-A-ex2"
    write_report([result], run, 9.0)
    (run / "results.json").write_text(json.dumps([{k: v for k, v in result.items()
                                                    if k != "series"}]))
    (run / "ex2" / "result.json").write_text(json.dumps(result))
    (tmp_path / "runs.txt").write_text(
        "lodestar-ours-A-ex2 rc=0 9s 6s-slots: ex2 --with lodestar-2019 --ours A\n"
        "trinity-ours-A-ex2 skipped (interrupted): ex2 --with trinity-2019 --ours A\n"
        "trinity-ours-B-ex2 rc=130 50s 6s-slots: ex2 --with trinity-2019 --ours B\n")
    (tmp_path / "trinity-ours-B-ex2").mkdir()
    (tmp_path / "trinity-ours-B-ex2" / "results.json").write_text("[]")
    text = combine(tmp_path, "T", "baselines decide nothing").read_text()
    assert "# T\n\nbaselines decide nothing\n" in text
    assert ("| lodestar-ours-A-ex2 | ex2 | PASS | 9.0 | 6 | 3 | 3 | 1@25 2@50 3@75 | yes "
            "| split: finalized | 40 / 0 | 0 / 0 |") in text
    assert "| trinity-ours-A-ex2 | - | SKIPPED |" in text
    assert "| trinity-ours-B-ex2 | - | INTERRUPTED |" in text
    assert "1 of 3 scenario runs passed" in text
    assert "](lodestar-ours-A-ex2/ex2/finalized.svg)" in text
    assert "](ex2/finalized.svg)" not in text

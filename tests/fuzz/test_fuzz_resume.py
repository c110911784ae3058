"""`python -m fuzz --from NAME` resumes a run at a target (no atheris needed: the runner
of one target is replaced by a recorder)."""
import pytest

import fuzz.__main__ as fuzz_main
from fuzz.targets import all_targets


def _run(monkeypatch, tmp_path, *argv):
    ran = []
    monkeypatch.setattr(fuzz_main, "run_target",
                        lambda name, *a, **k: (ran.append(name), (1, 0.0, None))[1])
    assert fuzz_main.main([*argv, "--runs", "1", "--log-dir", str(tmp_path)]) == 0
    return ran


def test_from_starts_at_the_named_target_in_the_printed_order(monkeypatch, tmp_path):
    names = list(all_targets())
    start = names[-4]
    assert _run(monkeypatch, tmp_path, "--from", start) == names[-4:]


def test_from_combines_with_only(monkeypatch, tmp_path):
    names = list(all_targets())
    start = names.index("reqresp:req:goodbye")
    expected = [n for n in names[start:] if "hello" in n]
    assert expected and len(expected) < len([n for n in names if "hello" in n])
    assert _run(monkeypatch, tmp_path, "--from", "reqresp:req:goodbye", "--only", "hello") \
        == expected


def test_from_an_unknown_target_is_a_usage_error(monkeypatch, tmp_path):
    with pytest.raises(SystemExit) as e:
        _run(monkeypatch, tmp_path, "--from", "ssz:NoSuchType")
    assert e.value.code == 2

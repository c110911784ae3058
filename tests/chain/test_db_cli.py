"""`db import` / `db head` over every sanity/blocks vector of the minimal preset."""
import os
from pathlib import Path

import pytest
import yaml

from beacon.cli.main import main
from beacon.config import minimal
from beacon.types import get_types
from ssz.signing import signing_root

VECTORS = Path(os.environ.get("SPEC_TESTS_DIR", "/work/shared/spec-tests/v0.8.4/tests")) / (
    "minimal/phase0/sanity/blocks/pyspec_tests")
CASES = sorted(p.name for p in VECTORS.iterdir()) if VECTORS.is_dir() else []


def _blocks(case: Path) -> list[Path]:
    count = yaml.safe_load((case / "meta.yaml").read_text())["blocks_count"]
    return [case / f"blocks_{i}.ssz" for i in range(count)]


@pytest.mark.skipif(not CASES, reason=f"sanity/blocks vectors not found at {VECTORS}")
@pytest.mark.parametrize("name", CASES)
def test_db_import_then_head(name, tmp_path, capsys):
    case = VECTORS / name
    blocks = _blocks(case)
    datadir = str(tmp_path / "db")
    rc = main(["db", "import", "--datadir", datadir, "--anchor-state", str(case / "pre.ssz"),
               *map(str, blocks)])
    out = capsys.readouterr()
    valid = (case / "post.ssz").exists()
    if not valid:
        assert rc == 1, out
        assert "rejected" in out.err
        return
    assert rc == 0, out.err
    assert out.out.count("imported") == len(blocks)
    assert main(["db", "head", "--datadir", datadir]) == 0
    head = yaml.safe_load(capsys.readouterr().out)
    T = get_types(minimal)
    last = T.BeaconBlock.decode_bytes(blocks[-1].read_bytes())
    assert head["head"]["root"] == "0x" + signing_root(last).hex()
    assert head["head"]["slot"] == int(last.slot)
    # Importing again is harmless: every block is already known.
    assert main(["db", "import", "--datadir", datadir, *map(str, blocks)]) == 0
    assert capsys.readouterr().out.count("known") == len(blocks)


def test_db_cli_user_errors(tmp_path, capsys):
    assert main(["db", "head", "--datadir", str(tmp_path / "missing")]) == 2
    assert "no database" in capsys.readouterr().err
    (tmp_path / "file").write_bytes(b"x")
    assert main(["db", "head", "--datadir", str(tmp_path / "file")]) == 2
    assert "not a database" in capsys.readouterr().err
    assert main(["db", "import", "--datadir", str(tmp_path / "new")]) == 2
    assert "anchor" in capsys.readouterr().err


@pytest.mark.skipif(len(CASES) < 2, reason=f"sanity/blocks vectors not found at {VECTORS}")
def test_db_import_refuses_another_anchor(tmp_path, capsys):
    pres = {}
    for name in CASES:  # two cases whose pre-states (so anchors) differ
        pres.setdefault((VECTORS / name / "pre.ssz").read_bytes(), VECTORS / name)
    if len(pres) < 2:
        pytest.skip("all vectors share one pre-state")
    a, b = list(pres.values())[:2]
    datadir = str(tmp_path / "db")
    assert main(["db", "import", "--datadir", datadir, "--anchor-state", str(a / "pre.ssz")]) == 0
    rc = main(["db", "import", "--datadir", datadir, "--anchor-state", str(b / "pre.ssz")])
    err = capsys.readouterr().err
    assert rc == 2 and "anchor block" in err

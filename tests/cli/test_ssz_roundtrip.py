"""`ssz decode` then `ssz encode` reproduces every ssz_static vector byte for byte.

The bulk runs in-process through the same functions the commands use; a few cases go
through the real console script.
"""
import pytest
import yaml

from beacon.cli import files
from beacon.cli.main import main
from beacon.cli.ssz import roots
from beacon.config import minimal
from beacon.types.phase0 import CONTAINER_NAMES
from tests.cli.helpers import beacon_node
from tests.cli.vectors import MINIMAL, require_vectors

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def cases(type_name):
    base = require_vectors(MINIMAL / "ssz_static" / type_name)
    found = sorted(base.glob("*/case_*"))
    assert found, f"no ssz_static cases for {type_name}"
    return found


@pytest.mark.parametrize("type_name", CONTAINER_NAMES)
def test_decode_encode_roundtrip_all_cases(type_name):
    typ = files.type_named(minimal, type_name)
    for case in cases(type_name):
        original = (case / "serialized.ssz").read_bytes()
        view = files.from_ssz(typ, original, str(case))
        text = files.render(view, "yaml")
        back = files.from_plain(typ, yaml.load(text, Loader=Loader), str(case))
        assert files.render(back, "ssz") == original, case
        expected = yaml.load((case / "roots.yaml").read_text(), Loader=Loader)
        assert roots(view) == expected, case


def test_in_process_main_roundtrip(tmp_path, capsys):
    case = cases("BeaconBlock")[-1]
    out_yaml, out_ssz = tmp_path / "b.yaml", tmp_path / "b.ssz"
    assert main(["ssz", "decode", "--type", "BeaconBlock", str(case / "serialized.ssz"),
                 "--out", str(out_yaml)]) == 0
    assert main(["ssz", "encode", "--type", "BeaconBlock", str(out_yaml),
                 "--out", str(out_ssz)]) == 0
    assert out_ssz.read_bytes() == (case / "serialized.ssz").read_bytes()


@pytest.mark.parametrize("type_name", ["BeaconState", "Attestation", "DepositData"])
def test_cli_roundtrip_and_root(tmp_path, type_name):
    case = [c for c in cases(type_name) if "random" in str(c)][0]
    decoded = beacon_node("ssz", "decode", "--type", type_name, case / "serialized.ssz")
    assert decoded.returncode == 0, decoded.stderr
    (tmp_path / "v.yaml").write_text(decoded.stdout)
    encoded = beacon_node("ssz", "encode", "--type", type_name, tmp_path / "v.yaml",
                          "--out", tmp_path / "v.ssz")
    assert encoded.returncode == 0, encoded.stderr
    assert (tmp_path / "v.ssz").read_bytes() == (case / "serialized.ssz").read_bytes()

    root = beacon_node("ssz", "root", "--type", type_name, tmp_path / "v.yaml")
    assert root.returncode == 0, root.stderr
    expected = yaml.safe_load((case / "roots.yaml").read_text())
    printed = dict(line.split(": ", 1) for line in root.stdout.strip().splitlines())
    assert printed == expected


def test_cli_decode_json(tmp_path):
    import json
    case = cases("Checkpoint")[0]
    proc = beacon_node("ssz", "decode", "--type", "Checkpoint", "--format", "json",
                       case / "serialized.ssz")
    assert proc.returncode == 0, proc.stderr
    assert set(json.loads(proc.stdout)) == {"epoch", "root"}


def test_pretty_state_and_block(capsys):
    for type_name in ("BeaconState", "BeaconBlock", "Attestation"):
        case = cases(type_name)[-1]
        assert main(["ssz", "pretty", "--type", type_name, str(case / "serialized.ssz")]) == 0
        out = capsys.readouterr().out
        assert out.startswith(type_name)
        assert "root" in out

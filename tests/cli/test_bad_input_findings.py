"""Regression tests for the outside sweep's CLI findings (issue 12): deep or huge YAML,
huge integers, and inputs the commands must refuse. Each ends in one line on stderr and
exit 2, never a crash, a traceback or a silent success."""
import pytest

from beacon.cli.main import main
from tests.cli.helpers import assert_user_error, beacon_node

HASH = "0x" + "00" * 32


def _one_line_exit2(capsys, argv, *needles):
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    for needle in needles:
        assert needle in err[0], (needle, err[0])


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,          # flow style: segfaulted PyYAML's C composer
    "- " * 100_000 + "1",                   # block style, one level per "- "
])
def test_deep_yaml_is_refused_before_parsing(tmp_path, text):
    deep = tmp_path / "deep.yaml"
    deep.write_text(text + "\n")
    # A subprocess: before the fix this killed the interpreter with SIGSEGV.
    assert_user_error(beacon_node("ssz", "decode", "--type", "BeaconBlock", deep), "deeper")
    assert_user_error(beacon_node("genesis", "from-deposits", "--deposits", deep,
                                  "--eth1-block-hash", HASH, "--eth1-timestamp", "1",
                                  "--out", tmp_path / "g.ssz"), "deeper")


@pytest.mark.parametrize("command", ["decode", "root", "pretty", "encode"])
def test_moderately_deep_yaml_no_recursion_error(tmp_path, capsys, command):
    # Depth 20,000 gave a RecursionError traceback from ssz/plain.py.
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 20_000 + "]" * 20_000 + "\n")
    out = ["--out", tmp_path / "o.ssz"] if command == "encode" else []
    _one_line_exit2(capsys, ["ssz", command, "--type", "BeaconBlock", deep, *out], "deeper")


@pytest.mark.parametrize("command", ["decode", "root", "pretty", "encode"])
def test_huge_integer_is_a_user_error(tmp_path, capsys, command):
    f = tmp_path / "huge.yaml"
    f.write_text("epoch: " + "9" * 5000 + "\nroot: '0x" + "00" * 32 + "'\n")
    out = ["--out", tmp_path / "o.ssz"] if command == "encode" else []
    _one_line_exit2(capsys, ["ssz", command, "--type", "Checkpoint", f, *out], "huge.yaml")


def test_huge_decimal_string_for_a_wide_uint(tmp_path, capsys):
    from ssz.plain import serialize
    from remerkleable.basic import uint256
    from ssz.errors import SSZValueError
    with pytest.raises(SSZValueError, match="out of range"):
        serialize(uint256, "9" * 5000)


def test_out_of_range_integer_is_a_user_error(tmp_path, capsys):
    f = tmp_path / "big.yaml"
    f.write_text("epoch: " + str(2**64) + "\nroot: '0x" + "00" * 32 + "'\n")
    _one_line_exit2(capsys, ["ssz", "root", "--type", "Checkpoint", f], "out of range")


def test_encode_refuses_a_yaml_out_name(tmp_path, capsys):
    f = tmp_path / "cp.yaml"
    f.write_text("epoch: 3\nroot: '0x" + "00" * 32 + "'\n")
    _one_line_exit2(capsys, ["ssz", "encode", "--type", "Checkpoint", f,
                             "--out", tmp_path / "x.yaml"], "x.yaml", ".ssz")
    assert not (tmp_path / "x.yaml").exists()
    assert main(["ssz", "encode", "--type", "Checkpoint", str(f),
                 "--out", str(tmp_path / "x.ssz")]) == 0


def test_quickstart_refuses_zero_validators(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["genesis", "quickstart", "--validator-count", "0", "--genesis-time", "1",
              "--out", str(tmp_path / "g.ssz")])
    assert e.value.code == 2
    assert "--validator-count" in capsys.readouterr().err
    assert not (tmp_path / "g.ssz").exists()


@pytest.mark.parametrize("name, content", [("empty.ssz", ""), ("empty.yaml", "[]\n")])
def test_from_deposits_refuses_no_deposits(tmp_path, capsys, name, content):
    f = tmp_path / name
    f.write_text(content)
    _one_line_exit2(capsys, ["genesis", "from-deposits", "--deposits", f,
                             "--eth1-block-hash", HASH, "--eth1-timestamp", "1",
                             "--out", tmp_path / "g.ssz"], "no deposits")
    assert not (tmp_path / "g.ssz").exists()


def test_transition_slots_is_bounded(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["transition", "--pre", str(tmp_path / "pre.ssz"), "--slots", "1000000000000"])
    assert e.value.code == 2
    assert "--slots" in capsys.readouterr().err

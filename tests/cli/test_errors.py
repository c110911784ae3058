"""User errors end with one line on stderr and exit code 2, never a traceback."""
import time

import pytest

from beacon.cli.main import main
from tests.cli.helpers import assert_user_error, beacon_node
from tests.cli.vectors import MINIMAL, require_vectors


@pytest.fixture
def checkpoint_ssz():
    case = MINIMAL / "ssz_static" / "Checkpoint" / "ssz_random" / "case_0"
    require_vectors(case)
    return case / "serialized.ssz"


def test_missing_file(tmp_path):
    assert_user_error(beacon_node("ssz", "decode", "--type", "BeaconState",
                                  tmp_path / "nope.ssz"), "nope.ssz", "no such file")


def test_directory_instead_of_file(tmp_path):
    d = tmp_path / "dir.ssz"
    d.mkdir()
    assert_user_error(beacon_node("ssz", "root", "--type", "Fork", d), "directory")


def test_unknown_type(checkpoint_ssz):
    assert_user_error(beacon_node("ssz", "decode", "--type", "BeaconThing", checkpoint_ssz),
                      "BeaconThing")


def test_bytes_of_the_wrong_type(checkpoint_ssz):
    assert_user_error(beacon_node("ssz", "decode", "--type", "BeaconState", checkpoint_ssz),
                      "BeaconState")


def test_malformed_yaml(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("epoch: [1, 2\nroot: {")
    assert_user_error(beacon_node("ssz", "encode", "--type", "Checkpoint", bad,
                                  "--out", tmp_path / "o.ssz"), "malformed YAML")


def test_yaml_of_the_wrong_shape(tmp_path):
    bad = tmp_path / "shape.yaml"
    bad.write_text("epoch: 3\nroot: '0x1234'\n")  # root is too short
    assert_user_error(beacon_node("ssz", "encode", "--type", "Checkpoint", bad,
                                  "--out", tmp_path / "o.ssz"), "shape.yaml")
    assert not (tmp_path / "o.ssz").exists()


def test_unknown_extension(tmp_path):
    f = tmp_path / "state.bin"
    f.write_bytes(b"\x00" * 8)
    assert_user_error(beacon_node("ssz", "root", "--type", "Fork", f), "extension")


def test_bad_hex_argument(tmp_path):
    deposits = tmp_path / "d.yaml"
    deposits.write_text("[]\n")
    assert_user_error(beacon_node("genesis", "from-deposits", "--deposits", deposits,
                                  "--eth1-block-hash", "0xzz", "--eth1-timestamp", "0",
                                  "--out", tmp_path / "s.ssz"), "hex")


def test_bad_integer_and_missing_argument():
    assert_user_error(beacon_node("keys", "interop", "--count", "-1"), "uint64")
    assert_user_error(beacon_node("transition"), "--pre")


def test_deposits_file_of_partial_deposits(tmp_path):
    f = tmp_path / "d.ssz"
    f.write_bytes(b"\x01" * 100)
    assert_user_error(beacon_node("genesis", "from-deposits", "--deposits", f,
                                  "--eth1-block-hash", "42" * 32, "--eth1-timestamp", "0",
                                  "--out", tmp_path / "s.ssz"), "Deposit")


def test_in_process_errors_return_2(tmp_path, capsys):
    assert main(["ssz", "root", "--type", "Fork", str(tmp_path / "x.ssz")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_help_is_fast_and_lists_commands():
    t0 = time.perf_counter()
    proc = beacon_node("--help")
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 0
    for name in ("keys", "genesis", "ssz", "transition", "db", "run"):
        assert name in proc.stdout
    assert elapsed < 3.0  # no libp2p / trio / BLS import for --help


def test_unwritable_output(tmp_path, checkpoint_ssz):
    assert_user_error(beacon_node("ssz", "encode", "--type", "Checkpoint", checkpoint_ssz,
                                  "--out", tmp_path / "no" / "such" / "dir.ssz"),
                      "cannot write")

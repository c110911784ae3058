"""`beacon-node genesis quickstart|from-deposits` through the command line."""
import pytest
import yaml

from beacon.cli.main import main
from tests.cli.helpers import assert_user_error, beacon_node
from tests.cli.vectors import MINIMAL, require_vectors

INIT = MINIMAL / "genesis" / "initialization" / "pyspec_tests"


def init_case(name):
    case = require_vectors(INIT / name)
    meta = yaml.safe_load((case / "meta.yaml").read_text())
    block_hash = yaml.safe_load((case / "eth1_block_hash.yaml").read_text())
    timestamp = yaml.safe_load((case / "eth1_timestamp.yaml").read_text())
    return case, meta["deposits_count"], block_hash, timestamp


@pytest.mark.parametrize("name", ["initialize_beacon_state_from_eth1",
                                  "initialize_beacon_state_some_small_balances"])
def test_from_deposits_ssz_reproduces_vector(name, tmp_path, capsys):
    case, count, block_hash, timestamp = init_case(name)
    deposits = tmp_path / "deposits.ssz"
    deposits.write_bytes(b"".join((case / f"deposits_{i}.ssz").read_bytes()
                                  for i in range(count)))
    out = tmp_path / "state.ssz"
    assert main(["genesis", "from-deposits", "--deposits", str(deposits),
                 "--eth1-block-hash", block_hash, "--eth1-timestamp", str(timestamp),
                 "--out", str(out)]) == 0
    assert out.read_bytes() == (case / "state.ssz").read_bytes()
    printed = capsys.readouterr().out
    assert f"deposits: {count}" in printed
    assert "valid_genesis: yes" in printed


def test_from_deposits_yaml_list(tmp_path, capsys):
    case, count, block_hash, timestamp = init_case("initialize_beacon_state_from_eth1")
    count = 4  # a prefix is a valid deposit list too: proofs are against the tree so far
    items = [yaml.safe_load((case / f"deposits_{i}.yaml").read_text()) for i in range(count)]
    deposits = tmp_path / "deposits.yaml"
    deposits.write_text(yaml.safe_dump(items))
    out = tmp_path / "state.yaml"
    assert main(["genesis", "from-deposits", "--deposits", str(deposits),
                 "--eth1-block-hash", block_hash, "--eth1-timestamp", str(timestamp),
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "validators: 4" in printed
    assert "valid_genesis: no" in printed  # 4 < MIN_GENESIS_ACTIVE_VALIDATOR_COUNT
    assert yaml.safe_load(out.read_text())["eth1_deposit_index"] == 4


def test_from_deposits_bad_proof_is_a_user_error(tmp_path):
    case, count, block_hash, timestamp = init_case("initialize_beacon_state_from_eth1")
    # Deposit 1 alone: its proof is against a two-leaf tree, not a one-leaf one.
    deposits = tmp_path / "deposits.ssz"
    deposits.write_bytes((case / "deposits_1.ssz").read_bytes())
    assert_user_error(beacon_node("genesis", "from-deposits", "--deposits", deposits,
                                  "--eth1-block-hash", block_hash, "--eth1-timestamp", timestamp,
                                  "--out", tmp_path / "s.ssz"), "deposits.ssz")


def test_quickstart_cli_writes_state(tmp_path):
    out = tmp_path / "genesis.ssz"
    proc = beacon_node("genesis", "quickstart", "--validator-count", 16, "--genesis-time",
                       1567777777, "--out", out)
    assert proc.returncode == 0, proc.stderr
    from beacon.config import minimal
    from beacon.types import get_types
    from ssz.codec import decode
    state = decode(get_types(minimal).BeaconState, out.read_bytes())
    assert int(state.genesis_time) == 1567777777
    assert len(state.validators) == 16
    assert proc.stdout.strip() == f"state_root: 0x{bytes(state.hash_tree_root()).hex()}"


def test_quickstart_yaml_output(tmp_path):
    out = tmp_path / "genesis.yaml"
    proc = beacon_node("genesis", "quickstart", "--validator-count", 2, "--genesis-time", 5,
                       "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert yaml.safe_load(out.read_text())["genesis_time"] == 5

"""`beacon-node transition` over the sanity/blocks vectors: the post-state root of every
valid case, a non-zero exit on every invalid one."""
import pytest
import yaml

from beacon.cli.main import main
from tests.cli.helpers import beacon_node
from tests.cli.vectors import MINIMAL, require_vectors


def sanity_cases():
    base = MINIMAL / "sanity" / "blocks" / "pyspec_tests"
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def args_for(case, out=None):
    count = yaml.safe_load((case / "meta.yaml").read_text())["blocks_count"]
    blocks = [str(case / f"blocks_{i}.ssz") for i in range(count)]
    args = ["transition", "--pre", str(case / "pre.ssz"), "--block", *blocks]
    return args + (["--out", str(out)] if out else [])


def expected_root(case):
    from beacon.config import minimal
    from beacon.types import get_types
    from ssz.codec import decode
    post = decode(get_types(minimal).BeaconState, (case / "post.ssz").read_bytes())
    return "0x" + bytes(post.hash_tree_root()).hex()


@pytest.mark.parametrize("case", sanity_cases(), ids=lambda p: p.name)
def test_sanity_blocks(case, tmp_path, capsys):
    require_vectors(case)
    out = tmp_path / "post.ssz"
    code = main(args_for(case, out))
    captured = capsys.readouterr()
    if (case / "post.ssz").exists():
        assert code == 0, captured.err
        assert captured.out.strip() == f"post_state_root: {expected_root(case)}"
        assert out.read_bytes() == (case / "post.ssz").read_bytes()
    else:
        assert code == 1
        assert not out.exists()
        assert len(captured.err.strip().splitlines()) == 1


def test_vectors_present():
    require_vectors(MINIMAL)
    assert len(sanity_cases()) >= 15


def test_cli_valid_and_invalid():
    cases = {c.name: c for c in sanity_cases()}
    if not cases:
        pytest.skip("no sanity vectors")
    ok = beacon_node(*args_for(cases["empty_block_transition"]))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == f"post_state_root: {expected_root(cases['empty_block_transition'])}"
    bad = beacon_node(*args_for(cases["invalid_state_root"]))
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert "block 0" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_slots_only(tmp_path, capsys):
    case = MINIMAL / "sanity" / "slots" / "pyspec_tests" / "slots_1"
    require_vectors(case)
    slots = yaml.safe_load((case / "slots.yaml").read_text())
    assert main(["transition", "--pre", str(case / "pre.ssz"), "--slots", str(slots)]) == 0
    assert capsys.readouterr().out.strip() == f"post_state_root: {expected_root(case)}"


def test_no_verify_signatures_skips_only_signatures(tmp_path, capsys):
    from beacon.config import minimal
    from beacon.types import get_types
    from ssz.codec import decode
    case = MINIMAL / "sanity" / "blocks" / "pyspec_tests" / "empty_block_transition"
    require_vectors(case)
    block = decode(get_types(minimal).BeaconBlock, (case / "blocks_0.ssz").read_bytes())
    block.signature = b"\x11" * 96  # not a valid signature, state root unaffected
    forged = tmp_path / "forged.ssz"
    forged.write_bytes(block.encode_bytes())
    base = ["transition", "--pre", str(case / "pre.ssz"), "--block", str(forged)]
    assert main(base) == 1
    assert "InvalidSignature" in capsys.readouterr().err
    assert main(base + ["--no-verify-signatures"]) == 0
    assert capsys.readouterr().out.strip() == f"post_state_root: {expected_root(case)}"


def test_huge_slot_count_is_a_user_error(capsys):
    case = MINIMAL / "sanity" / "blocks" / "pyspec_tests" / "attestation"  # pre-state slot 8
    require_vectors(case)
    with pytest.raises(SystemExit) as e:  # refused by argparse: over MAX_SLOTS (issue 12)
        main(["transition", "--pre", str(case / "pre.ssz"), "--slots", str(2**64 - 1)])
    assert e.value.code == 2
    assert "--slots" in capsys.readouterr().err


def test_yaml_inputs_and_yaml_output(tmp_path, capsys):
    case = MINIMAL / "sanity" / "blocks" / "pyspec_tests" / "voluntary_exit"
    require_vectors(case)
    out = tmp_path / "post.yaml"
    assert main(["transition", "--pre", str(case / "pre.yaml"), "--block",
                 str(case / "blocks_0.yaml"), "--block", str(case / "blocks_1.yaml"),
                 "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"post_state_root: {expected_root(case)}"
    assert yaml.load(out.read_text(), Loader=yaml.CSafeLoader) == \
        yaml.load((case / "post.yaml").read_text(), Loader=yaml.CSafeLoader)

"""`beacon-node validator slashing-protection export|import` end to end: export from one
datadir, import into a fresh one, then a double sign there is refused; errors are one
line and exit 2."""
import json

import pytest

from beacon.cli.main import main
from validator.slashing_protection import (
    DoubleProposal, DoubleVote, SlashingProtection, SlashingProtectionError,
)

PK = b"\xaa" * 48


@pytest.fixture(scope="module")
def genesis(tmp_path_factory):
    from beacon.config import minimal
    from beacon.genesis.quickstart import quickstart_state
    from ssz.codec import encode
    state = quickstart_state(minimal, 1567777777, 4)
    path = tmp_path_factory.mktemp("g") / "genesis.ssz"
    path.write_bytes(encode(state))
    return path, "0x" + bytes(state.hash_tree_root()).hex()


def test_export_import_refuses_double_sign(tmp_path, genesis, capsys):
    gpath, groot = genesis
    old = tmp_path / "old"
    old.mkdir()
    assert main(["db", "import", "--datadir", str(old / "chain"), "--anchor-state", str(gpath)]) == 0
    sp = SlashingProtection(old / "slashing_protection")
    sp.check_and_record_block(PK, 3, b"\x01" * 32)
    sp.check_and_record_attestation(PK, 1, 2, b"\x02" * 32)
    sp.close()
    out = tmp_path / "interchange.json"
    # The genesis root comes from the datadir's chain database here...
    assert main(["validator", "slashing-protection", "export", "--datadir", str(old),
                 "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["metadata"]["genesis_validators_root"] == groot
    assert doc["data"][0]["signed_blocks"] == [{"slot": "3", "signing_root": "0x" + "01" * 32}]
    # ... and from --genesis-state for a fresh datadir without a chain yet.
    new = tmp_path / "new"
    capsys.readouterr()
    assert main(["validator", "slashing-protection", "import", "--datadir", str(new),
                 "--genesis-state", str(gpath), str(out)]) == 0
    assert "imported 1 validators, 1 blocks, 1 attestations" in capsys.readouterr().out
    sp = SlashingProtection(new / "slashing_protection")
    try:
        with pytest.raises(DoubleProposal):
            sp.check_and_record_block(PK, 3, b"\x09" * 32)
        with pytest.raises(DoubleVote):
            sp.check_and_record_attestation(PK, 1, 2, b"\x09" * 32)
        with pytest.raises(SlashingProtectionError):  # surround (and below the watermark)
            sp.check_and_record_attestation(PK, 0, 3, b"\x09" * 32)
    finally:
        sp.close()


@pytest.mark.parametrize("content, needle", [
    ("{not json", "not JSON"),
    ('{"metadata": {"interchange_format_version": "5", "genesis_validators_root": "0x'
     + "00" * 32 + '"}, "data": []}', "not this chain"),
])
def test_import_errors_are_one_line(tmp_path, genesis, capsys, content, needle):
    f = tmp_path / "bad.json"
    f.write_text(content)
    assert main(["validator", "slashing-protection", "import", "--datadir", str(tmp_path / "d"),
                 "--genesis-state", str(genesis[0]), str(f)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0] and "bad.json" in err[0], err


def test_export_needs_a_genesis_root(tmp_path, capsys):
    assert main(["validator", "slashing-protection", "export", "--datadir", str(tmp_path)]) == 2
    assert "--genesis-state" in capsys.readouterr().err

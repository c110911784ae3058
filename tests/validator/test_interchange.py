"""EIP-3076 interchange (validator/interchange.py): our own cases in the public test
format (interchange_cases/*.json: "steps" of interchange + blocks/attestations with
should_succeed), export -> import into a fresh store -> double signing refused, and
one clear error per malformed document."""
import json
from pathlib import Path

import pytest

from validator.interchange import (
    InterchangeError, export_interchange, import_interchange, parse_interchange,
)
from validator.slashing_protection import SlashingProtection, SlashingProtectionError

CASES = sorted((Path(__file__).parent / "interchange_cases").glob("*.json"))
GVR = b"\x42" * 32
PK = b"\xaa" * 48
OTHER = b"\xbb" * 48


def _hex(s: str) -> bytes:
    return bytes.fromhex(s[2:])


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_interchange_case(tmp_path, case):
    spec = json.loads(case.read_text())
    sp = SlashingProtection(tmp_path / "sp")
    try:
        for n, step in enumerate(spec["steps"]):
            doc = parse_interchange(json.dumps(step["interchange"]))
            if step["should_succeed"]:
                import_interchange(sp, doc, _hex(spec["genesis_validators_root"]))
            else:
                with pytest.raises(InterchangeError):
                    import_interchange(sp, doc, _hex(spec["genesis_validators_root"]))
            for b in step["blocks"]:
                call = lambda: sp.check_and_record_block(
                    _hex(b["pubkey"]), int(b["slot"]), _hex(b["signing_root"]))
                _expect(call, b["should_succeed"], f"step {n} block {b}")
            for a in step["attestations"]:
                call = lambda: sp.check_and_record_attestation(
                    _hex(a["pubkey"]), int(a["source_epoch"]), int(a["target_epoch"]),
                    _hex(a["signing_root"]))
                _expect(call, a["should_succeed"], f"step {n} attestation {a}")
    finally:
        sp.close()


def _expect(call, should_succeed: bool, what: str):
    if should_succeed:
        call()
    else:
        with pytest.raises(SlashingProtectionError):
            call()
            pytest.fail(f"signed, should be refused: {what}")


def _history(path):
    sp = SlashingProtection(path)
    sp.check_and_record_block(PK, 5, b"\x01" * 32)
    sp.check_and_record_block(PK, 9, b"\x02" * 32)
    sp.check_and_record_attestation(PK, 2, 3, b"\x03" * 32)
    sp.check_and_record_attestation(PK, 3, 6, b"\x04" * 32)
    sp.check_and_record_block(OTHER, 7, b"\x05" * 32)
    return sp


@pytest.mark.parametrize("minimal", [False, True], ids=["complete", "minimal"])
def test_export_import_then_double_sign_refused(tmp_path, minimal):
    sp = _history(tmp_path / "old")
    doc = json.loads(json.dumps(export_interchange(sp, GVR, minimal=minimal)))
    sp.close()
    assert doc["metadata"] == {"interchange_format_version": "5",
                               "genesis_validators_root": "0x" + "42" * 32}
    fresh = SlashingProtection(tmp_path / "new")
    try:
        counts = import_interchange(fresh, parse_interchange(json.dumps(doc)), GVR)
        assert counts["validators"] == 2
        refused = [
            lambda: fresh.check_and_record_block(PK, 9, b"\x09" * 32),   # double proposal
            lambda: fresh.check_and_record_block(PK, 8, b"\x09" * 32),   # below the highest
            lambda: fresh.check_and_record_block(OTHER, 7, b"\x09" * 32),
            lambda: fresh.check_and_record_attestation(PK, 3, 6, b"\x09" * 32),  # double vote
            lambda: fresh.check_and_record_attestation(PK, 1, 7, b"\x09" * 32),  # surrounds
            lambda: fresh.check_and_record_attestation(PK, 4, 5, b"\x09" * 32),  # surrounded
        ]
        for i, call in enumerate(refused):
            with pytest.raises(SlashingProtectionError):
                call()
                pytest.fail(f"refused[{i}] was signed")
        fresh.check_and_record_block(PK, 10, b"\x09" * 32)
        fresh.check_and_record_attestation(PK, 6, 7, b"\x09" * 32)
        if not minimal:  # the complete form keeps roots: re-signing identical data is fine
            fresh.check_and_record_block(PK, 9, b"\x02" * 32)
            fresh.check_and_record_attestation(PK, 3, 6, b"\x04" * 32)
        again = export_interchange(fresh, GVR)
        assert {d["pubkey"] for d in again["data"]} == {"0x" + PK.hex(), "0x" + OTHER.hex()}
    finally:
        fresh.close()


def test_minimal_form_has_one_record_per_kind(tmp_path):
    sp = _history(tmp_path / "sp")
    doc = export_interchange(sp, GVR, minimal=True, pubkeys=[PK])
    sp.close()
    assert doc["data"] == [{"pubkey": "0x" + PK.hex(),
                            "signed_blocks": [{"slot": "9"}],
                            "signed_attestations": [{"source_epoch": "3", "target_epoch": "6"}]}]


GOOD = {"metadata": {"interchange_format_version": "5",
                     "genesis_validators_root": "0x" + "42" * 32},
        "data": [{"pubkey": "0x" + "aa" * 48,
                  "signed_blocks": [{"slot": "1"}],
                  "signed_attestations": [{"source_epoch": "1", "target_epoch": "2"}]}]}


def _bad(path, value):
    doc = json.loads(json.dumps(GOOD))
    obj = doc
    for seg in path[:-1]:
        obj = obj[seg]
    if value is KeyError:
        del obj[path[-1]]
    else:
        obj[path[-1]] = value
    return json.dumps(doc)


@pytest.mark.parametrize("text, needle", [
    ("{", "not JSON"),
    ("[]", "document: expected an object"),
    ("[" * 100_000 + "]" * 100_000, "not readable JSON"),
    ('{"metadata": ' + "9" * 5000 + "}", "not readable JSON"),
    (_bad(["metadata"], KeyError), "metadata: missing"),
    (_bad(["metadata", "interchange_format_version"], "4"), "not supported"),
    (_bad(["metadata", "interchange_format_version"], 5), "expected a string"),
    (_bad(["metadata", "genesis_validators_root"], "0x12"), "genesis_validators_root"),
    (_bad(["metadata", "genesis_validators_root"], "0x" + "00" * 32), "not this chain"),
    (_bad(["data"], {}), "data: expected a list"),
    (_bad(["data", 0, "pubkey"], "0xzz"), "data[0].pubkey"),
    (_bad(["data", 0, "signed_blocks", 0, "slot"], 1), "data[0].signed_blocks[0].slot"),
    (_bad(["data", 0, "signed_blocks", 0, "slot"], "-1"), "uint64"),
    (_bad(["data", 0, "signed_blocks", 0, "slot"], str(2**64)), "uint64"),
    (_bad(["data", 0, "signed_blocks", 0, "slot"], "9" * 5000), "uint64"),
    (_bad(["data", 0, "signed_blocks", 0, "signing_root"], "0x00"), "signing_root"),
    (_bad(["data", 0, "signed_attestations", 0, "target_epoch"], "0"), "after target_epoch"),
    (_bad(["data", 0, "signed_attestations"], KeyError), "signed_attestations: missing"),
    (_bad(["data", 0, "signed_attestations", 0], "x"), "expected an object"),
])
def test_malformed_interchange_is_a_clear_error(tmp_path, text, needle):
    sp = SlashingProtection(tmp_path / "sp")
    try:
        with pytest.raises(InterchangeError) as e:
            import_interchange(sp, parse_interchange(text), GVR)
        assert needle in str(e.value)
        assert "\n" not in str(e.value)
        assert sp.pubkeys() == []  # nothing written
    finally:
        sp.close()


def test_deep_json_is_refused_even_with_py_ecc_recursion_limit():
    """py_ecc raises the process-wide recursion limit to 100,000 at import; json's C
    scanner then overflowed the C stack on a deeply nested document (a segfault that
    ended the whole test session). Run in a child so a crash is a failure, not the end."""
    import subprocess
    import sys
    code = ("import py_ecc, sys; assert sys.getrecursionlimit() >= 100000\n"
            "from validator.interchange import parse_interchange, InterchangeError\n"
            "try:\n"
            "    parse_interchange('[' * 200000 + ']' * 200000)\n"
            "except InterchangeError as e:\n"
            "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr[-500:]
    assert "nested deeper than" in out.stdout

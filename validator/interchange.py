"""EIP-3076 slashing-protection interchange (format version 5): export and import.

    SlashingProtection (LevelDB) --export--> interchange JSON --import--> SlashingProtection

The JSON (https://eips.ethereum.org/EIPS/eip-3076):

    {"metadata": {"interchange_format_version": "5",
                  "genesis_validators_root": "0x<32 bytes>"},
     "data": [{"pubkey": "0x<48 bytes>",
               "signed_blocks": [{"slot": "81952", "signing_root": "0x.."}],
               "signed_attestations": [{"source_epoch": "2290", "target_epoch": "3007",
                                        "signing_root": "0x.."}]}]}

Integers are decimal strings; `signing_root` is optional. The *complete* form lists
every record; the *minimal* form one block (the highest slot) and one attestation (the
highest source and the highest target, no root) per validator, which is all an
importer needs to stay safe (see the watermark in validator/slashing_protection.py).

Differences from later specs, because this node is phase0 v0.8.4:
- `genesis_validators_root`: v0.8 has no such field in the state. We use the
  hash-tree-root of the genesis *state* (what `genesis quickstart` prints as
  `state_root`, and the `state_root` of the genesis block header); an import whose
  root differs is refused, so histories of another chain cannot be mixed in.
- `signing_root`: v0.8 signs `signing_root(block)` and, for attestations,
  `hash_tree_root(AttestationDataAndCustodyBit)` with the domain as a separate BLS
  input. We record and export the block's signing root and the AttestationData's
  hash-tree-root; roots from another client therefore never match ours, which only
  makes re-signing an imported message impossible (safe).

Every malformed document raises `InterchangeError` naming the JSON path, before anything
is written; each validator's records are then written in one synced batch.

Our own cases (tests/validator/interchange_cases/) follow the official suite's format
(eth-clients/slashing-protection-interchange-tests). Run locally against that suite
(v5.3.0, not vendored here), 36 of its 38 cases pass with the minimal-strategy
expectations; the two others expect re-signing an imported message with its identical
root to be refused, which we allow (it is not slashable, and our own restarts rely on it).
Signing in a gap below an imported maximum is refused (minimal strategy, safe).
"""
from __future__ import annotations

import json
import re

from validator.slashing_protection import SlashingProtection

FORMAT_VERSION = "5"
MAX_BYTES = 256 * 1024 * 1024
# The format nests 4 deep; json's C scanner recurses per level, and with py_ecc's
# process-wide recursion limit of 100,000 a deep enough document overflows the C stack
# (a segfault, not a RecursionError), so depth is checked before parsing.
MAX_DEPTH = 32
_OPEN_OR_CLOSE = re.compile(r'[\[\]{}"\\]')
_HEX = re.compile(r"0x[0-9a-fA-F]*")
_DECIMAL = re.compile(r"[0-9]{1,20}")


class InterchangeError(ValueError):
    """A document that is not a valid version-5 interchange, or not for our chain."""


# --- export -------------------------------------------------------------------------

def export_interchange(protection: SlashingProtection, genesis_root: bytes, *,
                       minimal: bool = False, pubkeys=None) -> dict:
    """The interchange document of `protection`'s history (all validators by default)."""
    data = []
    for pubkey in (protection.pubkeys() if pubkeys is None else [bytes(p) for p in pubkeys]):
        blocks = protection.blocks(pubkey)
        atts = protection.attestations(pubkey)
        mark = protection.watermark(pubkey)
        if minimal:
            blocks = [(max(s for s, _ in blocks), None)] if blocks else []
            sources = [s for s, _, _ in atts] + ([mark[0]] if mark else [])
            targets = [t for _, t, _ in atts] + ([mark[1]] if mark else [])
            atts = [(max(sources), max(targets), None)] if targets else []
        elif mark is not None and not any(t >= mark[1] for _, t, _ in atts):
            atts = atts + [(mark[0], mark[1], None)]  # keep the watermark's information
        data.append({
            "pubkey": _hex(pubkey),
            "signed_blocks": [_with_root({"slot": str(s)}, r) for s, r in blocks],
            "signed_attestations": [
                _with_root({"source_epoch": str(s), "target_epoch": str(t)}, r)
                for s, t, r in atts],
        })
    return {"metadata": {"interchange_format_version": FORMAT_VERSION,
                         "genesis_validators_root": _hex(genesis_root)},
            "data": data}


def _with_root(entry: dict, root: bytes | None) -> dict:
    if root is not None:
        entry["signing_root"] = _hex(root)
    return entry


def _hex(b: bytes) -> str:
    return "0x" + bytes(b).hex()


# --- import -------------------------------------------------------------------------

def parse_interchange(text: str | bytes) -> dict:
    """JSON text -> document, with one-line errors for what `json` cannot read.

    Raises:
        InterchangeError: not JSON, too large, or nested or numeric past the limits.
    """
    if len(text) > MAX_BYTES:
        raise InterchangeError(f"{len(text)} bytes is over the limit of {MAX_BYTES}")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if _nesting(text) > MAX_DEPTH:
        raise InterchangeError(f"not readable JSON: nested deeper than {MAX_DEPTH}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InterchangeError(f"not JSON: {e.msg} (line {e.lineno}, column {e.colno})") from None
    except (RecursionError, ValueError) as e:  # deep nesting; an int past 4300 digits
        raise InterchangeError(f"not readable JSON: {type(e).__name__}") from None


def _nesting(text: str) -> int:
    """Deepest [ or { nesting outside strings, in one pass over the special characters."""
    depth = deepest = 0
    in_string = False
    skip = -1                      # index of a character escaped by a backslash
    for m in _OPEN_OR_CLOSE.finditer(text):
        i, c = m.start(), m.group()
        if i == skip:
            continue
        if in_string:
            if c == "\\":
                skip = i + 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        else:
            depth -= 1
    return deepest


def validate_interchange(doc, genesis_root: bytes) -> list[tuple[bytes, list, list]]:
    """Check `doc` fully; returns [(pubkey, blocks, attestations)] ready to import.

    Raises:
        InterchangeError: names the JSON path of the first problem.
    """
    meta = _field(doc, "metadata", dict, "")
    version = _field(meta, "interchange_format_version", str, "metadata")
    if version != FORMAT_VERSION:
        raise InterchangeError(f"metadata.interchange_format_version: {version!r} is not "
                               f"supported (only {FORMAT_VERSION!r})")
    root = _bytes(_field(meta, "genesis_validators_root", str, "metadata"), 32,
                  "metadata.genesis_validators_root")
    if root != bytes(genesis_root):
        raise InterchangeError(f"metadata.genesis_validators_root: {_hex(root)} is not this "
                               f"chain's ({_hex(genesis_root)}: the genesis state's root)")
    out = []
    for i, entry in enumerate(_field(doc, "data", list, "")):
        where = f"data[{i}]"
        if not isinstance(entry, dict):
            raise InterchangeError(f"{where}: expected an object")
        pubkey = _bytes(_field(entry, "pubkey", str, where), 48, where + ".pubkey")
        blocks = []
        for j, b in enumerate(_field(entry, "signed_blocks", list, where)):
            w = f"{where}.signed_blocks[{j}]"
            if not isinstance(b, dict):
                raise InterchangeError(f"{w}: expected an object")
            blocks.append((_uint(_field(b, "slot", str, w), w + ".slot"), _root(b, w)))
        atts = []
        for j, a in enumerate(_field(entry, "signed_attestations", list, where)):
            w = f"{where}.signed_attestations[{j}]"
            if not isinstance(a, dict):
                raise InterchangeError(f"{w}: expected an object")
            source = _uint(_field(a, "source_epoch", str, w), w + ".source_epoch")
            target = _uint(_field(a, "target_epoch", str, w), w + ".target_epoch")
            if source > target:
                raise InterchangeError(f"{w}: source_epoch {source} is after target_epoch {target}")
            atts.append((source, target, _root(a, w)))
        out.append((pubkey, blocks, atts))
    return out


def import_interchange(protection: SlashingProtection, doc, genesis_root: bytes) -> dict:
    """Validate `doc` completely, then merge it into `protection`.

    Returns counts: {"validators", "blocks", "attestations"}.
    Raises:
        InterchangeError: before anything is written.
    """
    records = validate_interchange(doc, genesis_root)
    for pubkey, blocks, atts in records:
        protection.import_records(pubkey, blocks, atts)
    return {"validators": len({p for p, _, _ in records}),
            "blocks": sum(len(b) for _, b, _ in records),
            "attestations": sum(len(a) for _, _, a in records)}


def _field(obj, name: str, typ, where: str):
    if not isinstance(obj, dict):
        raise InterchangeError(f"{where or 'document'}: expected an object")
    path = f"{where}.{name}" if where else name
    if name not in obj:
        raise InterchangeError(f"{path}: missing")
    value = obj[name]
    if not isinstance(value, typ) or isinstance(value, bool):
        want = {str: "a string", list: "a list", dict: "an object"}[typ]
        raise InterchangeError(f"{path}: expected {want}, got {type(value).__name__}")
    return value


def _uint(text: str, where: str) -> int:
    if not _DECIMAL.fullmatch(text) or int(text) >= 2**64:
        raise InterchangeError(f"{where}: expected a decimal uint64 string, got {text[:40]!r}")
    return int(text)


def _bytes(text: str, length: int, where: str) -> bytes:
    if not _HEX.fullmatch(text) or len(text) != 2 + 2 * length:
        raise InterchangeError(f"{where}: expected 0x and {length} bytes of hex, got {text[:40]!r}")
    return bytes.fromhex(text[2:])


def _root(entry: dict, where: str) -> bytes | None:
    if "signing_root" not in entry or entry["signing_root"] is None:
        return None
    value = entry["signing_root"]
    if not isinstance(value, str):
        raise InterchangeError(f"{where}.signing_root: expected a string")
    root = _bytes(value, 32, where + ".signing_root")
    return None if root == bytes(32) else root

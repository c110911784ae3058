"""Edge validation of block and state ids, before anything reads the chain.

An id is one of `head`, `genesis`, `finalized`, `justified`, a slot in ASCII decimal,
or a 0x-prefixed 32-byte hex root. Anything else is a 400; a valid id that names
nothing is the route's 404.

Slots are matched with an explicit `[0-9]` class on purpose: `str.isdigit()` accepts
'²' and '①' (then `int()` raises), and `int()` and `\\d` accept Arabic-Indic '١' and
fullwidth '１' digits, so a client could name slot 1 in many spellings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from beacon.api.errors import BadRequest

NAMED = ("head", "genesis", "finalized", "justified")
MAX_SLOT = 2**64 - 1

_SLOT = re.compile(r"[0-9]{1,20}")
_ROOT = re.compile(r"0x[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class ChainId:
    """A parsed block or state id: `kind` says which of `name`, `slot`, `root` is set."""
    kind: Literal["named", "slot", "root"]
    name: str = ""
    slot: int = 0
    root: bytes = b""


def parse_id(text: str, what: str = "block_id") -> ChainId:
    """Parse a block or state id from the path.

    Raises:
        BadRequest: not a named id, an ASCII decimal slot below 2**64, or a 0x root.
    """
    if text in NAMED:
        return ChainId("named", name=text)
    if _SLOT.fullmatch(text):
        slot = int(text)
        if slot > MAX_SLOT:
            raise BadRequest(f"invalid {what}: slot {text} does not fit in uint64")
        return ChainId("slot", slot=slot)
    if _ROOT.fullmatch(text):
        return ChainId("root", root=bytes.fromhex(text[2:]))
    raise BadRequest(f"invalid {what} {text[:80]!r}: expected head, genesis, finalized, "
                     "justified, a decimal slot or a 0x-prefixed 32-byte hex root")

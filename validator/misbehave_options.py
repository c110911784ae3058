"""Command-line options of the testnet-only misbehaviours (see validator/misbehave.py).

Kept light (no trio, BLS or SSZ imports) so `beacon-node --help` stays fast.
"""
from __future__ import annotations

import argparse
import enum
from dataclasses import dataclass, field


class Misbehave(enum.Enum):
    DOUBLE_PROPOSE = "double-propose"
    DOUBLE_VOTE = "double-vote"


@dataclass(frozen=True)
class Misbehaviour:
    kinds: frozenset = field(default_factory=frozenset)
    attest_delay: float = 0.0

    def __bool__(self) -> bool:
        return bool(self.kinds) or self.attest_delay > 0


def parse_misbehave(text: str) -> frozenset:
    """`double-propose,double-vote` -> {Misbehave...}.

    Raises:
        argparse.ArgumentTypeError: an unknown or empty name.
    """
    names = [t.strip() for t in text.split(",") if t.strip()]
    known = {m.value: m for m in Misbehave}
    bad = [n for n in names if n not in known]
    if bad or not names:
        raise argparse.ArgumentTypeError(
            f"unknown misbehaviour {', '.join(bad) or repr(text)}; known: {', '.join(known)}")
    return frozenset(known[n] for n in names)


def parse_delay(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"expected seconds between 0 and 3600, got {text!r}")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The hidden testnet-only flags of `beacon-node run`."""
    p.add_argument("--misbehave", type=parse_misbehave, default=frozenset(),
                   help=argparse.SUPPRESS)
    p.add_argument("--attest-delay", type=parse_delay, default=0.0, help=argparse.SUPPRESS)


def from_args(args) -> Misbehaviour:
    return Misbehaviour(frozenset(getattr(args, "misbehave", ()) or ()),
                        float(getattr(args, "attest_delay", 0.0) or 0.0))

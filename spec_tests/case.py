"""One official test case on disk, with loaders for its parts.

Layout: <root>/<config>/phase0/<runner>/<handler>/<suite>/<case>/<part>
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml



class SkipCase(Exception):
    """Raised by a runner that cannot run a case; the reason is printed and counted."""


class CaseFailure(AssertionError):
    """The implementation disagreed with the case."""


@dataclass(frozen=True)
class Case:
    path: Path
    config_name: str  # the directory: general, minimal or mainnet
    runner: str
    handler: str
    suite: str
    name: str

    @property
    def id(self) -> str:
        return f"{self.config_name}/{self.runner}/{self.handler}/{self.suite}/{self.name}"

    def has(self, part: str) -> bool:
        return (self.path / part).exists()

    def parts(self) -> list[str]:
        return sorted(p.name for p in self.path.iterdir())

    def read_bytes(self, part: str) -> bytes:
        return (self.path / part).read_bytes()

    def load_yaml(self, part: str):
        with open(self.path / part) as f:
            return yaml.load(f, Loader=_Loader)

    def load_ssz(self, part: str, typ):
        """Decode `<part>.ssz` as `typ`."""
        from ssz.codec import decode
        return decode(typ, self.read_bytes(part + ".ssz"))

    @functools.cached_property
    def meta(self) -> dict:
        return self.load_yaml("meta.yaml") if self.has("meta.yaml") else {}

    @property
    def bls_setting(self) -> int:
        """0: either way, 1: BLS required, 2: BLS must be off."""
        return int(self.meta.get("bls_setting", 0))


class _Loader(yaml.SafeLoader):
    """Safe loader; the C loader is used when available because the vectors are large."""


try:  # pragma: no cover - depends on the PyYAML build
    class _CLoader(yaml.CSafeLoader):
        pass
    _Loader = _CLoader  # noqa: F811
except AttributeError:
    pass

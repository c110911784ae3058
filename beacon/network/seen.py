"""A bounded set of recently seen roots (oldest forgotten first)."""
from __future__ import annotations

from collections import OrderedDict


class SeenRoots:
    """Membership tests may run in a worker thread while the trio thread adds: a dict
    lookup is atomic in CPython, and only the trio thread ever mutates."""

    def __init__(self, limit: int):
        self.limit = limit
        self._roots: OrderedDict[bytes, None] = OrderedDict()

    def __contains__(self, root) -> bool:
        return bytes(root) in self._roots

    def __len__(self) -> int:
        return len(self._roots)

    def add(self, root: bytes) -> None:
        self._roots[bytes(root)] = None
        while len(self._roots) > self.limit:
            self._roots.popitem(last=False)

"""The byte-stream interface req/resp code is written against.

p2p/host.py adapts libp2p streams to it (translating every libp2p exception into
`p2p.errors.StreamError`); tests can supply in-memory streams. Semantics:

* `read(n)` returns 1..n bytes, or b"" once the remote closed its write side;
* `close_write()` half-closes (the remote then reads EOF) and keeps reading possible;
* `reset()` aborts both directions and never raises;
* `keep_writes_whole()` asks that each later write reach the peer as one transport
  message where the transport has messages (mplex), for peers that read one message as
  one response (p2p/libp2p_patches.py, patch 9); a no-op elsewhere.
"""
from __future__ import annotations

from typing import Protocol


class Stream(Protocol):
    peer_id: str
    protocol: str

    async def read(self, n: int) -> bytes: ...

    async def write(self, data: bytes) -> None: ...

    def keep_writes_whole(self) -> None: ...

    async def close_write(self) -> None: ...

    async def close(self) -> None: ...

    async def reset(self) -> None: ...

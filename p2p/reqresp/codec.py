"""Framing of req/resp messages in the `ssz` encoding (spec v0.8.4 "Encoding strategies").

    request        = varint(len) ++ ssz_payload            then the requester half-closes
    response_chunk = result_byte ++ varint(len) ++ payload  (payload = ErrorMessage if result != 0)

Every length is checked against its limit *before* any payload byte is read, so a peer
cannot make us buffer more than MAX_CHUNK_SIZE; every malformed frame raises
`ProtocolViolation`. Timeouts are the caller's business (client.py / server.py).
"""
from __future__ import annotations

from p2p.errors import ProtocolViolation
from p2p.stream import Stream

_MAX_VARINT_BYTES = 10   # a uint64 needs at most 10 bytes of 7 bits


def encode_varint(n: int) -> bytes:
    if n < 0:
        raise ValueError("varint must be non-negative")
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


class StreamReader:
    """Buffered, limit-checking reads over a `Stream`."""

    def __init__(self, stream: Stream):
        self.stream = stream
        self._buf = bytearray()
        self._eof = False

    async def _fill(self) -> bool:
        if self._eof:
            return False
        data = await self.stream.read(65536)
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    async def at_eof(self) -> bool:
        """True when the remote closed its side and nothing is buffered."""
        while not self._buf:
            if not await self._fill():
                return True
        return False

    async def read_exact(self, n: int, what: str = "payload") -> bytes:
        while len(self._buf) < n:
            if not await self._fill():
                raise ProtocolViolation(f"truncated {what}: {len(self._buf)} of {n} bytes",
                                        peer=self.stream.peer_id, protocol=self.stream.protocol)
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    async def read_to_eof(self, limit: int) -> bytes:
        """Everything until the remote closes; more than `limit` bytes is a violation."""
        while not self._eof and len(self._buf) <= limit:
            await self._fill()
        if len(self._buf) > limit:
            raise ProtocolViolation(f"error message over {limit} bytes",
                                    peer=self.stream.peer_id, protocol=self.stream.protocol)
        out = bytes(self._buf)
        self._buf.clear()
        return out

    async def read_varint(self) -> int:
        value = 0
        for i in range(_MAX_VARINT_BYTES):
            b = (await self.read_exact(1, "length prefix"))[0]
            value |= (b & 0x7F) << (7 * i)
            if not b & 0x80:
                if b == 0 and i:  # found by fuzz/: protobuf varints are minimal
                    raise ProtocolViolation("length prefix is not minimally encoded",
                                            peer=self.stream.peer_id,
                                            protocol=self.stream.protocol)
                return value
        raise ProtocolViolation("length prefix longer than 10 bytes",
                                peer=self.stream.peer_id, protocol=self.stream.protocol)

    async def read_sized(self, limit: int, what: str) -> bytes:
        """varint length then exactly that many bytes; the length must be <= limit."""
        n = await self.read_varint()
        if n > limit:
            raise ProtocolViolation(f"{what} length {n} exceeds limit {limit}",
                                    peer=self.stream.peer_id, protocol=self.stream.protocol)
        return await self.read_exact(n, what)


async def read_request(reader: StreamReader, limit: int) -> bytes:
    """The request payload; the requester must then have half-closed (no trailing bytes)."""
    payload = await reader.read_sized(limit, "request")
    if not await reader.at_eof():
        raise ProtocolViolation("bytes after the request payload",
                                peer=reader.stream.peer_id, protocol=reader.stream.protocol)
    return payload


async def read_chunk(reader: StreamReader, limit: int, error_limit: int
                     ) -> tuple[int, bytes | str] | None:
    """(result, payload) of the next response chunk, or None at a clean end of stream.

    For a non-zero result the payload is the error text (str). Lodestar 2019 sends the
    text with no length prefix (`result ++ utf8`); the spec frames it like any chunk.
    Both end the stream, so we read what is left (bounded) and take whichever fits.
    """
    if await reader.at_eof():
        return None
    code = (await reader.read_exact(1, "result byte"))[0]
    if code == 0:
        return code, await reader.read_sized(limit, "response chunk")
    return code, await read_error_text(reader, error_limit)


async def read_error_text(reader: StreamReader, limit: int) -> str:
    rest = await reader.read_to_eof(limit + _MAX_VARINT_BYTES)
    n, used = _parse_varint(rest)
    if n is not None and used + n == len(rest):
        rest = rest[used:]
    return rest.decode("utf-8", "replace")


def _parse_varint(data: bytes) -> tuple[int | None, int]:
    value = 0
    for i, b in enumerate(data[:_MAX_VARINT_BYTES]):
        value |= (b & 0x7F) << (7 * i)
        if not b & 0x80:
            return value, i + 1
    return None, 0


def frame_request(payload: bytes) -> bytes:
    return encode_varint(len(payload)) + payload


def frame_chunk(code: int, payload: bytes) -> bytes:
    return bytes([code]) + encode_varint(len(payload)) + payload

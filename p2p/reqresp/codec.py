"""Framing of req/resp messages (spec v0.8.4 "Encoding strategies"), in either encoding.

    request        = varint(len(p)) ++ p                 then the requester half-closes
    response_chunk = result_byte ++ varint(len(p)) ++ p  (ErrorMessage if result != 0)
    p              = Encoding.encode_payload(ssz_bytes)  (ssz: as is; ssz_snappy: compressed)

Callers pass the limit of the *SSZ* bytes; each length prefix is checked against the
largest payload that limit allows under the encoding *before* any payload byte is read,
and a snappy block's declared size against the limit before it is inflated (see
p2p/encoding.py), so a peer cannot make us buffer or allocate more than MAX_CHUNK_SIZE.
Every malformed frame raises `ProtocolViolation`. Timeouts are the caller's business
(client.py / server.py).
"""
from __future__ import annotations

from p2p.encoding import Encoding, EncodingError
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


def _decoded(reader: StreamReader, encoding: Encoding, payload: bytes, limit: int) -> bytes:
    try:
        return encoding.decode_payload(payload, limit)
    except EncodingError as e:
        raise ProtocolViolation(str(e), peer=reader.stream.peer_id,
                                protocol=reader.stream.protocol) from None


async def read_request(reader: StreamReader, limit: int,
                       encoding: Encoding = Encoding.SSZ) -> bytes:
    """The request's SSZ bytes (at most `limit`); the requester must then have
    half-closed (no trailing bytes)."""
    payload = await reader.read_sized(encoding.max_payload_size(limit), "request")
    if not await reader.at_eof():
        raise ProtocolViolation("bytes after the request payload",
                                peer=reader.stream.peer_id, protocol=reader.stream.protocol)
    return _decoded(reader, encoding, payload, limit)


async def read_chunk(reader: StreamReader, limit: int, error_limit: int,
                     encoding: Encoding = Encoding.SSZ) -> tuple[int, bytes | str] | None:
    """(result, payload) of the next response chunk, or None at a clean end of stream.

    For a non-zero result the payload is the error text (str). Lodestar 2019 sends the
    text with no length prefix (`result ++ utf8`); the spec frames it like any chunk.
    Both end the stream, so we read what is left (bounded) and take whichever fits.
    """
    if await reader.at_eof():
        return None
    code = (await reader.read_exact(1, "result byte"))[0]
    if code == 0:
        payload = await reader.read_sized(encoding.max_payload_size(limit), "response chunk")
        return code, _decoded(reader, encoding, payload, limit)
    return code, await read_error_text(reader, error_limit, encoding)


async def read_error_text(reader: StreamReader, limit: int,
                          encoding: Encoding = Encoding.SSZ) -> str:
    rest = await reader.read_to_eof(encoding.max_payload_size(limit) + _MAX_VARINT_BYTES)
    n, used = _parse_varint(rest)
    if n is not None and used + n == len(rest):
        rest = rest[used:]
        try:
            rest = encoding.decode_payload(rest, limit)
        except EncodingError:
            pass  # an error text is shown, not trusted: the raw bytes will do
    return rest.decode("utf-8", "replace")


def _parse_varint(data: bytes) -> tuple[int | None, int]:
    value = 0
    for i, b in enumerate(data[:_MAX_VARINT_BYTES]):
        value |= (b & 0x7F) << (7 * i)
        if not b & 0x80:
            return value, i + 1
    return None, 0


def frame_request(payload: bytes, encoding: Encoding = Encoding.SSZ) -> bytes:
    """A request frame around the SSZ bytes `payload`."""
    encoded = encoding.encode_payload(payload)
    return encode_varint(len(encoded)) + encoded


def frame_chunk(code: int, payload: bytes, encoding: Encoding = Encoding.SSZ) -> bytes:
    """A response chunk around `payload` (SSZ bytes, or the error text if code != 0)."""
    encoded = encoding.encode_payload(payload)
    return bytes([code]) + encode_varint(len(encoded)) + encoded

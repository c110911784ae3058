"""Requesting side of req/resp (spec v0.8.4 "Requesting side").

    open stream -> varint+payload -> half-close -> first byte within TTFB_TIMEOUT
      -> each chunk within RESP_TIMEOUT -> decode -> close (reset on any failure)

Raises only `p2p.errors` types: TTFBTimeout, ResponseTimeout, ProtocolViolation,
ErrorResponse, UnsupportedProtocol, DialError, StreamError.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

import trio

from p2p.encoding import Encoding
from p2p.errors import ErrorResponse, ProtocolViolation, ResponseTimeout, TTFBTimeout
from p2p.messages import MAX_CHUNK_SIZE, MAX_ERROR_MESSAGE_SIZE, MAX_REQUEST_BLOCKS
from p2p.reqresp.codec import StreamReader, frame_request, read_chunk
from p2p.reqresp.protocols import Framing, Method, Timeouts
from p2p.stream import Stream
from ssz.codec import SSZDecodeError, decode

OpenStream = Callable[[str, str], Awaitable[Stream]]


async def request(open_stream: OpenStream, peer: str, method: Method, payload: bytes,
                  response_type: Any, *, max_items: int = 1,
                  timeouts: Timeouts = Timeouts(), framing: Framing | None = None,
                  encoding: Encoding = Encoding.SSZ) -> list[Any]:
    """Send one request and return the decoded response items.

    Args:
        open_stream: async (peer_id, protocol_id) -> Stream.
        response_type: SSZ type of one item (SINGLE/CHUNKED) or of the list (SSZ_LIST).
        max_items: most chunks accepted (CHUNKED); more is a protocol violation.
        framing: how the peer frames this method's response (its `Dialect`); the
            method's own spec framing when None. An SSZ_LIST response may also come
            as a one-field container (Trinity 2019): tried when the bare list fails.
        encoding: the protocol id's encoding; request and response both use it.
    """
    framing = framing or method.framing
    protocol = method.protocol_id_for(encoding)
    stream = await open_stream(peer, protocol)
    ok = False
    try:
        with trio.fail_after(timeouts.resp):
            await stream.write(frame_request(payload, encoding))
            await stream.close_write()
        reader = StreamReader(stream)
        with trio.move_on_after(timeouts.ttfb) as ttfb:
            await reader.at_eof()
        if ttfb.cancelled_caught:
            raise TTFBTimeout(f"no response to {method.message_name} within {timeouts.ttfb}s",
                              peer=peer, protocol=protocol)
        items = []
        limit = 1 if framing is not Framing.CHUNKED else max_items
        # A chunk is bounded by what its type can encode to, so a snappy block that
        # declares more is refused before it is inflated.
        chunk_size = min(MAX_CHUNK_SIZE, response_type.max_byte_length())
        while True:
            try:
                with trio.fail_after(timeouts.resp):
                    chunk = await read_chunk(reader, chunk_size + len(WRAP_PREFIX),
                                             MAX_ERROR_MESSAGE_SIZE, encoding)
            except trio.TooSlowError:
                raise ResponseTimeout(f"{method.message_name} chunk took over {timeouts.resp}s",
                                      peer=peer, protocol=protocol) from None
            if chunk is None:
                break
            code, data = chunk
            if code != 0:
                raise ErrorResponse(code, data, peer=peer, protocol=protocol)
            if len(items) >= limit:
                raise ProtocolViolation(f"more than {limit} response chunks", peer=peer,
                                        protocol=protocol)
            try:
                items.append(_decode_item(response_type, data, framing))
            except SSZDecodeError as e:
                raise ProtocolViolation(f"undecodable response: {e}", peer=peer,
                                        protocol=protocol) from None
            if framing is not Framing.CHUNKED:
                break   # single chunk: read exactly that many bytes, then stop (spec)
        if framing is Framing.SINGLE and not items:
            raise ProtocolViolation("empty response", peer=peer, protocol=protocol)
        if framing is Framing.SSZ_LIST:
            items = list(items[0]) if items else []
            if len(items) > max_items:
                raise ProtocolViolation(f"more than {max_items} items", peer=peer,
                                        protocol=protocol)
        ok = True
        return items
    finally:
        if ok:
            with trio.move_on_after(1):
                await stream.close()
        else:
            await stream.reset()


def _decode_item(typ: Any, data: bytes, framing: Framing) -> Any:
    try:
        return decode(typ, data)
    except SSZDecodeError:
        if framing is not Framing.SSZ_LIST or data[:4] != WRAP_PREFIX:
            raise
    # Strict decoding tells the two shapes apart: a wrapped list read as a bare one
    # would put a block's fixed part 4 bytes off, and its body offset check fails.
    return decode(typ, unwrap(data))


# A one-field container holding a variable-size field is that field behind a 4-byte
# offset of 4 (Trinity 2019 encodes its single-field messages this way).
WRAP_PREFIX = (4).to_bytes(4, "little")


def wrap(payload: bytes) -> bytes:
    return WRAP_PREFIX + payload


def unwrap(payload: bytes) -> bytes:
    """The field of a one-field container; SSZDecodeError if `payload` is not one."""
    if payload[:4] != WRAP_PREFIX:
        raise SSZDecodeError("not a one-field container: first offset is not 4")
    return payload[4:]


def looks_wrapped_roots(payload: bytes) -> bool:
    """A by-root request as a one-field container: offset 4, then whole 32-byte roots.
    A bare root list is a multiple of 32 bytes, so the two never collide."""
    return len(payload) % 32 == 4 and payload[:4] == WRAP_PREFIX


def block_list_type(block_type: Any) -> Any:
    from remerkleable.complex import List
    return List[block_type, MAX_REQUEST_BLOCKS]

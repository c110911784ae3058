r"""Serving req/resp: read one request, answer, close (spec v0.8.4 "Responding side").

    stream --read_request (RESP_TIMEOUT)--> decode --> method handler --> chunk(s) --> close
              \ framing/SSZ error: result 1 + ErrorMessage, peer penalised
              \ chain raised: result 2 + ErrorMessage
              \ timeout / stream error: reset, peer penalised

Handlers never raise to the caller for anything a peer can cause; `host._guard` still
catches our own bugs.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

import trio

from p2p.api import ChainInterface
from p2p.encoding import Encoding
from p2p.errors import InvalidRequest, ProtocolViolation, StreamError
from p2p.messages import (
    MAX_CHUNK_SIZE, MAX_ERROR_MESSAGE_SIZE, MAX_REQUEST_BLOCKS, BeaconBlocksRequest,
    BlockRootsRequest, Goodbye, Hello, ResultCode, Status, hello_from_status,
    status_from_hello,
)
from p2p.peers import PeerAction, PeerManager
from p2p.reqresp.client import WRAP_PREFIX, looks_wrapped_roots, unwrap, wrap
from p2p.reqresp.codec import StreamReader, frame_chunk, read_request
from p2p.reqresp.protocols import Dialect, Framing, Method, Timeouts
from p2p.stream import Stream
from ssz.codec import SSZDecodeError, decode

log = logging.getLogger(__name__)

OnStatus = Callable[[str, Status, Method], Awaitable[None]]
OnGoodbye = Callable[[str, int], None]
LearnDialect = Callable[[str], Awaitable[None]]
# How long a block request from a peer of unknown dialect waits for our handshake.
LEARN_DIALECT_WAIT = 3.0

# Request payload limits: a fixed-size container or a bounded list of roots.
_REQUEST_LIMIT = {
    Method.STATUS: 84, Method.HELLO: 84, Method.GOODBYE: 8,
    Method.BLOCKS_BY_RANGE: 56, Method.BEACON_BLOCKS: 56,
    Method.BLOCKS_BY_ROOT: 32 * MAX_REQUEST_BLOCKS,
    Method.RECENT_BEACON_BLOCKS: 32 * MAX_REQUEST_BLOCKS,
}
_REQUEST_TYPE = {
    Method.STATUS: Status, Method.HELLO: Hello, Method.GOODBYE: Goodbye,
    Method.BLOCKS_BY_RANGE: BeaconBlocksRequest, Method.BEACON_BLOCKS: BeaconBlocksRequest,
    Method.BLOCKS_BY_ROOT: BlockRootsRequest, Method.RECENT_BEACON_BLOCKS: BlockRootsRequest,
}


_ROOTS_METHODS = (Method.BLOCKS_BY_ROOT, Method.RECENT_BEACON_BLOCKS)
_BLOCK_METHODS = _ROOTS_METHODS + (Method.BLOCKS_BY_RANGE, Method.BEACON_BLOCKS)

# Concurrent requests one peer may have us work on; more are answered "rate limited".
MAX_INFLIGHT_PER_PEER = 32


def error_payload(message: str) -> bytes:
    return message.encode("utf-8", "replace")[:MAX_ERROR_MESSAGE_SIZE]


class ReqRespServer:
    def __init__(self, chain: ChainInterface, types: Any, *, peers: PeerManager,
                 on_status: OnStatus, on_goodbye: OnGoodbye,
                 timeouts: Timeouts = Timeouts(), learn_dialect: LearnDialect | None = None):
        self.chain = chain
        self.types = types
        self.peers = peers
        self.report = peers.report
        self.learn_dialect = learn_dialect
        self.on_status = on_status
        self.on_goodbye = on_goodbye
        self.timeouts = timeouts
        self.served = 0
        self.rate_limited = 0
        self.max_inflight = MAX_INFLIGHT_PER_PEER
        self._inflight: dict[str, int] = {}

    def our_status(self) -> Status:
        s = self.chain.status()
        return Status(head_fork_version=self.chain.fork_version, finalized_root=s.finalized_root,
                      finalized_epoch=s.finalized_epoch, head_root=s.head_root,
                      head_slot=s.head_slot)

    async def handle(self, method: Method, stream: Stream,
                     encoding: Encoding = Encoding.SSZ) -> None:
        """Serve one request of `method` arriving on `stream` in `encoding` (the
        protocol id the stream was opened with); the answer uses the same encoding."""
        peer = stream.peer_id
        inflight = self._inflight.get(peer, 0)
        if inflight >= self.max_inflight:
            # A burst from one peer costs us one small write per excess stream, not a
            # decode and a chain query each.
            self.rate_limited += 1
            await self._respond_error(stream, ResultCode.SERVER_ERROR, "rate limited", encoding)
            return
        self._inflight[peer] = inflight + 1
        try:
            await self._handle(method, stream, peer, encoding)
        finally:
            left = self._inflight[peer] - 1
            if left:
                self._inflight[peer] = left
            else:
                del self._inflight[peer]

    async def _handle(self, method: Method, stream: Stream, peer: str,
                      encoding: Encoding) -> None:
        try:
            with trio.fail_after(self.timeouts.resp):
                payload = await read_request(StreamReader(stream),
                                             _REQUEST_LIMIT[method] + len(WRAP_PREFIX), encoding)
            wrapped = method in _ROOTS_METHODS and looks_wrapped_roots(payload)
            if wrapped:
                payload = unwrap(payload)
            elif len(payload) > _REQUEST_LIMIT[method]:
                raise ProtocolViolation(f"request length {len(payload)} exceeds limit "
                                        f"{_REQUEST_LIMIT[method]}")
            request = decode(_REQUEST_TYPE[method], payload)
        except trio.TooSlowError:
            self.report(peer, PeerAction.TIMEOUT, f"{method.message_name}: request not sent in time")
            await stream.reset()
            return
        except StreamError:
            await stream.reset()
            return
        except (ProtocolViolation, SSZDecodeError) as e:
            self.report(peer, PeerAction.PROTOCOL_VIOLATION, f"{method.message_name}: {e}")
            await self._respond_error(stream, ResultCode.INVALID_REQUEST, str(e), encoding)
            return
        if method in _BLOCK_METHODS and self.peers.record(peer).dialect is None and \
                self.learn_dialect is not None:
            # A block request before any status/hello (Lodestar 2019 asks for a gossip
            # block's parent at once): its framing depends on the dialect, so learn it
            # first rather than answer v0.8.4 chunks a hello-speaker cannot decode.
            with trio.move_on_after(min(LEARN_DIALECT_WAIT, self.timeouts.resp / 2)):
                await self.learn_dialect(peer)
        dialect = self._learn(peer, method, wrapped)
        if dialect.whole_messages:
            stream.keep_writes_whole()
        try:
            chunks = await self._answer(method, peer, request, dialect)
        except InvalidRequest as e:
            self.report(peer, PeerAction.INVALID_REQUEST, f"{method.message_name}: {e}")
            await self._respond_error(stream, ResultCode.INVALID_REQUEST, str(e), encoding)
            return
        except Exception as e:  # noqa: BLE001 - a chain failure is a server error, not fatal
            log.exception("serving %s to %s failed", method.message_name, peer)
            await self._respond_error(stream, ResultCode.SERVER_ERROR, type(e).__name__, encoding)
            return
        try:
            for chunk in chunks:
                await stream.write(frame_chunk(ResultCode.SUCCESS, chunk, encoding))
            await stream.close()
            self.served += 1
        except StreamError:
            # The peer vanished mid-response: nothing to answer, nothing to penalise.
            await stream.reset()
        if method in (Method.STATUS, Method.HELLO):
            await self.on_status(peer, request if method is Method.STATUS
                                 else status_from_hello(request), method)

    async def _respond_error(self, stream: Stream, code: ResultCode, message: str,
                             encoding: Encoding = Encoding.SSZ) -> None:
        try:
            with trio.fail_after(self.timeouts.resp):
                await stream.write(frame_chunk(code, error_payload(message), encoding))
                await stream.close()
        except (StreamError, trio.TooSlowError):
            await stream.reset()

    def _learn(self, peer: str, method: Method, wrapped: bool) -> Dialect:
        """The dialect to answer `peer` in, refined by what this request shows.

        The block-list methods decide the framing: a peer that said hello and asks
        beacon_blocks_by_* wants the v0.8.3 one-list answer under the v0.8.4 name
        (Lodestar 2019). A peer we know nothing of yet gets the v0.8.4 text."""
        rec = self.peers.record(peer)
        known = rec.dialect
        if method not in _BLOCK_METHODS:
            return known or Dialect.V084
        if method in (Method.BEACON_BLOCKS, Method.RECENT_BEACON_BLOCKS):
            dialect = Dialect.V083_WRAPPED if wrapped or known is Dialect.V083_WRAPPED \
                else Dialect.V083
        elif known is not None and known.speaks_hello:
            dialect = Dialect.HYBRID
        else:
            return Dialect.V084
        # A status speaker that also uses a v0.8.3 name keeps its v0.8.4 dialect.
        if dialect is not known and (known is None or known.speaks_hello):
            log.info("peer %s speaks %s (asked %s)", peer, dialect.value, method.message_name)
            rec.dialect = dialect
        return dialect

    async def _answer(self, method: Method, peer: str, request: Any,
                      dialect: Dialect) -> list[bytes]:
        """SSZ payloads of the response chunks. Raises InvalidRequest."""
        if method is Method.STATUS:
            return [self.our_status().encode_bytes()]
        if method is Method.HELLO:
            return [hello_from_status(self.our_status()).encode_bytes()]
        if method is Method.GOODBYE:
            self.on_goodbye(peer, int(request))
            return [Goodbye(int(request)).encode_bytes()]
        if method in (Method.BLOCKS_BY_RANGE, Method.BEACON_BLOCKS):
            if request.step < 1:
                raise InvalidRequest("step must be at least 1")
            if request.count > MAX_REQUEST_BLOCKS:
                raise InvalidRequest(f"count above {MAX_REQUEST_BLOCKS}")
            blocks = list(self.chain.blocks_by_range(
                bytes(request.head_block_root), int(request.start_slot), int(request.count),
                int(request.step)))[:int(request.count)]
        else:
            roots = [bytes(r) for r in request]
            found = list(self.chain.blocks_by_root(roots))
            if method is Method.RECENT_BEACON_BLOCKS:
                # v0.8.3: same length as the request, unknown blocks left as SSZ-empty.
                blocks = [b if b is not None else self.types.BeaconBlock() for b in found]
            else:
                blocks = [b for b in found if b is not None]
        if dialect.list_framing is Framing.SSZ_LIST:
            encoded = _encode_list_within(self.types.BeaconBlock, blocks)
            return [wrap(encoded) if dialect.wraps_single_field else encoded]
        return [enc for enc in (b.encode_bytes() for b in blocks) if len(enc) <= MAX_CHUNK_SIZE]


def _encode_list_within(block_type: Any, blocks: list) -> bytes:
    """v0.8.3 single-list response, truncated to the blocks that fit one chunk."""
    from remerkleable.complex import List
    # Room for a wrapping offset and the chunk's code and length: the whole frame must fit
    # one mplex message for the peers that read it as one (p2p/libp2p_patches.py, patch 9).
    encoded, total = [], 4 + 8
    for b in blocks:
        enc = b.encode_bytes()
        if total + len(enc) + 4 > MAX_CHUNK_SIZE:
            break
        encoded.append(b)
        total += len(enc) + 4
    return List[block_type, MAX_REQUEST_BLOCKS](*encoded).encode_bytes()

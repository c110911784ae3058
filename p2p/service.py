"""The P2P service: host + req/resp + gossip + handshake + peers, as one trio service.

    svc = P2PService(identity, chain, wire, config)   # wire: beacon.protocol's Wire
    await nursery.start(svc.run)     # ready: listening, handlers set, topics subscribed
    svc.listen_addrs / svc.blocks_by_range(peer, ...) / svc.publish(...)
    svc.gossip_messages: accepted gossip, only with P2PConfig(deliver_gossip=True)

Connection events drive the handshake (we dialed -> send status) and the inbound limit;
static peers are redialed with backoff; banned peers are disconnected. On shutdown we
say goodbye(CLIENT_SHUTDOWN) to every peer under a shielded timeout.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Sequence

import trio

from p2p.api import ChainInterface, GossipMessage, Wire
from p2p.encoding import Encoding
from p2p.errors import (
    ErrorResponse, P2PError, ProtocolViolation, ReqRespError, ResponseTimeout, StreamError,
    TTFBTimeout, UnsupportedProtocol,
)
from p2p.gossip import Gossip, Topic
from p2p.handshake import Handshake
from p2p.host import HostConfig, open_host
from p2p.identity import Identity
from p2p.messages import (
    BeaconBlocksRequest, BlockRootsRequest, Goodbye, GoodbyeReason, Hello, Status,
    hello_from_status, status_from_hello,
)
from p2p.peers import PeerAction, PeerLimits, PeerManager, redial_forever
from p2p.reqresp import client
from p2p.reqresp.protocols import (
    HANDSHAKE_ORDER, Dialect, Framing, Method, Timeouts,
)
from p2p.reqresp.server import ReqRespServer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class P2PConfig:
    host: HostConfig = field(default_factory=HostConfig)
    static_peers: tuple[str, ...] = ()
    limits: PeerLimits = field(default_factory=PeerLimits)
    timeouts: Timeouts = field(default_factory=Timeouts)
    dialects: tuple[Dialect, ...] = HANDSHAKE_ORDER
    gossip_queue: int = 1024
    # Hand accepted gossip to `gossip_messages` too (tests, benchmarks); a node acts in
    # its topic validators and leaves this off, so nothing decodes a message twice.
    deliver_gossip: bool = False
    # A peer that dialed us and sent no status/hello by then gets ours (Trinity 2019
    # never sends one when it dials).
    inbound_handshake_grace: float = 3.0
    # Encoding of the requests we send. The 2019 interop clients speak only `ssz`; every
    # encoding of the protocol (Wire.encodings) is served.
    request_encoding: Encoding = Encoding.SSZ


class P2PService:
    def __init__(self, identity: Identity, chain: ChainInterface, wire: Wire,
                 config: P2PConfig = P2PConfig()):
        self.identity = identity
        self.chain = chain
        self.wire = wire
        self.types = wire.types
        self.config = config
        self.peers = PeerManager(config.limits)
        self.host: Any = None
        self.gossip: Gossip | None = None
        self.listen_addrs: list[str] = []
        self.gossip_messages: trio.MemoryReceiveChannel | None = None
        self._gossip_send: trio.MemorySendChannel | None = None
        if config.deliver_gossip:
            self._gossip_send, self.gossip_messages = \
                trio.open_memory_channel[GossipMessage](config.gossip_queue)
        self.server = ReqRespServer(chain, self.types, peers=self.peers,
                                    on_status=self._on_status, on_goodbye=self._on_goodbye,
                                    timeouts=config.timeouts, learn_dialect=self.ensure_dialect)
        self._handshaking: dict[str, trio.Event] = {}   # one handshake per peer at a time
        self.handshake = Handshake(chain, self.peers, self.request_status, self.say_goodbye,
                                   config.dialects)

    @property
    def peer_id(self) -> str:
        return self.identity.peer_id

    async def run(self, *, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
        async with open_host(self.identity, self.config.host) as (host, events):
            self.host = host
            host.on_handler_error = lambda peer, e: self.peers.report(
                peer, PeerAction.PROTOCOL_VIOLATION, f"handler error {type(e).__name__}")
            for method in self.wire.methods:
                for encoding in self.wire.encodings:
                    host.set_handler(method.protocol_id_for(encoding),
                                     self._handler(method, encoding))
            self.gossip = Gossip(host.pubsub, self.wire, self.peers, self.peer_id)
            self.listen_addrs = host.listen_addrs
            try:
                async with trio.open_nursery() as nursery:
                    await nursery.start(self.gossip.run, self._gossip_send)
                    nursery.start_soon(self._events, events, nursery)
                    nursery.start_soon(self.peers.run_bans, self.say_goodbye_fault)
                    for maddr in self.config.static_peers:
                        nursery.start_soon(redial_forever, host.dial, host.is_connected, maddr,
                                           self.config.limits)
                    task_status.started()
            finally:
                with trio.CancelScope(shield=True), trio.move_on_after(2):
                    async with trio.open_nursery() as n:
                        for peer in host.connected_peers():
                            n.start_soon(self._goodbye_quietly, peer,
                                         GoodbyeReason.CLIENT_SHUTDOWN)

    def _handler(self, method: Method, encoding: Encoding = Encoding.SSZ):
        async def handle(stream: Any) -> None:
            await self.server.handle(method, stream, encoding)
        return handle

    async def _events(self, events: trio.MemoryReceiveChannel, nursery: trio.Nursery) -> None:
        async for ev in events:
            if not ev.connected:
                if not self.host.is_connected(ev.peer_id):  # its last connection
                    log.info("peer %s disconnected", ev.peer_id)
                    self.peers.disconnected(ev.peer_id)
                continue
            if self.peers.is_banned(ev.peer_id):
                nursery.start_soon(self.host.disconnect, ev.peer_id)
                continue
            rec = self.peers.record(ev.peer_id)
            rec.outbound = ev.outbound
            if ev.outbound:
                nursery.start_soon(self.ensure_dialect, ev.peer_id)
            else:
                nursery.start_soon(self._handshake_if_silent, ev.peer_id)
            if not ev.outbound and self.peers.inbound_count(self.host.connected_peers()) > \
                    self.config.limits.max_inbound:
                log.info("inbound limit reached; dropping %s", ev.peer_id)
                nursery.start_soon(self.host.disconnect, ev.peer_id)

    async def _handshake_if_silent(self, peer: str) -> None:
        await trio.sleep(self.config.inbound_handshake_grace)
        rec = self.peers.records.get(peer)
        if rec is not None and rec.status is None and self.host.is_connected(peer):
            await self.ensure_dialect(peer)

    async def ensure_dialect(self, peer: str) -> None:
        """Run our side of the handshake unless the peer's dialect is known already.

        Concurrent callers (the connection event, a request that arrived first) share
        one handshake; entries leave the map when it ends, so it holds only peers
        being handshaken."""
        rec = self.peers.record(peer)
        if rec.dialect is not None and rec.status is not None:
            return
        running = self._handshaking.get(peer)
        if running is not None:
            await running.wait()
            return
        done = self._handshaking[peer] = trio.Event()
        try:
            await self.handshake.dialed(peer)
        finally:
            done.set()
            del self._handshaking[peer]

    async def _on_status(self, peer: str, status: Status, method: Method) -> None:
        await self.handshake.answered(peer, status, method)

    def _on_goodbye(self, peer: str, reason: int) -> None:
        log.info("peer %s said goodbye (%d)", peer, reason)

    # --- requests ------------------------------------------------------------------
    async def _request(self, peer: str, method: Method, payload: bytes, typ: Any,
                       max_items: int = 1, framing: Any = None, report: bool = True) -> list:
        try:
            return await client.request(self.host.open_stream, peer, method, payload, typ,
                                        max_items=max_items, timeouts=self.config.timeouts,
                                        framing=framing, encoding=self.config.request_encoding)
        except (TTFBTimeout, ResponseTimeout) as e:
            if report:
                self.peers.report(peer, PeerAction.TIMEOUT, str(e))
            raise
        except ProtocolViolation as e:
            if report:
                self.peers.report(peer, PeerAction.PROTOCOL_VIOLATION, str(e))
            raise

    def dialect(self, peer: str) -> Dialect:
        rec = self.peers.records.get(peer)
        return rec.dialect if rec is not None and rec.dialect is not None else Dialect.V084

    async def request_status(self, peer: str, dialect: Dialect | None = None) -> Status:
        dialect = dialect or self.dialect(peer)
        ours = self.server.our_status()
        if not dialect.speaks_hello:
            (status,) = await self._request(peer, Method.STATUS, ours.encode_bytes(), Status)
            return status
        (hello,) = await self._request(peer, Method.HELLO,
                                       hello_from_status(ours).encode_bytes(), Hello)
        return status_from_hello(hello)

    async def blocks_by_range(self, peer: str, head_root: bytes, start_slot: int, count: int,
                              step: int = 1) -> list:
        req = BeaconBlocksRequest(head_block_root=head_root, start_slot=start_slot,
                                  count=count, step=step).encode_bytes()
        return await self._block_request(peer, lambda d: d.by_range, lambda d: req, count)

    async def blocks_by_root(self, peer: str, roots: Sequence[bytes]) -> list:
        """Blocks the peer has among `roots` (v0.8.3 empty placeholders are dropped)."""
        bare = BlockRootsRequest(*roots).encode_bytes()
        blocks = await self._block_request(
            peer, lambda d: d.by_root,
            lambda d: client.wrap(bare) if d.wraps_single_field else bare, len(roots))
        empty = self.types.BeaconBlock().hash_tree_root()
        return [b for b in blocks if b.hash_tree_root() != empty]

    async def _block_request(self, peer: str, method_of, payload_of, count: int) -> list:
        """One block request in the peer's dialect, learning the dialect on the way.

        A hello-speaking peer serves either the v0.8.3 names or the v0.8.4 ones (with
        v0.8.3 shapes): an `na` on one means the other. A v0.8.3 peer that refuses a
        bare single-field request may want it wrapped (Trinity 2019). Probing costs the
        peer no score; only the final failure does."""
        rec = self.peers.record(peer)
        dialect = rec.dialect or Dialect.V084
        tried: set[Dialect] = set()
        while True:
            tried.add(dialect)
            method = method_of(dialect)
            item_type = (self.types.BeaconBlock if dialect.list_framing is not
                         Framing.SSZ_LIST else client.block_list_type(self.types.BeaconBlock))
            nxt = _next_dialect(dialect, method)
            try:
                blocks = await self._request(peer, method, payload_of(dialect), item_type,
                                             max_items=count, framing=dialect.list_framing,
                                             report=nxt is None or nxt in tried)
            except UnsupportedProtocol:
                if not dialect.speaks_hello:
                    raise
                nxt = Dialect.HYBRID if dialect is not Dialect.HYBRID else Dialect.V083
                if nxt in tried:
                    raise
            except (ErrorResponse, ProtocolViolation, StreamError, TTFBTimeout):
                # Trinity 2019 resets the stream on a request it cannot decode, which
                # reaches us as a reset or as silence until TTFB_TIMEOUT.
                if nxt is None or nxt in tried:
                    raise
            else:
                if rec.dialect is not dialect:
                    log.info("peer %s speaks %s", peer, dialect.value)
                    rec.dialect = dialect
                return blocks
            dialect = nxt

    async def say_goodbye(self, peer: str, reason: GoodbyeReason) -> None:
        """Send goodbye (best effort, short timeouts) and disconnect."""
        await self._goodbye_quietly(peer, reason)
        await self.host.disconnect(peer)

    async def say_goodbye_fault(self, peer: str) -> None:
        await self.say_goodbye(peer, GoodbyeReason.FAULT_ERROR)

    async def _goodbye_quietly(self, peer: str, reason: GoodbyeReason) -> None:
        with trio.move_on_after(1):
            try:
                await client.request(self.host.open_stream, peer, Method.GOODBYE,
                                     Goodbye(int(reason)).encode_bytes(), Goodbye,
                                     timeouts=Timeouts(ttfb=0.5, resp=0.5))
            except (P2PError, ReqRespError):
                pass

    # --- gossip --------------------------------------------------------------------
    async def publish(self, topic: Topic, value: Any) -> None:
        await self.gossip.publish(topic, value)

    async def dial(self, maddr: str) -> str:
        return await self.host.dial(maddr)


def _next_dialect(dialect: Dialect, method: Method) -> Dialect | None:
    """What to try after `dialect` failed to decode or was refused, if anything."""
    if dialect is Dialect.V083 and method is Method.RECENT_BEACON_BLOCKS:
        return Dialect.V083_WRAPPED
    return None

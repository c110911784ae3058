"""The P2P service: host + req/resp + gossip + handshake + peers, as one trio service.

    svc = P2PService(identity, chain, types, config)
    await nursery.start(svc.run)     # ready: listening, handlers set, topics subscribed
    svc.listen_addrs / svc.gossip_messages / svc.blocks_by_range(peer, ...) / svc.publish(...)

Connection events drive the handshake (we dialed -> send status) and the inbound limit;
static peers are redialed with backoff; banned peers are disconnected. On shutdown we
say goodbye(CLIENT_SHUTDOWN) to every peer under a shielded timeout.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Sequence

import trio

from p2p.api import ChainInterface, GossipMessage
from p2p.errors import P2PError, ProtocolViolation, ReqRespError, TTFBTimeout, ResponseTimeout
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
from p2p.reqresp.protocols import ALL, Method, NameSet, Timeouts
from p2p.reqresp.server import ReqRespServer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class P2PConfig:
    host: HostConfig = field(default_factory=HostConfig)
    static_peers: tuple[str, ...] = ()
    limits: PeerLimits = field(default_factory=PeerLimits)
    timeouts: Timeouts = field(default_factory=Timeouts)
    name_sets: tuple[NameSet, ...] = (NameSet.V084, NameSet.V083)
    gossip_queue: int = 1024


class P2PService:
    def __init__(self, identity: Identity, chain: ChainInterface, types: Any,
                 config: P2PConfig = P2PConfig()):
        self.identity = identity
        self.chain = chain
        self.types = types
        self.config = config
        self.peers = PeerManager(config.limits)
        self.host: Any = None
        self.gossip: Gossip | None = None
        self.listen_addrs: list[str] = []
        send, self.gossip_messages = trio.open_memory_channel[GossipMessage](config.gossip_queue)
        self._gossip_send = send
        self.server = ReqRespServer(chain, types, report=self.peers.report,
                                    on_status=self._on_status, on_goodbye=self._on_goodbye,
                                    timeouts=config.timeouts)
        self.handshake = Handshake(chain, self.peers, self.request_status, self.say_goodbye,
                                   config.name_sets)

    @property
    def peer_id(self) -> str:
        return self.identity.peer_id

    async def run(self, *, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
        async with open_host(self.identity, self.config.host) as (host, events):
            self.host = host
            host.on_handler_error = lambda peer, e: self.peers.report(
                peer, PeerAction.PROTOCOL_VIOLATION, f"handler error {type(e).__name__}")
            for method in ALL:
                host.set_handler(method.protocol_id, self._handler(method))
            self.gossip = Gossip(host.pubsub, self.types, self.peers, self.peer_id)
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

    def _handler(self, method: Method):
        async def handle(stream: Any) -> None:
            await self.server.handle(method, stream)
        return handle

    async def _events(self, events: trio.MemoryReceiveChannel, nursery: trio.Nursery) -> None:
        async for ev in events:
            if not ev.connected:
                continue
            if self.peers.is_banned(ev.peer_id):
                nursery.start_soon(self.host.disconnect, ev.peer_id)
                continue
            rec = self.peers.record(ev.peer_id)
            rec.outbound = ev.outbound
            if ev.outbound:
                nursery.start_soon(self.handshake.dialed, ev.peer_id)
            elif self.peers.inbound_count(self.host.connected_peers()) > \
                    self.config.limits.max_inbound:
                log.info("inbound limit reached; dropping %s", ev.peer_id)
                nursery.start_soon(self.host.disconnect, ev.peer_id)

    async def _on_status(self, peer: str, status: Status, method: Method) -> None:
        await self.handshake.answered(peer, status, method)

    def _on_goodbye(self, peer: str, reason: int) -> None:
        log.info("peer %s said goodbye (%d)", peer, reason)

    # --- requests ------------------------------------------------------------------
    async def _request(self, peer: str, method: Method, payload: bytes, typ: Any,
                       max_items: int = 1) -> list:
        try:
            return await client.request(self.host.open_stream, peer, method, payload, typ,
                                        max_items=max_items, timeouts=self.config.timeouts)
        except (TTFBTimeout, ResponseTimeout) as e:
            self.peers.report(peer, PeerAction.TIMEOUT, str(e))
            raise
        except ProtocolViolation as e:
            self.peers.report(peer, PeerAction.PROTOCOL_VIOLATION, str(e))
            raise

    def _name_set(self, peer: str) -> NameSet:
        rec = self.peers.records.get(peer)
        return rec.name_set if rec is not None and rec.name_set is not None else NameSet.V084

    async def request_status(self, peer: str, name_set: NameSet | None = None) -> Status:
        name_set = name_set or self._name_set(peer)
        ours = self.server.our_status()
        if name_set is NameSet.V084:
            (status,) = await self._request(peer, Method.STATUS, ours.encode_bytes(), Status)
            return status
        (hello,) = await self._request(peer, Method.HELLO,
                                       hello_from_status(ours).encode_bytes(), Hello)
        return status_from_hello(hello)

    async def blocks_by_range(self, peer: str, head_root: bytes, start_slot: int, count: int,
                              step: int = 1) -> list:
        name_set = self._name_set(peer)
        req = BeaconBlocksRequest(head_block_root=head_root, start_slot=start_slot,
                                  count=count, step=step).encode_bytes()
        if name_set is NameSet.V084:
            return await self._request(peer, Method.BLOCKS_BY_RANGE, req,
                                       self.types.BeaconBlock, max_items=count)
        return await self._request(peer, Method.BEACON_BLOCKS, req,
                                   client.block_list_type(self.types.BeaconBlock),
                                   max_items=count)

    async def blocks_by_root(self, peer: str, roots: Sequence[bytes]) -> list:
        """Blocks the peer has among `roots` (v0.8.3 empty placeholders are dropped)."""
        req = BlockRootsRequest(*roots).encode_bytes()
        if self._name_set(peer) is NameSet.V084:
            return await self._request(peer, Method.BLOCKS_BY_ROOT, req,
                                       self.types.BeaconBlock, max_items=len(roots))
        blocks = await self._request(peer, Method.RECENT_BEACON_BLOCKS, req,
                                     client.block_list_type(self.types.BeaconBlock),
                                     max_items=len(roots))
        empty = self.types.BeaconBlock().hash_tree_root()
        return [b for b in blocks if b.hash_tree_root() != empty]

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

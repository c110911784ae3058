"""Status/hello handshake (spec v0.8.4 "Status", v0.8.3 "Hello").

The dialer sends status (or hello, for a v0.8.3 peer) right after connecting; the other
side answers with its own (p2p/reqresp/server.py) and both sides check what they got:

    fork version differs                         -> goodbye(IRRELEVANT_NETWORK), disconnect
    peer's finalized (root, epoch) not our chain -> goodbye(IRRELEVANT_NETWORK), disconnect
    otherwise                                    -> keep the status in the peer record (sync)
"""
from __future__ import annotations

import logging
from typing import Awaitable, Callable

from p2p.api import ChainInterface
from p2p.errors import P2PError, UnsupportedProtocol
from p2p.messages import GoodbyeReason, Status
from p2p.peers import PeerManager
from p2p.reqresp.protocols import HANDSHAKE_ORDER, Dialect, Method

log = logging.getLogger(__name__)

SendStatus = Callable[[str, Dialect], Awaitable[Status]]
SayGoodbye = Callable[[str, GoodbyeReason], Awaitable[None]]


def check_status(chain: ChainInterface, status: Status) -> GoodbyeReason | None:
    """The goodbye reason this status earns, or None when the peer is relevant."""
    if bytes(status.head_fork_version) != bytes(chain.fork_version):
        return GoodbyeReason.IRRELEVANT_NETWORK
    if not chain.is_on_chain(bytes(status.finalized_root), int(status.finalized_epoch)):
        return GoodbyeReason.IRRELEVANT_NETWORK
    return None


class Handshake:
    def __init__(self, chain: ChainInterface, peers: PeerManager, send_status: SendStatus,
                 say_goodbye: SayGoodbye, dialects: tuple[Dialect, ...] = HANDSHAKE_ORDER):
        self.chain = chain
        self.peers = peers
        self.send_status = send_status
        self.say_goodbye = say_goodbye
        self.dialects = dialects

    async def dialed(self, peer_id: str) -> Status | None:
        """Send status, falling back to hello for v0.8.3 peers.

        Runs when we dialed, and also when a peer dialed us but sent no status of its
        own within a grace period (Trinity 2019 answers hello but never sends one)."""
        for dialect in self.dialects:
            try:
                status = await self.send_status(peer_id, dialect)
            except UnsupportedProtocol:
                continue
            except P2PError as e:
                log.info("handshake with %s failed: %s", peer_id, e)
                return None
            rec = self.peers.record(peer_id)
            if rec.dialect is None or rec.dialect.speaks_hello != dialect.speaks_hello:
                rec.dialect = dialect
            await self.received(peer_id, status)
            return status
        log.info("peer %s speaks neither status nor hello", peer_id)
        await self.say_goodbye(peer_id, GoodbyeReason.IRRELEVANT_NETWORK)
        return None

    async def answered(self, peer_id: str, status: Status, method: Method) -> None:
        """The peer sent us its status/hello (our server already answered)."""
        rec = self.peers.record(peer_id)
        if rec.dialect is None:
            rec.dialect = Dialect.V084 if method is Method.STATUS else Dialect.V083
        await self.received(peer_id, status)

    async def received(self, peer_id: str, status: Status) -> None:
        self.peers.record(peer_id).status = status
        reason = check_status(self.chain, status)
        if reason is not None:
            log.info("peer %s is irrelevant (%s)", peer_id, reason.name)
            await self.say_goodbye(peer_id, reason)

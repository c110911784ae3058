"""The node's side of the p2p layer: P2PService + topic handlers + sync, wired together.

    P2PService ──gossip──> topics.GossipBoundary ──> BlockTopic / AttestationTopic /
         │                                            OperationTopic ──> chain task
         ├── req/resp server reads chain_view.SnapshotChainView
         ├── handshake statuses ──> SyncService (range sync from peers ahead)
         └── req/resp client <── SyncService (ranges, parent lookups by root)

`Network` is what the rest of the node sees: identity, peer list, publish, requests.
No libp2p type crosses it. Peer policy lives here too: statuses are re-asked every
`STATUS_REFRESH_SLOTS` so a node that fell behind notices and syncs.
"""
from __future__ import annotations

import logging
import os

import trio

from beacon.network.attestation_topic import AttestationTopic
from beacon.network.block_topic import BlockTopic
from beacon.network.chain_view import SnapshotChainView
from beacon.network.operation_topic import operation_topics
from beacon.network.signature_batch import SignatureBatch
from beacon.network.sync import SyncService
from beacon.network.topics import GossipBoundary, register
from beacon.protocol import DEFAULT as DEFAULT_PROTOCOL
from p2p.errors import P2PError
from p2p.gossip import Topic
from p2p.host import HostConfig
from p2p.identity import load_or_create
from p2p.service import P2PConfig, P2PService

log = logging.getLogger(__name__)

STATUS_REFRESH_SLOTS = 8  # re-ask peers' status this often, to notice we fell behind


def parse_listen(maddr: str) -> tuple[str, int]:
    parts = maddr.strip("/").split("/")
    return parts[1], int(parts[3])


class Network:
    def __init__(self, config, service: P2PService, sync: SyncService, metrics=None):
        self.config = config
        self.svc = service
        self.sync = sync
        self.metrics = metrics

    # --- views -----------------------------------------------------------------
    def identity(self) -> dict:
        return {"peer_id": self.svc.peer_id, "p2p_addresses": list(self.svc.listen_addrs)}

    def peer_list(self) -> list[dict]:
        out = []
        host = self.svc.host
        for peer in (host.connected_peers() if host else []):
            rec = self.svc.peers.records.get(peer)
            out.append({"peer_id": peer, "last_seen_p2p_address": "",
                        "state": "connected",
                        "direction": "outbound" if rec and rec.outbound else "inbound"})
        return out

    # --- publishing --------------------------------------------------------------
    async def publish(self, topic: Topic, value) -> None:
        """Publish under every name of `topic`; a failure loses this message only."""
        try:
            await self.svc.publish(topic, value)
        except Exception as e:  # noqa: BLE001 - py-libp2p's pubsub.publish raises its own
            # untranslated errors (no peers, closed streams); any of them loses this one
            # message, which is already imported here, and must not cost the caller's duty.
            log.warning("publishing on %s failed: %s: %s", topic.topic_id, type(e).__name__, e)
            return
        if self.metrics:
            self.metrics.gossip_messages_published_total.inc(topic=topic.topic_id)

    # --- requests (used by SyncService) ------------------------------------------
    async def request_blocks_by_range(self, peer, head_root, start_slot, count, step):
        return await self.svc.blocks_by_range(peer, head_root, start_slot, count, step)

    async def request_blocks_by_root(self, peer, roots):
        return await self.svc.blocks_by_root(peer, roots)

    # --- peer policy ---------------------------------------------------------------
    async def watch_peers(self, clock) -> None:
        """Feed handshake statuses to sync; refresh statuses now and then."""
        seen: dict[str, int] = {}
        async for slot in clock.slots():
            host = self.svc.host
            connected = host.connected_peers() if host else []
            seen = {p: s for p, s in seen.items() if p in connected}  # gone peers: forgotten
            if self.metrics:
                self.metrics.libp2p_peers.set(len(connected))
                outbound = sum(1 for p in connected
                               if (r := self.svc.peers.records.get(p)) and r.outbound)
                self.metrics.libp2p_peers_by_direction.set(outbound, direction="outbound")
                self.metrics.libp2p_peers_by_direction.set(len(connected) - outbound,
                                                           direction="inbound")
            for peer in connected:
                rec = self.svc.peers.records.get(peer)
                if rec is None or rec.status is None:
                    continue
                if slot - seen.get(peer, -STATUS_REFRESH_SLOTS) >= STATUS_REFRESH_SLOTS:
                    seen[peer] = slot
                    if slot > 0:
                        await self._refresh_status(peer)
                    st = rec.status
                    self.sync.on_peer_status(peer, int(st.head_slot), bytes(st.head_root))

    async def _refresh_status(self, peer: str) -> None:
        with trio.move_on_after(5):
            try:
                self.svc.peers.record(peer).status = await self.svc.request_status(peer)
            except P2PError as e:
                log.debug("status refresh from %s failed: %s", peer, e)


async def start_network(nursery, options, cs, pool, metrics, clock) -> Network:
    """Start the p2p service and its node-side tasks in `nursery`; returns the Network."""
    config = options.config
    ip, port = parse_listen(options.listen)
    key = options.p2p_key
    if key is not None and os.path.isfile(key):
        key = open(key).read().strip()
    identity = load_or_create(options.datadir, key)
    p2p_config = P2PConfig(host=HostConfig(listen_ip=ip, port=port),
                           static_peers=tuple(options.peers))
    svc = P2PService(identity, SnapshotChainView(config, cs), DEFAULT_PROTOCOL.wire(config),
                     p2p_config)
    sync = SyncService(config, cs, None)
    network = Network(config, svc, sync, metrics)
    sync.network = network
    batch = SignatureBatch()
    await nursery.start(batch.run)
    await nursery.start(svc.run)
    boundary = GossipBoundary(svc.peers, metrics)
    cs.feedback = boundary.after_import
    blocks = BlockTopic(config, cs, clock)
    # Set before the first message can be processed: nothing awaited since `started`.
    register(svc.gossip, boundary, [blocks, AttestationTopic(config, cs, clock, blocks, batch),
                                    *operation_topics(cs, pool)])
    await nursery.start(sync.run)
    nursery.start_soon(network.watch_peers, clock)
    return network

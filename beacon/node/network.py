"""The node's side of the p2p layer: P2PService + gossip rules + sync, wired together.

    P2PService ──gossip (validated by GossipRules before forwarding)──> chain task
         │   └──accepted messages channel──> drained here (metrics)
         ├── handshake statuses ──> SyncService (range sync from peers ahead)
         └── req/resp client <── SyncService (ranges, parent lookups by root)

`Network` is what the rest of the node sees: identity, peer list, publish, requests,
close. No libp2p type crosses it; p2p errors are caught in SyncService.
"""
from __future__ import annotations

import logging
import os

import trio

from beacon.node.gossip_rules import GossipRules, Verdict
from beacon.node.p2p_chain import P2PChain
from beacon.node.sync import SyncService
from beacon.types import get_types
from p2p.api import ValidationResult
from p2p.gossip import Topic
from p2p.host import HostConfig
from p2p.identity import load_or_create
from p2p.service import P2PConfig, P2PService

log = logging.getLogger(__name__)

_VERDICT = {Verdict.ACCEPT: ValidationResult.ACCEPT, Verdict.IGNORE: ValidationResult.IGNORE,
            Verdict.REJECT: ValidationResult.REJECT}
STATUS_REFRESH_SLOTS = 8  # re-ask peers' status this often, to notice we fell behind


def parse_listen(maddr: str) -> tuple[str, int]:
    parts = maddr.strip("/").split("/")
    return parts[1], int(parts[3])


class Network:
    def __init__(self, config, service: P2PService, rules: GossipRules, sync: SyncService,
                 metrics=None):
        self.config = config
        self.svc = service
        self.rules = rules
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
    async def publish_block(self, block) -> None:
        await self._publish(Topic.BEACON_BLOCK, block)

    async def publish_attestation(self, attestation) -> None:
        await self._publish(Topic.BEACON_ATTESTATION, attestation)

    async def _publish(self, topic: Topic, value) -> None:
        try:
            await self.svc.publish(topic, value)
        except Exception as e:  # a publish failure loses one message, not the node
            log.warning("publishing on %s failed: %s", topic.topic_id, e)
            return
        if self.metrics:
            self.metrics.gossip_messages_published_total.inc(topic=topic.topic_id)

    # --- requests (used by SyncService) ------------------------------------------
    async def request_blocks_by_range(self, peer, head_root, start_slot, count, step):
        return await self.svc.blocks_by_range(peer, head_root, start_slot, count, step)

    async def request_blocks_by_root(self, peer, roots):
        return await self.svc.blocks_by_root(peer, roots)

    async def close(self) -> None:
        """Goodbyes are sent by P2PService's own shutdown path; nothing else to do."""

    # --- tasks -------------------------------------------------------------------
    def _validator(self, topic: Topic):
        async def validate(value, peer: str) -> ValidationResult:
            if self.metrics:
                self.metrics.gossip_messages_received_total.inc(topic=topic.topic_id)
            if topic is Topic.BEACON_BLOCK:
                verdict = await self.rules.block(value, peer)
            elif topic is Topic.BEACON_ATTESTATION:
                verdict = await self.rules.attestation(value, peer)
            else:
                verdict = await self.rules.operation(topic.name.lower(), value, peer)
            if verdict is Verdict.REJECT and self.metrics:
                self.metrics.gossip_messages_rejected_total.inc(topic=topic.topic_id)
            return _VERDICT[verdict]
        return validate

    async def drain_deliveries(self) -> None:
        """Accepted messages were already imported by validation; keep the channel moving."""
        async for _ in self.svc.gossip_messages:
            pass

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
            except Exception as e:
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
    svc = P2PService(identity, P2PChain(config, cs.chain), get_types(config), p2p_config)
    rules = GossipRules(config, cs, clock, pool, metrics)
    sync = SyncService(config, cs, None)
    network = Network(config, svc, rules, sync, metrics)
    sync.network = network
    await nursery.start(svc.run)
    # Set before the first message can be processed: nothing awaited since `started`.
    for topic in Topic:
        svc.gossip.set_validator(topic, network._validator(topic))
    await nursery.start(sync.run)
    nursery.start_soon(network.drain_deliveries)
    nursery.start_soon(network.watch_peers, clock)
    return network

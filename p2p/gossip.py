"""Gossip domain: the five eth2 topics over gossipsub /meshsub/1.0.0 (spec v0.8.4).

    peer --RPC--> pubsub (frame <= GOSSIP_MAX_SIZE + envelope, signature)
         --> _validate: size <= GOSSIP_MAX_SIZE, SSZ decodes, chain validator(topic)
               ACCEPT: forwarded by gossipsub, queued on our subscription
               IGNORE: dropped          REJECT: dropped, sender charged INVALID_MESSAGE
         --> drain: subscription queue --> bridge to the topic's other names
                    (--> `GossipMessage` channel, only for a consumer that asked: tests)

Validation runs inside pubsub before it forwards anything, so a rejected message never
leaves this node. The validator is where a node acts on a message (the node's chain
imports what its validator accepted); the subscription queue is drained only because
py-libp2p queues every accepted message there, and nothing is decoded a second time.
Our own publishes skip the chain validator (we produced them) but still pass the size
and decode checks.

Topic dialects. The v0.8.x text names topics `/eth2/beacon_block/ssz`; Trinity 2019 uses
the bare `beacon_block` and `beacon_attestation`, and publishes unsigned messages. We
subscribe to both names, publish our own messages on both, and bridge: a message
accepted on one name is republished (by us, signed) on the other names of its topic, so
peers that share no topic name still hear each other through us. A bounded set of
content hashes ends any loop between two bridging nodes.
"""
from __future__ import annotations

import enum
import hashlib
import logging
from collections import OrderedDict
from typing import Any

import trio

from p2p.api import GossipMessage, GossipValidator, ValidationResult
from p2p.messages import GOSSIP_MAX_SIZE
from p2p.peers import PeerAction, PeerManager
from ssz.codec import SSZDecodeError, decode

log = logging.getLogger(__name__)


class Topic(enum.Enum):
    # (spec topic id, SSZ type, other names peers use for the same topic)
    BEACON_BLOCK = ("/eth2/beacon_block/ssz", "BeaconBlock", ("beacon_block",))
    BEACON_ATTESTATION = ("/eth2/beacon_attestation/ssz", "Attestation",
                          ("beacon_attestation",))
    VOLUNTARY_EXIT = ("/eth2/voluntary_exit/ssz", "VoluntaryExit", ())
    PROPOSER_SLASHING = ("/eth2/proposer_slashing/ssz", "ProposerSlashing", ())
    ATTESTER_SLASHING = ("/eth2/attester_slashing/ssz", "AttesterSlashing", ())

    @property
    def topic_id(self) -> str:
        """The v0.8.x spec name."""
        return self.value[0]

    @property
    def type_name(self) -> str:
        return self.value[1]

    @property
    def topic_ids(self) -> tuple[str, ...]:
        """Every name the topic travels under: the spec one first, then the aliases."""
        return (self.value[0],) + self.value[2]


# Topic names whose messages arrive unsigned (Trinity 2019 signs nothing); pubsub's
# strict signing is relaxed for these names only (p2p/libp2p_patches.py).
UNSIGNED_TOPIC_IDS = frozenset(alias for t in Topic for alias in t.value[2])
# Content hashes remembered for bridging: a few slots of blocks and attestations.
BRIDGE_SEEN = 8192


class GossipTooLarge(ValueError):
    """We refuse to publish a message over GOSSIP_MAX_SIZE (spec: MUST NOT emit)."""


class Gossip:
    """Topic subscriptions, per-topic validation and delivery over one libp2p pubsub."""

    def __init__(self, pubsub: Any, types: Any, peers: PeerManager, my_peer_id: str,
                 validators: dict[Topic, GossipValidator] | None = None):
        self.pubsub = pubsub
        self.types = types
        self.peers = peers
        self.my_peer_id = my_peer_id
        self.validators = dict(validators or {})
        self.counts = {r: 0 for r in ValidationResult}
        self.bridged = 0
        self._seen: OrderedDict[bytes, None] = OrderedDict()
        pubsub.p2p_on_violation = lambda peer: peers.report(
            peer, PeerAction.PROTOCOL_VIOLATION, "malformed gossipsub frame")

    def set_validator(self, topic: Topic, validator: GossipValidator) -> None:
        self.validators[topic] = validator

    async def _validate(self, topic: Topic, forwarder: str, data: bytes) -> ValidationResult:
        if len(data) > GOSSIP_MAX_SIZE:
            return ValidationResult.REJECT
        try:
            value = decode(self.types.by_name(topic.type_name), data)
        except SSZDecodeError:
            return ValidationResult.REJECT
        if forwarder == self.my_peer_id:
            return ValidationResult.ACCEPT
        validator = self.validators.get(topic)
        if validator is None:
            return ValidationResult.ACCEPT
        try:
            return await validator(value, forwarder)
        except Exception:  # noqa: BLE001 - our bug must not penalise the peer nor kill pubsub
            log.exception("gossip validator for %s failed", topic.topic_id)
            return ValidationResult.IGNORE

    def _pubsub_validator(self, topic: Topic):
        async def validate(forwarder: Any, msg: Any) -> bool:
            peer = forwarder.to_base58()
            result = await self._validate(topic, peer, bytes(msg.data))
            self.counts[result] += 1
            if result is ValidationResult.REJECT and peer != self.my_peer_id:
                self.peers.report(peer, PeerAction.INVALID_MESSAGE, topic.topic_id)
            return result is ValidationResult.ACCEPT
        return validate

    async def run(self, deliver: trio.MemorySendChannel | None = None, *,
                  task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
        """Subscribe to every topic name; drain and bridge accepted messages.

        Args:
            deliver: if given, accepted messages are also sent there (lazily decoded),
                with back-pressure; for observers such as tests and benchmarks.
        """
        async with trio.open_nursery() as nursery:
            for topic in Topic:
                for topic_id in topic.topic_ids:
                    self.pubsub.set_topic_validator(topic_id, self._pubsub_validator(topic),
                                                    True)
                    sub = await self.pubsub.subscribe(topic_id)
                    nursery.start_soon(self._drain, topic, topic_id, sub,
                                       None if deliver is None else deliver.clone())
            task_status.started()
        if deliver is not None:
            await deliver.aclose()

    async def _drain(self, topic: Topic, topic_id: str, sub: Any,
                     deliver: trio.MemorySendChannel | None) -> None:
        typ = self.types.by_name(topic.type_name)
        while True:
            try:
                msg = await sub.get()
            except (trio.EndOfChannel, trio.ClosedResourceError):
                break
            data = bytes(msg.data)
            source = _source(msg, self.my_peer_id)
            if source != self.my_peer_id and len(topic.topic_ids) > 1:
                await self._bridge(topic, topic_id, data)
            if deliver is not None:
                await deliver.send(GossipMessage(topic.topic_id, typ, data, source))
        if deliver is not None:
            await deliver.aclose()

    def _first_sight(self, data: bytes) -> bool:
        key = hashlib.sha256(data).digest()
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > BRIDGE_SEEN:
            self._seen.popitem(last=False)
        return True

    async def _bridge(self, topic: Topic, arrived_on: str, data: bytes) -> None:
        if not self._first_sight(data):
            return
        for topic_id in topic.topic_ids:
            if topic_id != arrived_on:
                self.bridged += 1
                try:
                    await self.pubsub.publish(topic_id, data)
                except Exception as e:  # noqa: BLE001 - a failed relay must not end the pump
                    log.warning("bridging to %s failed: %s: %s", topic_id, type(e).__name__, e)

    async def publish(self, topic: Topic, value: Any) -> None:
        """Publish under every name of `topic`. Raises GossipTooLarge when oversized."""
        data = value.encode_bytes()
        if len(data) > GOSSIP_MAX_SIZE:
            raise GossipTooLarge(f"{len(data)} bytes > {GOSSIP_MAX_SIZE}")
        self._first_sight(data)
        for topic_id in topic.topic_ids:
            await self.pubsub.publish(topic_id, data)


def _source(msg: Any, default: str) -> str:
    from p2p.identity import b58encode
    return b58encode(bytes(msg.from_id)) if msg.from_id else default

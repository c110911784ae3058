"""Gossip domain: the eth2 topics over gossipsub /meshsub/1.0.0 (spec v0.8.4).

    peer --RPC--> pubsub (frame <= GOSSIP_MAX_SIZE + envelope, signature)
         --> _validate: size bound, encoding (ssz | ssz_snappy), strict SSZ decode,
                        chain validator(topic)
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

Topic names come from the protocol (`p2p.api.Wire`): `/eth2/<name>/<encoding>` for each
encoding it serves (`ssz`, and `ssz_snappy`, which the v0.8.3 text allows and mainnet
requires). Trinity 2019 uses the bare `beacon_block` and `beacon_attestation` (plain
ssz) and publishes unsigned messages. We subscribe to every name, and bridge: a message
accepted on one name is republished (by us, signed, re-encoded) on the other names of
its topic that some peer listens to and has not been sent it under another name, so
peers that share no topic name still hear each other through us, and peers that share
several get each message once. A bounded set of SSZ content hashes ends any loop.
"""
from __future__ import annotations

import enum
import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import trio

from p2p.api import GossipMessage, GossipValidator, ValidationResult, Wire
from p2p.encoding import Encoding, EncodingError
from p2p.gossip_encoding import decode_message, topic_name
from p2p.messages import GOSSIP_MAX_SIZE
from p2p.peers import PeerAction, PeerManager
from ssz.codec import SSZDecodeError

log = logging.getLogger(__name__)


class Topic(enum.Enum):
    # (topic name, bare names the 2019 clients use for it, in plain ssz)
    BEACON_BLOCK = ("beacon_block", ("beacon_block",))
    BEACON_ATTESTATION = ("beacon_attestation", ("beacon_attestation",))
    VOLUNTARY_EXIT = ("voluntary_exit", ())
    PROPOSER_SLASHING = ("proposer_slashing", ())
    ATTESTER_SLASHING = ("attester_slashing", ())

    @property
    def topic_name(self) -> str:
        return self.value[0]

    @property
    def topic_id(self) -> str:
        """The spec id in plain ssz: the topic's label in logs and metrics."""
        return topic_name(self.value[0], Encoding.SSZ)

    @property
    def bare_ids(self) -> tuple[str, ...]:
        return self.value[1]


@dataclass(frozen=True)
class TopicId:
    """One name a topic travels under, and the encoding of its messages there."""
    topic: Topic
    id: str
    encoding: Encoding


def topic_ids(topic: Topic, wire: Wire) -> list[TopicId]:
    """Every name of `topic` under `wire`: the spec ids (first encoding first), then the
    bare names."""
    ids = [TopicId(topic, wire.topic_id(topic.topic_name, e), e) for e in wire.encodings]
    ids += [TopicId(topic, bare, Encoding.SSZ) for bare in topic.bare_ids]
    return ids


# Topic names whose messages arrive unsigned (Trinity 2019 signs nothing); pubsub's
# strict signing is relaxed for these names only (p2p/libp2p_patches.py).
UNSIGNED_TOPIC_IDS = frozenset(bare for t in Topic for bare in t.bare_ids)
# Content hashes remembered for bridging: a few slots of blocks and attestations.
BRIDGE_SEEN = 8192


class GossipTooLarge(ValueError):
    """We refuse to publish a message over GOSSIP_MAX_SIZE (spec: MUST NOT emit)."""


class Gossip:
    """Topic subscriptions, per-topic validation and delivery over one libp2p pubsub."""

    def __init__(self, pubsub: Any, wire: Wire, peers: PeerManager, my_peer_id: str,
                 validators: dict[Topic, GossipValidator] | None = None):
        self.pubsub = pubsub
        self.peers = peers
        self.my_peer_id = my_peer_id
        self.validators = dict(validators or {})
        self.counts = {r: 0 for r in ValidationResult}
        self.bridged = 0
        # Only the topics the protocol has; each with its container and its names.
        self.topics = [t for t in Topic if t.topic_name in wire.topics]
        self.types = {t: wire.types.by_name(wire.topics[t.topic_name]) for t in self.topics}
        self.ids = {t: topic_ids(t, wire) for t in self.topics}
        self._seen: OrderedDict[bytes, None] = OrderedDict()
        pubsub.p2p_on_violation = lambda peer: peers.report(
            peer, PeerAction.PROTOCOL_VIOLATION, "malformed gossipsub frame")

    def set_validator(self, topic: Topic, validator: GossipValidator) -> None:
        self.validators[topic] = validator

    async def _validate(self, where: TopicId, forwarder: str, data: bytes) -> ValidationResult:
        try:
            value = decode_message(self.types[where.topic], data, where.encoding)
        except (EncodingError, SSZDecodeError):
            return ValidationResult.REJECT
        if forwarder == self.my_peer_id:
            return ValidationResult.ACCEPT
        validator = self.validators.get(where.topic)
        if validator is None:
            return ValidationResult.ACCEPT
        try:
            return await validator(value, forwarder)
        except Exception:  # noqa: BLE001 - our bug must not penalise the peer nor kill pubsub
            log.exception("gossip validator for %s failed", where.id)
            return ValidationResult.IGNORE

    def _pubsub_validator(self, where: TopicId):
        async def validate(forwarder: Any, msg: Any) -> bool:
            peer = forwarder.to_base58()
            result = await self._validate(where, peer, bytes(msg.data))
            self.counts[result] += 1
            if result is ValidationResult.REJECT and peer != self.my_peer_id:
                self.peers.report(peer, PeerAction.INVALID_MESSAGE, where.id)
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
            for topic in self.topics:
                for where in self.ids[topic]:
                    self.pubsub.set_topic_validator(where.id, self._pubsub_validator(where),
                                                    True)
                    sub = await self.pubsub.subscribe(where.id)
                    nursery.start_soon(self._drain, where, sub,
                                       None if deliver is None else deliver.clone())
            task_status.started()
        if deliver is not None:
            await deliver.aclose()

    async def _drain(self, where: TopicId, sub: Any,
                     deliver: trio.MemorySendChannel | None) -> None:
        typ = self.types[where.topic]
        while True:
            try:
                msg = await sub.get()
            except (trio.EndOfChannel, trio.ClosedResourceError):
                break
            data = bytes(msg.data)
            source = _source(msg, self.my_peer_id)
            # Validation proved the data decodes (only snappy needs inflating again), but
            # pubsub queues what a validator-less name let through: never die on it.
            try:
                ssz = where.encoding.decode_payload(data, GOSSIP_MAX_SIZE)
            except EncodingError:
                continue
            if source != self.my_peer_id:
                await self._bridge(where, ssz)
            if deliver is not None:
                await deliver.send(GossipMessage(where.id, typ, ssz, source))
        if deliver is not None:
            await deliver.aclose()

    def _first_sight(self, ssz: bytes) -> bool:
        key = hashlib.sha256(ssz).digest()
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > BRIDGE_SEEN:
            self._seen.popitem(last=False)
        return True

    def _names_to_send(self, topic: Topic, covered: set, first: TopicId | None = None):
        """`first` (if given), then each name of `topic` that some peer listens on whom
        the names before it (and the peers in `covered`) do not reach."""
        for where in self.ids[topic]:
            listeners = set(self.pubsub.peer_topics.get(where.id, ()))
            if where is first or listeners - covered:
                covered |= listeners
                yield where

    async def _bridge(self, arrived: TopicId, ssz: bytes) -> None:
        if not self._first_sight(ssz):
            return
        # Whoever listens on the name it came by has it (gossipsub forwards it there).
        covered = set(self.pubsub.peer_topics.get(arrived.id, ()))
        for where in self._names_to_send(arrived.topic, covered):
            self.bridged += 1
            try:
                await self.pubsub.publish(where.id, where.encoding.encode_payload(ssz))
            except Exception as e:  # noqa: BLE001 - a failed relay must not end the pump
                log.warning("bridging to %s failed: %s: %s", where.id, type(e).__name__, e)

    async def publish(self, topic: Topic, value: Any) -> None:
        """Publish on the topic's first name, and on each other name that reaches a peer
        the names before it did not. Raises GossipTooLarge when oversized."""
        ssz = value.encode_bytes()
        if len(ssz) > GOSSIP_MAX_SIZE:
            raise GossipTooLarge(f"{len(ssz)} bytes > {GOSSIP_MAX_SIZE}")
        self._first_sight(ssz)
        for where in self._names_to_send(topic, set(), first=self.ids[topic][0]):
            await self.pubsub.publish(where.id, where.encoding.encode_payload(ssz))


def _source(msg: Any, default: str) -> str:
    from p2p.identity import b58encode
    return b58encode(bytes(msg.from_id)) if msg.from_id else default

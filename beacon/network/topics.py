"""The gossip boundary: one handler per topic, and the one place verdicts are made.

    pubsub ─> p2p.gossip (size, SSZ decode) ─> GossipBoundary.validator(handler)
                 handler.validate(value, peer)   returns: ACCEPT (forward)
                                                 raises: ChainError / GossipError
                 error.gossip ─> ValidationResult (QUEUE forwards nothing: IGNORE)
    chain task (after the import of a forwarded message) ─> GossipBoundary.after_import
                 error.peer ─> PeerManager.report(PeerAction[error.peer.name])

A REJECT verdict is charged INVALID_MESSAGE by p2p.gossip itself (libp2p semantics of
REJECT), so `after_import` only charges what is found once the message has gone on:
a block whose proposer signature held but whose state transition fails.

Handlers are registered by topic in `register`; every `p2p.gossip.Topic` must have
exactly one, so a new topic cannot be forgotten.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Protocol

from beacon.chain.errors import ChainError, GossipAction, PeerEffect
from beacon.network.errors import GossipError
from p2p.api import GossipValidator, ValidationResult
from p2p.gossip import Topic
from p2p.peers import PeerAction, PeerManager

log = logging.getLogger(__name__)

_RESULT = {GossipAction.ACCEPT: ValidationResult.ACCEPT,
           GossipAction.IGNORE: ValidationResult.IGNORE,
           GossipAction.REJECT: ValidationResult.REJECT,
           GossipAction.QUEUE: ValidationResult.IGNORE}


class TopicHandler(Protocol):
    topic: Topic

    async def validate(self, value: Any, peer: str) -> None:
        """Return to forward `value`; raise a ChainError or GossipError otherwise."""


class GossipBoundary:
    def __init__(self, peers: PeerManager, metrics=None):
        self.peers = peers
        self.metrics = metrics

    def validator(self, handler: TopicHandler) -> GossipValidator:
        topic_id = handler.topic.topic_id

        async def validate(value: Any, peer: str) -> ValidationResult:
            if self.metrics:
                self.metrics.gossip_messages_received_total.inc(topic=topic_id)
            try:
                await handler.validate(value, peer)
                action = GossipAction.ACCEPT
            except (ChainError, GossipError) as e:
                action = e.gossip
                log.debug("gossip %s from %s: %s %s", topic_id, peer, action.value, e)
            if action is GossipAction.REJECT and self.metrics:
                self.metrics.gossip_messages_rejected_total.inc(topic=topic_id)
            return _RESULT[action]
        return validate

    def after_import(self, error: ChainError, peer: Any) -> None:
        """The chain task's feedback on a message already forwarded (or our own)."""
        if peer is None or error.peer is PeerEffect.NONE:
            return
        self.peers.report(peer, PeerAction[error.peer.name], str(error))


def register(gossip: Any, boundary: GossipBoundary, handlers: Iterable[TopicHandler]) -> None:
    """Set one validator per topic on `gossip` (p2p.gossip.Gossip).

    Raises:
        ValueError: a topic has no handler, or two.
    """
    by_topic: dict[Topic, TopicHandler] = {}
    for handler in handlers:
        if handler.topic in by_topic:
            raise ValueError(f"two handlers for {handler.topic.topic_id}")
        by_topic[handler.topic] = handler
    missing = [t.topic_id for t in Topic if t not in by_topic]
    if missing:
        raise ValueError(f"no gossip handler for {', '.join(missing)}")
    for topic, handler in by_topic.items():
        gossip.set_validator(topic, boundary.validator(handler))

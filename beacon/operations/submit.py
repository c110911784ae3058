"""Operations from outside (the Beacon API): check on the head state, pool, publish.

    POST /eth/v1/beacon/pool/<kind> -> submit_operation -> check_operation(head state)
        -> OperationPool.add_* -> gossip (the kind's topic)

The node side (`NodeView.submit_operation`, `pooled_operations`) runs `check_and_pool`
in the chain's worker thread and then `publish_operation`.
"""
from __future__ import annotations

import logging

from beacon.operations.check import add_to_pool, check_operation

log = logging.getLogger(__name__)


def check_and_pool(config, head_state, pool, kind: str, op) -> None:
    """Check `op` against `head_state` and pool it (the node runs this in the chain's
    worker thread: a state transition on a copy, and the pool's one writer).

    Raises:
        OperationRejected: it does not apply to the head state (nothing pooled).
    """
    check_operation(config, head_state, kind, op)
    add_to_pool(pool, kind, op)
    log.info("pooled %s from the API", kind)


async def publish_operation(network, kind: str, op) -> None:
    """Publish `op` on its gossip topic (beacon.network.service.Network); each kind is
    named as its topic is."""
    from p2p.gossip import Topic
    await network.publish(next(t for t in Topic if t.topic_name == kind), op)


async def submit_operation(config, head_state, pool, network, kind: str, op) -> None:
    """Check, pool and publish in one go (callers without a chain task: tests).

    Raises:
        OperationRejected: it does not apply to the head state (nothing pooled or sent).
    """
    check_and_pool(config, head_state, pool, kind, op)
    if network is not None:
        await publish_operation(network, kind, op)


def pooled_operations(pool, kind: str) -> list:
    """What the pool holds of `kind` (not yet filtered for any state)."""
    return {"voluntary_exit": lambda: list(pool.voluntary_exits.values()),
            "proposer_slashing": lambda: list(pool.proposer_slashings.values()),
            "attester_slashing": lambda: list(pool.attester_slashings)}[kind]()

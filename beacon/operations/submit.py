"""Operations from outside (the Beacon API): check on the head state, pool, publish.

    POST /eth/v1/beacon/pool/<kind> -> submit_operation -> check_operation(head state)
        -> OperationPool.add_* -> gossip (the kind's topic)

The node side (`NodeView.submit_operation`, `pooled_operations`) only forwards here.
"""
from __future__ import annotations

import logging

from beacon.operations.check import KINDS, add_to_pool, check_operation

log = logging.getLogger(__name__)


async def submit_operation(config, head_state, pool, network, kind: str, op) -> None:
    """Check `op` against `head_state`, pool it and publish it on its gossip topic.

    Raises:
        OperationRejected: it does not apply to the head state (nothing pooled or sent).
    """
    check_operation(config, head_state, kind, op)
    add_to_pool(pool, kind, op)
    log.info("pooled %s from the API", kind)
    if network is not None:
        from p2p.gossip import Topic
        topic = next(t for t in Topic if t.type_name == KINDS[kind][2])
        await network._publish(topic, op)


def pooled_operations(pool, kind: str) -> list:
    """What the pool holds of `kind` (not yet filtered for any state)."""
    return {"voluntary_exit": lambda: list(pool.voluntary_exits.values()),
            "proposer_slashing": lambda: list(pool.proposer_slashings.values()),
            "attester_slashing": lambda: list(pool.attester_slashings)}[kind]()

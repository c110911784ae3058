"""Gossip exits and slashings: valid iff they apply to a copy of the head state.

v0.8.4: "Clients MUST validate that the exit/slashing is valid before forwarding".
The check is the spec's own `process_*` on a copy of the head state, run by the chain
task (it needs the chain's state and the committee caches only that task may touch);
a valid operation goes into the op pool there, so the pool keeps one writer. These
messages are rare, so waiting behind an import before forwarding costs little.
"""
from __future__ import annotations

from beacon.state_transition.block.operations.attester_slashing import process_attester_slashing
from beacon.state_transition.block.operations.proposer_slashing import process_proposer_slashing
from beacon.state_transition.block.operations.voluntary_exit import process_voluntary_exit
from p2p.gossip import Topic


class OperationTopic:
    def __init__(self, topic: Topic, kind: str, process, add, chain_service):
        """Args: process: the spec function; add: the op pool method that keeps it."""
        self.topic = topic
        self.kind = kind
        self.process = process
        self.add = add
        self.cs = chain_service

    async def validate(self, op, peer: str) -> None:
        """Raises: InvalidOperation (REJECT) when the head state refuses it."""
        error = await self.cs.check_operation(self.kind, op, self.process, self.add, peer)
        if error is not None:
            raise error


def operation_topics(chain_service, pool) -> list[OperationTopic]:
    return [
        OperationTopic(Topic.VOLUNTARY_EXIT, "voluntary exit", process_voluntary_exit,
                       pool.add_voluntary_exit, chain_service),
        OperationTopic(Topic.PROPOSER_SLASHING, "proposer slashing", process_proposer_slashing,
                       pool.add_proposer_slashing, chain_service),
        OperationTopic(Topic.ATTESTER_SLASHING, "attester slashing", process_attester_slashing,
                       pool.add_attester_slashing, chain_service),
    ]

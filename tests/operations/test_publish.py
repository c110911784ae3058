"""An operation accepted from the API is published on its own gossip topic.

`make testnet-full`'s operations scenario found this path answering 500: it looked the
topic up by a name the topics no longer carried, and only a node with a network runs it.
"""
import trio

from beacon.operations.check import KINDS
from beacon.operations.submit import publish_operation
from p2p.gossip import Topic


class RecordingNetwork:
    def __init__(self):
        self.sent = []

    async def publish(self, topic, message):
        self.sent.append((topic, message))


def test_each_kind_goes_out_on_its_topic():
    net = RecordingNetwork()

    async def main():
        for kind in KINDS:
            await publish_operation(net, kind, f"op-{kind}")

    trio.run(main)
    assert net.sent == [(Topic.VOLUNTARY_EXIT, "op-voluntary_exit"),
                        (Topic.PROPOSER_SLASHING, "op-proposer_slashing"),
                        (Topic.ATTESTER_SLASHING, "op-attester_slashing")]

"""Gossip A -> B -> C with validation on B; a rejected message is not forwarded."""
import trio

from p2p.api import ValidationResult
from p2p.gossip import Topic
from tests.p2p.fakechain import T
from tests.p2p.harness import connect, node, wait_until

TOPIC = Topic.VOLUNTARY_EXIT


async def line(a, b, c):
    await connect(a, b)
    await connect(b, c)
    t = TOPIC.topic_id
    mesh = b.host.gossipsub.mesh
    await wait_until(lambda: {a.peer_id, c.peer_id} <= {p.to_base58() for p in mesh.get(t, ())},
                     timeout=10)


def test_gossip_line_with_validation(security):
    async def main():
        seen_on_b = []

        async def validate(exit_, source):
            seen_on_b.append(int(exit_.epoch))
            return ValidationResult.REJECT if exit_.epoch == 666 else ValidationResult.ACCEPT

        async with node(security=security) as a, node(security=security) as b, \
                node(security=security) as c:
            b.gossip.set_validator(TOPIC, validate)
            await line(a, b, c)
            await a.publish(TOPIC, T.VoluntaryExit(epoch=666, validator_index=1))
            await a.publish(TOPIC, T.VoluntaryExit(epoch=7, validator_index=2))
            with trio.fail_after(10):
                msg = await c.gossip_messages.receive()
            assert msg.topic == TOPIC.topic_id and int(msg.value.epoch) == 7
            assert msg.source == a.peer_id
            assert 666 in seen_on_b                       # B saw it ...
            assert b.gossip.counts[ValidationResult.REJECT] == 1
            assert c.gossip.counts[ValidationResult.REJECT] == 0   # ... and did not forward it
            assert b.peers.records[a.peer_id].actions["INVALID_MESSAGE"] == 1
            with trio.fail_after(5):
                on_b = await b.gossip_messages.receive()
            assert int(on_b.value.epoch) == 7
    trio.run(main)


def test_undecodable_gossip_rejected():
    async def main():
        async with node() as a, node() as b, node() as c:
            await line(a, b, c)
            a.host.pubsub.topic_validators.pop(TOPIC.topic_id)    # a misbehaves
            await a.host.pubsub.publish(TOPIC.topic_id, b"\1\2\3")
            await wait_until(lambda: b.gossip.counts[ValidationResult.REJECT] == 1)
            assert c.gossip.counts[ValidationResult.REJECT] == 0
    trio.run(main)


def test_many_messages_delivered():
    async def main():
        async with node() as a, node() as b, node() as c:
            await line(a, b, c)
            for i in range(200):
                await a.publish(TOPIC, T.VoluntaryExit(epoch=i, validator_index=i))
            got = set()
            with trio.fail_after(30):
                while len(got) < 200:
                    got.add(int((await c.gossip_messages.receive()).value.epoch))
            assert c.host.pubsub.__dict__.get("p2p_dropped", 0) == 0
    trio.run(main)

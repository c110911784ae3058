"""Gossip A -> B -> C with validation on B; a rejected message is not forwarded."""
import trio

from p2p.api import ValidationResult
from p2p.encoding import Encoding
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


BLOCK = Topic.BEACON_BLOCK
SNAPPY_ID = "/eth2/beacon_block/ssz_snappy"


async def _listen_only_on(svc, keep: str) -> None:
    """Make `svc` a peer that knows one name of the block topic, as another client would."""
    for where in svc.gossip.ids[BLOCK]:
        if where.id != keep:
            await svc.host.pubsub.unsubscribe(where.id)


def test_ssz_snappy_topics_both_ways():
    """A peer on `/eth2/beacon_block/ssz_snappy` only: it gets our blocks compressed, and
    its compressed blocks reach us decoded, and are bridged to a plain-ssz-only peer."""
    async def main():
        async with node() as a, node() as s, node() as c:
            await _listen_only_on(s, SNAPPY_ID)
            await _listen_only_on(c, BLOCK.topic_id)       # like Lodestar 2019
            await connect(a, s)
            await connect(a, c)
            await trio.sleep(1.5)                          # subscriptions and meshes
            block = T.BeaconBlock(slot=5)
            await a.publish(BLOCK, block)
            with trio.fail_after(5):
                got = await s.gossip_messages.receive()
            assert got.topic == SNAPPY_ID and got.data == block.encode_bytes()
            # s speaks snappy itself: a decodes it and bridges the ssz bytes to c.
            other = T.BeaconBlock(slot=6).encode_bytes()
            await s.host.pubsub.publish(SNAPPY_ID, Encoding.SSZ_SNAPPY.encode_payload(other))
            with trio.fail_after(5):
                while True:
                    m = await c.gossip_messages.receive()
                    if m.data == other:
                        break
            assert m.topic == BLOCK.topic_id and m.source == a.peer_id
            # Plain ssz bytes on the snappy name do not inflate: rejected, not forwarded.
            s.host.pubsub.topic_validators.pop(SNAPPY_ID)  # s would refuse to send it
            await s.host.pubsub.publish(SNAPPY_ID, other)
            await wait_until(lambda: a.gossip.counts[ValidationResult.REJECT] == 1)
    trio.run(main)


def test_peers_on_every_name_get_each_message_once():
    """Two of our nodes share every name of a topic: a block goes out once, on the spec
    name, not once per name."""
    async def main():
        async with node() as a, node() as b:
            await connect(a, b)
            await trio.sleep(1.5)
            await a.publish(BLOCK, T.BeaconBlock(slot=9))
            got = []
            with trio.move_on_after(2):
                async for m in b.gossip_messages:
                    got.append(m.topic)
            assert got == [BLOCK.topic_id]
            assert b.gossip.bridged == 0
    trio.run(main)

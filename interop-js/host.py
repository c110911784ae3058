"""Python side of `make interop-js`: run our P2P host with a fake chain, print its multiaddr,
and publish a BeaconBlock on /eth2/beacon_block/ssz every second once a peer is in our
mesh for that topic. Exits after 90 s (the script kills it earlier)."""
import sys

import trio

from p2p.gossip import Topic
from tests.p2p.fakechain import T
from tests.p2p.harness import node


async def main(addr_file: str) -> None:
    async with node(security="noise", muxer="mplex") as svc:
        with open(addr_file, "w") as f:
            f.write(svc.listen_addrs[0] + "\n")
        print("listening on", svc.listen_addrs[0], flush=True)
        topic = Topic.BEACON_BLOCK.topic_id
        with trio.move_on_after(90):
            slot = 1000
            while True:
                if svc.host.gossipsub.mesh.get(topic):
                    slot += 1
                    await svc.publish(Topic.BEACON_BLOCK, T.BeaconBlock(slot=slot))
                    print("published block", slot, flush=True)
                await trio.sleep(1)


if __name__ == "__main__":
    trio.run(main, sys.argv[1])

"""Every request type round-trips over SecIO and Noise, in both name sets, with the
expected error codes for bad requests."""
import pytest
import trio

from p2p.errors import ErrorResponse
from p2p.messages import BeaconBlocksRequest, BlockRootsRequest, ResultCode
from p2p.reqresp import client
from p2p.reqresp.protocols import Dialect, Method
from tests.p2p.fakechain import T, FakeChain
from tests.p2p.harness import FAST, PATIENT, connect, node


def run(fn):
    trio.run(fn)


@pytest.mark.parametrize("dialect", [Dialect.V084, Dialect.V083])
def test_handshake_and_requests(security, dialect):
    async def main():
        async with node(security=security, dialects=(dialect,), timeouts=PATIENT) as a, \
                node(security=security, timeouts=PATIENT) as b:
            await connect(a, b)
            rec = a.peers.records[b.peer_id]
            assert rec.dialect is dialect
            assert bytes(rec.status.head_root) == b.chain.head.hash_tree_root()
            assert b.peers.records[a.peer_id].dialect is dialect
            status = await a.request_status(b.peer_id)
            assert int(status.head_slot) == int(b.chain.head.slot)

            head = b.chain.head.hash_tree_root()
            blocks = await a.blocks_by_range(b.peer_id, head, 0, 64)
            assert [int(x.slot) for x in blocks] == [s for s in range(64) if s not in (5, 7)]
            blocks = await a.blocks_by_range(b.peer_id, head, 10, 5, step=3)
            assert [int(x.slot) for x in blocks] == [10, 13, 16, 19, 22]
            assert await a.blocks_by_range(b.peer_id, b"\x11" * 32, 0, 10) == []

            roots = [b.chain.blocks[3].hash_tree_root(), b"\x22" * 32,
                     b.chain.blocks[9].hash_tree_root()]
            got = await a.blocks_by_root(b.peer_id, roots)
            assert [x.hash_tree_root() for x in got] == [roots[0], roots[2]]
            await a.say_goodbye(b.peer_id, 1)
    run(main)


def test_v083_recent_blocks_keeps_request_length():
    async def main():
        async with node() as a, node() as b:
            await connect(a, b)
            roots = [b"\x22" * 32, b.chain.blocks[1].hash_tree_root()]
            raw = await client.request(a.host.open_stream, b.peer_id,
                                       Method.RECENT_BEACON_BLOCKS,
                                       BlockRootsRequest(*roots).encode_bytes(),
                                       client.block_list_type(T.BeaconBlock), max_items=2,
                                       timeouts=FAST)
            assert len(raw) == 2 and raw[0] == T.BeaconBlock()
    run(main)


async def _range(a, b, method, **fields):
    req = BeaconBlocksRequest(**fields).encode_bytes()
    return await client.request(a.host.open_stream, b.peer_id, method, req, T.BeaconBlock,
                                max_items=2000, timeouts=FAST)


@pytest.mark.parametrize("method", [Method.BLOCKS_BY_RANGE, Method.BEACON_BLOCKS])
def test_error_codes(security, method):
    async def main():
        chain = FakeChain()
        async with node(security=security) as a, node(chain, security=security) as b:
            await connect(a, b)
            head = chain.head.hash_tree_root()
            with pytest.raises(ErrorResponse) as e:
                await _range(a, b, method, head_block_root=head, start_slot=0, count=4, step=0)
            assert e.value.code == ResultCode.INVALID_REQUEST
            with pytest.raises(ErrorResponse) as e:
                await _range(a, b, method, head_block_root=head, start_slot=0, count=5000,
                             step=1)
            assert e.value.code == ResultCode.INVALID_REQUEST
            chain.fail_next = True
            with pytest.raises(ErrorResponse) as e:
                await _range(a, b, method, head_block_root=head, start_slot=0, count=4, step=1)
            assert e.value.code == ResultCode.SERVER_ERROR
            assert "database" not in e.value.error_message   # internals not leaked
            # still serving afterwards
            assert len(await a.blocks_by_range(b.peer_id, head, 0, 4)) == 4
    run(main)

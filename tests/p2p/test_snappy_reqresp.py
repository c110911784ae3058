"""req/resp over ssz_snappy between two of our hosts: served beside ssz, chosen by the
protocol id, compressed in both directions."""
import trio

from p2p.encoding import Encoding
from p2p.messages import MAX_CHUNK_SIZE, ResultCode, Status
from p2p.reqresp import client
from p2p.reqresp.codec import StreamReader, encode_varint, frame_request, read_chunk
from p2p.reqresp.protocols import Method, Timeouts
from tests.p2p.harness import connect, node

# Compression adds little, but these tests share two cores with other work: spec
# timeouts, not the harness's 1 s, so a busy machine does not fail them.
SPEC = Timeouts()


def test_exchange_over_ssz_snappy(security):
    async def main():
        async with node(security=security, request_encoding=Encoding.SSZ_SNAPPY,
                        timeouts=SPEC) as a, node(security=security, timeouts=SPEC) as b:
            await connect(a, b)     # the handshake itself ran over ssz_snappy
            status = await a.request_status(b.peer_id)
            assert int(status.head_slot) == int(b.chain.head.slot)
            head = b.chain.head.hash_tree_root()
            blocks = await a.blocks_by_range(b.peer_id, head, 0, 64)
            assert [int(x.slot) for x in blocks] == [s for s in range(64) if s not in (5, 7)]
            roots = [b.chain.blocks[3].hash_tree_root(), b"\x22" * 32]
            got = await a.blocks_by_root(b.peer_id, roots)
            assert [x.hash_tree_root() for x in got] == roots[:1]
            # b's server saw snappy streams: the same node also serves plain ssz.
            (status,) = await client.request(b.host.open_stream, a.peer_id, Method.STATUS,
                                             b.server.our_status().encode_bytes(), Status,
                                             timeouts=SPEC, encoding=Encoding.SSZ)
            assert bytes(status.head_root) == a.chain.head.hash_tree_root()
    trio.run(main)


def test_snappy_stream_is_compressed_on_the_wire(security):
    """Read b's answer raw: the chunk is a snappy block, not the bare SSZ."""
    async def main():
        async with node(security=security) as a, node(security=security) as b:
            await connect(a, b)
            pid = Method.STATUS.protocol_id_for(Encoding.SSZ_SNAPPY)
            s = await a.host.open_stream(b.peer_id, pid)
            await s.write(frame_request(a.server.our_status().encode_bytes(), Encoding.SSZ_SNAPPY))
            await s.close_write()
            with trio.fail_after(5):
                raw = StreamReader(s)
                code, payload = await read_chunk(raw, MAX_CHUNK_SIZE, 256)   # undecoded
            await s.reset()
            assert code == 0 and len(payload) != 84
            assert Encoding.SSZ_SNAPPY.decode_payload(payload, 84) == \
                b.server.our_status().encode_bytes()
    trio.run(main)


def test_snappy_bomb_request_is_refused(security):
    async def main():
        async with node(security=security) as a, node(security=security) as b:
            await connect(a, b)
            bomb = encode_varint(2**30) + b"\x00"
            pid = Method.STATUS.protocol_id_for(Encoding.SSZ_SNAPPY)
            s = await a.host.open_stream(b.peer_id, pid)
            await s.write(encode_varint(len(bomb)) + bomb)
            await s.close_write()
            with trio.fail_after(5):
                code, text = await read_chunk(StreamReader(s), 2**20, 256, Encoding.SSZ_SNAPPY)
            await s.reset()
            assert code == ResultCode.INVALID_REQUEST and "inflates to" in text
            assert b.peers.records[a.peer_id].actions.get("PROTOCOL_VIOLATION") == 1
    trio.run(main)

"""Wire encodings (p2p/encoding.py, p2p/gossip_encoding.py): round trips, and snappy
bombs refused before anything is inflated."""
from unittest import mock

import cramjam
import pytest

from p2p.encoding import Encoding, EncodingError, snappy_declared_length
from p2p.gossip_encoding import decode_message, topic_name
from p2p.messages import Status
from p2p.reqresp.codec import encode_varint
from ssz.codec import SSZDecodeError, encode
from tests.p2p.fakechain import T, FakeChain


@pytest.mark.parametrize("encoding", list(Encoding))
def test_payload_round_trip(encoding):
    block = FakeChain().head
    data = encode(block)
    payload = encoding.encode_payload(data)
    assert len(payload) <= encoding.max_payload_size(len(data))
    assert encoding.decode_payload(payload, len(data)) == data
    with pytest.raises(EncodingError, match="too large"):
        encoding.decode_payload(payload, len(data) - 1)


def test_snappy_payload_is_the_raw_block_format():
    """Interop with other clients: the block format a snappy library writes, no framing."""
    data = b"\x01" * 1000
    payload = Encoding.SSZ_SNAPPY.encode_payload(data)
    assert snappy_declared_length(payload) == 1000
    assert bytes(cramjam.snappy.decompress_raw(payload)) == data
    assert len(payload) < 100


@pytest.mark.parametrize("encoding", list(Encoding))
def test_gossip_round_trip(encoding):
    block = FakeChain().head
    data = encoding.encode_payload(block.encode_bytes())
    assert decode_message(T.BeaconBlock, data, encoding).hash_tree_root() == block.hash_tree_root()
    assert topic_name("beacon_block", encoding) == f"/eth2/beacon_block/{encoding.value}"


def test_bomb_is_refused_before_inflating():
    # 1 GiB of zeros compresses to ~48 KiB; a hand-made preamble claims it in 6 bytes.
    bomb = encode_varint(2**30) + b"\x00"
    with mock.patch.object(cramjam.snappy, "decompress_raw",
                           side_effect=AssertionError("inflated")) as inflate:
        with pytest.raises(EncodingError, match="inflates to 1073741824"):
            Encoding.SSZ_SNAPPY.decode_payload(bomb, 2**20)
        # A Status is 84 bytes: a block declaring 85 is refused against the type's maximum.
        status = Encoding.SSZ_SNAPPY.encode_payload(b"\x00" * 85)
        with pytest.raises(EncodingError, match="too large"):
            decode_message(Status, status, Encoding.SSZ_SNAPPY)
        assert not inflate.called


def test_real_bomb_within_the_gossip_limit_is_still_bounded_by_the_type():
    """A genuinely compressed 1 MiB of zeros: within GOSSIP_MAX_SIZE, over a Status."""
    bomb = bytes(cramjam.snappy.compress_raw(b"\x00" * 2**20))
    assert len(bomb) < 2**16
    with pytest.raises(EncodingError, match="too large"):
        decode_message(Status, bomb, Encoding.SSZ_SNAPPY)


@pytest.mark.parametrize("payload,reason", [
    (b"", "no length preamble"),
    (b"\xff\xff\xff\xff\xff\xff", "no length preamble"),
    (encode_varint(10) + b"\x00" * 3, "corrupt snappy"),
])
def test_corrupt_snappy(payload, reason):
    with pytest.raises(EncodingError, match=reason):
        Encoding.SSZ_SNAPPY.decode_payload(payload, 100)


def test_bad_ssz_inside_good_snappy():
    data = Encoding.SSZ_SNAPPY.encode_payload(b"\x00" * 83)
    with pytest.raises(SSZDecodeError):
        decode_message(Status, data, Encoding.SSZ_SNAPPY)

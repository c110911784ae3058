"""Req/resp and gossip decoding, in-process over fake streams.

reqresp:req:<method>   the server's request path (p2p/reqresp/server.py): varint frame
                       with its limit, half-close, the wrapped-roots shape, strict decode.
                       Documented errors: ProtocolViolation, SSZDecodeError.
reqresp:resp:<method>:<framing>  `p2p.reqresp.client.request` reading the fuzz bytes
                       as the peer's response, for every (method, framing) a dialect
                       uses. Documented errors: ReqRespError (ProtocolViolation, ...).
gossip:<topic>         `Gossip._validate`, size check and strict decode of each topic, under
                       each of its names (ssz, ssz_snappy, bare).
                       Documented outcome: a ValidationResult, never an exception.

Both name sets (v0.8.4 status/beacon_blocks_by_*, v0.8.3 hello/beacon_blocks/
recent_beacon_blocks) are covered. Whatever decodes must re-frame and re-encode to the
input: a non-canonical frame (e.g. an overlong varint) or payload is a finding.
"""
from __future__ import annotations

from fuzz.common import Target, drive, ssz_static_seeds


class BytesStream:
    """`p2p.stream.Stream` that yields `data` in reads of `step` bytes, then EOF."""
    peer_id = "fuzz-peer"
    protocol = "fuzz"

    def __init__(self, data: bytes, step: int):
        self.data, self.pos, self.step = data, 0, max(1, step)

    async def read(self, n: int) -> bytes:
        out = self.data[self.pos:self.pos + min(n, self.step)]
        self.pos += len(out)
        return out

    async def write(self, data: bytes) -> None:
        pass

    def keep_writes_whole(self) -> None:
        pass

    async def close_write(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def reset(self) -> None:
        pass


def _step(data: bytes) -> int:
    # Read boundaries matter to a buffered reader; vary them with the input.
    return 1 + (len(data) * 2654435761 + (data[-1] if data else 0)) % 4096


# --- requests (server side) -----------------------------------------------------------

def _request_make(method_name: str):
    def make():
        from p2p.errors import ProtocolViolation
        from p2p.reqresp import server
        from p2p.reqresp.client import WRAP_PREFIX, looks_wrapped_roots, unwrap, wrap
        from p2p.reqresp.codec import StreamReader, frame_request, read_request
        from p2p.reqresp.protocols import Method
        from ssz.codec import SSZDecodeError, decode, encode
        method = Method[method_name]
        limit = server._REQUEST_LIMIT[method]
        typ = server._REQUEST_TYPE[method]
        roots = method in server._ROOTS_METHODS

        def one(data: bytes) -> None:
            # The decode steps of ReqRespServer._handle, in its order.
            try:
                payload = drive(read_request(StreamReader(BytesStream(data, _step(data))),
                                             limit + len(WRAP_PREFIX)))
                wrapped = roots and looks_wrapped_roots(payload)
                if wrapped:
                    payload = unwrap(payload)
                elif len(payload) > limit:
                    return  # the server refuses it (ProtocolViolation)
                value = decode(typ, payload)
            except (ProtocolViolation, SSZDecodeError):
                return
            body = encode(value)
            assert frame_request(wrap(body) if wrapped else body) == data, \
                "request accepted but not in its canonical framing/encoding"
        return one
    return make


def _request_seeds(method_name: str):
    def seeds():
        from p2p.reqresp.codec import frame_request
        out = {
            "STATUS": [bytes(84)], "HELLO": [bytes(84)], "GOODBYE": [(1).to_bytes(8, "little")],
            "BLOCKS_BY_RANGE": [bytes(32) + (1).to_bytes(8, "little") * 3],
            "BEACON_BLOCKS": [bytes(32) + (1).to_bytes(8, "little") * 3],
            "BLOCKS_BY_ROOT": [b"", b"\x11" * 32, b"\x22" * 64, b"\x04\0\0\0" + b"\x33" * 32],
            "RECENT_BEACON_BLOCKS": [b"\x11" * 32, b"\x04\0\0\0" + b"\x33" * 64],
        }[method_name]
        return [frame_request(p) for p in out]
    return seeds


# --- responses (client side) ----------------------------------------------------------

# (method, framing, response type name): every pairing some dialect uses.
RESPONSES = (
    ("STATUS", "SINGLE", "Status"),
    ("HELLO", "SINGLE", "Hello"),
    ("BLOCKS_BY_RANGE", "CHUNKED", "BeaconBlock"),
    ("BLOCKS_BY_ROOT", "CHUNKED", "BeaconBlock"),
    ("BLOCKS_BY_RANGE", "SSZ_LIST", "BeaconBlock"),      # Lodestar 2019 (hybrid)
    ("BEACON_BLOCKS", "SSZ_LIST", "BeaconBlock"),
    ("RECENT_BEACON_BLOCKS", "SSZ_LIST", "BeaconBlock"),
)
MAX_ITEMS = 4


def _response_type(name: str):
    import p2p.messages
    if hasattr(p2p.messages, name):
        return getattr(p2p.messages, name)
    from beacon.config import minimal
    from beacon.protocol import DEFAULT as PROTOCOL
    return PROTOCOL.types(minimal).by_name(name)


def _response_make(method_name: str, framing_name: str, type_name: str):
    def make():
        import trio

        from p2p.errors import ReqRespError
        from p2p.reqresp import client
        from p2p.reqresp.codec import frame_chunk
        from p2p.reqresp.protocols import Framing, Method, Timeouts
        from ssz.codec import encode
        method, framing = Method[method_name], Framing[framing_name]
        item_type = _response_type(type_name)
        typ = client.block_list_type(item_type) if framing is Framing.SSZ_LIST else item_type
        timeouts = Timeouts(ttfb=60, resp=60)

        def one(data: bytes) -> None:
            async def open_stream(peer, protocol):
                return BytesStream(data, _step(data))

            async def main():
                return await client.request(open_stream, "fuzz-peer", method, b"", typ,
                                            max_items=MAX_ITEMS, timeouts=timeouts,
                                            framing=framing)
            try:
                items = trio.run(main)
            except ReqRespError:
                return
            if framing is Framing.CHUNKED:
                assert b"".join(frame_chunk(0, encode(i)) for i in items) == data, \
                    "chunks accepted but not canonical"
            elif framing is Framing.SINGLE:
                assert len(items) == 1 and data.startswith(frame_chunk(0, encode(items[0]))), \
                    "single response accepted but not canonical"
            elif data:  # (no chunk at all is an empty list, as for CHUNKED)
                body = encode(typ(*items))
                assert (data.startswith(frame_chunk(0, body))
                        or data.startswith(frame_chunk(0, client.wrap(body)))), \
                    "list response accepted but not canonical"
        return one
    return make


def _response_seeds(framing_name: str, type_name: str):
    def seeds():
        from p2p.reqresp.codec import frame_chunk
        if type_name in ("Status", "Hello"):
            return [frame_chunk(0, bytes(84)), frame_chunk(1, b"bad request")]
        blocks = [b for b in ssz_static_seeds("BeaconBlock", 8) if len(b) < 2048][:3]
        if framing_name == "CHUNKED":
            return [b"", frame_chunk(0, blocks[0]), b"".join(frame_chunk(0, b) for b in blocks),
                    frame_chunk(2, b"server error")]
        from p2p.reqresp.client import wrap
        listed = _list_bytes(blocks)
        return [frame_chunk(0, b""), frame_chunk(0, listed), frame_chunk(0, wrap(listed))]
    return seeds


def _list_bytes(parts: list[bytes]) -> bytes:
    offsets, pos = [], 4 * len(parts)
    for p in parts:
        offsets.append(pos.to_bytes(4, "little"))
        pos += len(p)
    return b"".join(offsets) + b"".join(parts)


# --- gossip ---------------------------------------------------------------------------

def _gossip_make(topic_name: str):
    def make():
        from types import SimpleNamespace

        from beacon.config import minimal
        from beacon.protocol import DEFAULT as PROTOCOL
        from p2p.api import ValidationResult
        from p2p.gossip import Gossip, Topic
        from p2p.peers import PeerManager
        from ssz.codec import encode
        topic = Topic[topic_name]
        gossip = Gossip(SimpleNamespace(), PROTOCOL.wire(minimal), PeerManager(), "me")
        seen = []

        async def capture(value, forwarder):
            seen.append(value)
            return ValidationResult.ACCEPT
        gossip.set_validator(topic, capture)

        def one(data: bytes) -> None:
            # The same bytes under each name: plain ssz, ssz_snappy, the bare alias.
            for where in gossip.ids[topic]:
                seen.clear()
                result = drive(gossip._validate(where, "fuzz-peer", data))
                assert isinstance(result, ValidationResult), result
                if seen:
                    assert result is ValidationResult.ACCEPT
                    ssz = where.encoding.decode_payload(data, len(data) * 64 + 64)
                    assert encode(seen[0]) == ssz, "gossip accepted a non-canonical encoding"
                else:
                    assert result is ValidationResult.REJECT, result
        return one
    return make


TOPICS = (("BEACON_BLOCK", "BeaconBlock"), ("BEACON_ATTESTATION", "Attestation"),
          ("VOLUNTARY_EXIT", "VoluntaryExit"), ("PROPOSER_SLASHING", "ProposerSlashing"),
          ("ATTESTER_SLASHING", "AttesterSlashing"))


def targets() -> list[Target]:
    out = []
    for m in ("STATUS", "HELLO", "GOODBYE", "BLOCKS_BY_RANGE", "BEACON_BLOCKS",
              "BLOCKS_BY_ROOT", "RECENT_BEACON_BLOCKS"):
        out.append(Target(f"reqresp:req:{m.lower()}", _request_make(m), _request_seeds(m)))
    for m, f, t in RESPONSES:
        out.append(Target(f"reqresp:resp:{m.lower()}:{f.lower()}", _response_make(m, f, t),
                          _response_seeds(f, t), 16384))
    for topic, type_name in TOPICS:
        out.append(Target(f"gossip:{topic.lower()}", _gossip_make(topic),
                          lambda t=type_name: ssz_static_seeds(t), 8192))
    return out

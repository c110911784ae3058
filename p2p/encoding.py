"""Wire encodings of one SSZ payload: `ssz` and `ssz_snappy` (networking spec v0.8.3/v0.8.4,
"Encoding strategies"; ssz_snappy: "MAY be supported in the interoperability testnet;
MUST be supported in mainnet").

    ssz:         payload = ssz_bytes
    ssz_snappy:  payload = snappy_block(ssz_bytes)   (raw block format, no framing chunks)

The same payload goes into a req/resp frame (behind the varint length of the *encoded*
bytes, p2p/reqresp/codec.py) or into a gossip message's data field (p2p/gossip_encoding.py).

Decompression bombs: a snappy block starts with the varint length of what it inflates
to. `decode_payload` reads that and refuses anything above the caller's limit (the SSZ
type's maximum, capped by the chunk or gossip size limit) *before* inflating, so a
20-byte message cannot make us allocate a gigabyte. The binding is cramjam (kept, wheels
for every platform; python-snappy 0.7 itself wraps it).
"""
from __future__ import annotations

import enum

import cramjam

# Snappy's preamble is a uint32 varint: at most 5 bytes.
_MAX_PREAMBLE = 5


class EncodingError(ValueError):
    """A payload that does not decode under its encoding; the sender is at fault.

    `reason` is a short constant for logs and peer scoring; the message has the detail.
    """

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


class Encoding(enum.Enum):
    """An encoding strategy; the value is its protocol-id / topic-name suffix."""
    SSZ = "ssz"
    SSZ_SNAPPY = "ssz_snappy"

    def encode_payload(self, ssz_bytes: bytes) -> bytes:
        if self is Encoding.SSZ:
            return ssz_bytes
        return bytes(cramjam.snappy.compress_raw(ssz_bytes))

    def decode_payload(self, payload: bytes, max_size: int) -> bytes:
        """The SSZ bytes inside `payload`, at most `max_size` of them.

        Raises:
            EncodingError: over `max_size` (checked before inflating for snappy), or
                corrupt snappy data.
        """
        if self is Encoding.SSZ:
            if len(payload) > max_size:
                raise EncodingError("too large", f"{len(payload)} bytes > {max_size}")
            return payload
        declared = snappy_declared_length(payload)
        if declared > max_size:
            raise EncodingError("too large", f"snappy block inflates to {declared} bytes > {max_size}")
        try:
            out = bytes(cramjam.snappy.decompress_raw(payload))
        except cramjam.DecompressionError as e:
            raise EncodingError("corrupt snappy", str(e)) from None
        if len(out) != declared:  # cramjam checks this too; a cheap second guard
            raise EncodingError("corrupt snappy", f"inflated {len(out)} bytes, declared {declared}")
        return out

    def max_payload_size(self, max_size: int) -> int:
        """Largest encoded payload a valid message of at most `max_size` SSZ bytes can
        have: what a frame's length prefix is checked against before reading."""
        if self is Encoding.SSZ:
            return max_size
        # Snappy's worst case (incompressible input): 32 + n + n / 6.
        return 32 + max_size + max_size // 6


def snappy_declared_length(payload: bytes) -> int:
    """The uncompressed length a raw snappy block declares in its preamble.

    Raises:
        EncodingError: no complete preamble within 5 bytes.
    """
    value = 0
    for i, b in enumerate(payload[:_MAX_PREAMBLE]):
        value |= (b & 0x7F) << (7 * i)
        if not b & 0x80:
            return value
    raise EncodingError("corrupt snappy", "no length preamble")

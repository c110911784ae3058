"""Gossip message data under an encoding (used by p2p/gossip.py for every topic name).

    topic "/eth2/<name>/<encoding>"      e.g. /eth2/beacon_block/ssz_snappy
    data  Encoding.encode_payload(ssz)   (spec v0.8.4 "Topics and messages")

`decode_message` bounds the SSZ size by the type's maximum and GOSSIP_MAX_SIZE before
any snappy inflation (p2p/encoding.py), then decodes strictly.
"""
from __future__ import annotations

from typing import Any

from p2p.encoding import Encoding, EncodingError
from p2p.messages import GOSSIP_MAX_SIZE
from ssz.codec import decode

TOPIC_PREFIX = "/eth2/"


def topic_name(name: str, encoding: Encoding) -> str:
    """The topic id of `name` (e.g. "beacon_block") under `encoding`."""
    return f"{TOPIC_PREFIX}{name}/{encoding.value}"


def decode_message(typ: Any, data: bytes, encoding: Encoding,
                   max_size: int = GOSSIP_MAX_SIZE) -> Any:
    """The `typ` value in a gossip message's data field.

    Raises:
        EncodingError: over the size bound (before inflating) or corrupt snappy.
        SSZDecodeError: the SSZ inside is malformed.
    """
    limit = min(typ.max_byte_length(), max_size)
    if len(data) > encoding.max_payload_size(limit):
        raise EncodingError("too large", f"{len(data)} encoded bytes for at most {limit}")
    return decode(typ, encoding.decode_payload(data, limit))

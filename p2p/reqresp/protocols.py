"""The req/resp methods of both name sets and how each one frames its response.

    v0.8.4: status, goodbye, beacon_blocks_by_range, beacon_blocks_by_root  (chunked lists)
    v0.8.3: hello,  goodbye, beacon_blocks,          recent_beacon_blocks   (one SSZ list)

The framing of a block list is not a property of the name alone: Lodestar 2019 serves
the v0.8.4 names with the v0.8.3 one-list framing. `Dialect` says what a peer speaks.

Protocol id: /eth2/beacon_chain/req/<name>/1/<encoding>, encoding `ssz` or `ssz_snappy`
(p2p/encoding.py); both are served, and the encoding is a property of the stream.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from p2p.encoding import Encoding

PREFIX = "/eth2/beacon_chain/req"


class Framing(enum.Enum):
    SINGLE = "single"        # one response_chunk
    CHUNKED = "chunked"      # v0.8.4: one chunk per list item
    SSZ_LIST = "ssz_list"    # v0.8.3: one chunk holding the whole SSZ list


class Method(enum.Enum):
    # The framing here is the one of the spec text that defines the name.
    STATUS = ("status", Framing.SINGLE)
    HELLO = ("hello", Framing.SINGLE)
    GOODBYE = ("goodbye", Framing.SINGLE)
    BLOCKS_BY_RANGE = ("beacon_blocks_by_range", Framing.CHUNKED)
    BLOCKS_BY_ROOT = ("beacon_blocks_by_root", Framing.CHUNKED)
    BEACON_BLOCKS = ("beacon_blocks", Framing.SSZ_LIST)
    RECENT_BEACON_BLOCKS = ("recent_beacon_blocks", Framing.SSZ_LIST)

    @property
    def message_name(self) -> str:
        return self.value[0]

    @property
    def framing(self) -> Framing:
        return self.value[1]

    @property
    def protocol_id(self) -> str:
        """The `ssz` protocol id (what the 2019 interop clients speak)."""
        return self.protocol_id_for(Encoding.SSZ)

    def protocol_id_for(self, encoding: Encoding) -> str:
        return f"{PREFIX}/{self.message_name}/1/{encoding.value}"


V084 = (Method.STATUS, Method.GOODBYE, Method.BLOCKS_BY_RANGE, Method.BLOCKS_BY_ROOT)
V083 = (Method.HELLO, Method.GOODBYE, Method.BEACON_BLOCKS, Method.RECENT_BEACON_BLOCKS)
ALL = tuple(dict.fromkeys(V084 + V083))


class Dialect(enum.Enum):
    """The req/resp flavour a peer speaks: names, list framing and single-field shapes.

    V084:    the v0.8.4 text (status; by_range/by_root, one chunk per block).
    V083:    the v0.8.3 text (hello; beacon_blocks/recent_beacon_blocks, one chunk
             holding the SSZ list; a single-field message is encoded as its field).
    V083_WRAPPED: V083 names and framing, but single-field messages encoded as a
             one-field container (4-byte offset first). Trinity 2019 does this.
    HYBRID:  hello, the v0.8.4 by_range/by_root names, the v0.8.3 one-list framing.
             Lodestar 2019 (its interop branch) does this.

    A peer starts as what its handshake tells (status -> V084, hello -> V083) and is
    refined when a request shows more (p2p/service.py, p2p/reqresp/server.py).
    """
    V084 = "v0.8.4"
    V083 = "v0.8.3"
    V083_WRAPPED = "v0.8.3-wrapped"
    HYBRID = "hybrid"

    @property
    def status(self) -> Method:
        return Method.STATUS if self is Dialect.V084 else Method.HELLO

    @property
    def by_range(self) -> Method:
        return (Method.BEACON_BLOCKS if self in (Dialect.V083, Dialect.V083_WRAPPED)
                else Method.BLOCKS_BY_RANGE)

    @property
    def by_root(self) -> Method:
        return (Method.RECENT_BEACON_BLOCKS if self in (Dialect.V083, Dialect.V083_WRAPPED)
                else Method.BLOCKS_BY_ROOT)

    @property
    def list_framing(self) -> Framing:
        return Framing.CHUNKED if self is Dialect.V084 else Framing.SSZ_LIST

    @property
    def wraps_single_field(self) -> bool:
        return self is Dialect.V083_WRAPPED

    @property
    def whole_messages(self) -> bool:
        """Lodestar 2019 decodes each mplex message as a whole response."""
        return self is Dialect.HYBRID

    @property
    def speaks_hello(self) -> bool:
        return self is not Dialect.V084


# Handshake order when we dial: the v0.8.4 name first, hello for older peers.
HANDSHAKE_ORDER = (Dialect.V084, Dialect.V083)


@dataclass(frozen=True)
class Timeouts:
    """Spec v0.8.4 "Configuration". Tests shorten them."""
    ttfb: float = 5.0      # TTFB_TIMEOUT: request sent -> first response byte
    resp: float = 10.0     # RESP_TIMEOUT: per response chunk; server: whole request read

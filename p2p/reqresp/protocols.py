"""The req/resp methods of both name sets and how each one frames its response.

    v0.8.4: status, goodbye, beacon_blocks_by_range, beacon_blocks_by_root  (chunked lists)
    v0.8.3: hello,  goodbye, beacon_blocks,          recent_beacon_blocks   (one SSZ list)

Protocol id: /eth2/beacon_chain/req/<name>/1/ssz.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

PREFIX = "/eth2/beacon_chain/req"


class Framing(enum.Enum):
    SINGLE = "single"        # one response_chunk
    CHUNKED = "chunked"      # v0.8.4: one chunk per list item
    SSZ_LIST = "ssz_list"    # v0.8.3: one chunk holding the whole SSZ list


class Method(enum.Enum):
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
        return f"{PREFIX}/{self.message_name}/1/ssz"


V084 = (Method.STATUS, Method.GOODBYE, Method.BLOCKS_BY_RANGE, Method.BLOCKS_BY_ROOT)
V083 = (Method.HELLO, Method.GOODBYE, Method.BEACON_BLOCKS, Method.RECENT_BEACON_BLOCKS)
ALL = tuple(dict.fromkeys(V084 + V083))


class NameSet(enum.Enum):
    """Which request names to use towards a peer."""
    V084 = "v0.8.4"
    V083 = "v0.8.3"

    @property
    def status(self) -> Method:
        return Method.STATUS if self is NameSet.V084 else Method.HELLO

    @property
    def by_range(self) -> Method:
        return Method.BLOCKS_BY_RANGE if self is NameSet.V084 else Method.BEACON_BLOCKS

    @property
    def by_root(self) -> Method:
        return Method.BLOCKS_BY_ROOT if self is NameSet.V084 else Method.RECENT_BEACON_BLOCKS


@dataclass(frozen=True)
class Timeouts:
    """Spec v0.8.4 "Configuration". Tests shorten them."""
    ttfb: float = 5.0      # TTFB_TIMEOUT: request sent -> first response byte
    resp: float = 10.0     # RESP_TIMEOUT: per response chunk; server: whole request read

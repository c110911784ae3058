r"""What the P2P layer needs from the chain, and what it hands back.

The node supplies an object implementing `ChainInterface`; the p2p package never
imports chain code and the chain never sees a libp2p type. Gossip validators are
registered per topic and return a `ValidationResult`; the validator is where the node
acts on a message. Observers (tests, benchmarks) may ask for accepted messages as
`GossipMessage` on a bounded channel (`P2PConfig.deliver_gossip`).

    remote peer --gossip--> size/decode check --> validator(topic) --ACCEPT--> forward + deliver
                                                              \--IGNORE--> drop
                                                              \--REJECT--> drop + penalise
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping, Protocol, Sequence


class ValidationResult(enum.Enum):
    """Outcome of gossip validation (libp2p-pubsub semantics)."""
    ACCEPT = "accept"   # valid: forward and deliver
    IGNORE = "ignore"   # not forwarded, sender not penalised (duplicate, too early, unknown parent)
    REJECT = "reject"   # invalid: not forwarded, sender penalised


@dataclass(frozen=True)
class ChainStatus:
    """Our view of the chain, as sent in hello/status."""
    head_root: bytes
    head_slot: int
    finalized_root: bytes
    finalized_epoch: int


@dataclass(frozen=True)
class GossipMessage:
    """A validated gossip message; `value` decodes `data` on first use (validation
    decoded it already, and most observers only count messages)."""
    topic: str
    type: Any         # the SSZ type of `value`
    data: bytes
    source: str       # originating peer id (base58, the message `from` field)

    @property
    def value(self) -> Any:
        cached = self.__dict__.get("_value")
        if cached is None:
            cached = self.type.decode_bytes(self.data)
            object.__setattr__(self, "_value", cached)
        return cached


class ChainInterface(Protocol):
    """The chain, as the P2P layer sees it. Calls may block briefly; none may raise for
    an unknown root (return False / an empty list instead)."""

    @property
    def fork_version(self) -> bytes:
        """Current fork version (4 bytes)."""

    def status(self) -> ChainStatus:
        """Head and finalized checkpoint."""

    def is_on_chain(self, root: bytes, epoch: int) -> bool:
        """True when `root` is our finalized-chain block at `epoch`, or when we cannot
        tell yet because `epoch` is beyond our finalized epoch (the peer is ahead).
        (ZERO_HASH, 0) is the genesis checkpoint as the spec initialises it: on chain."""

    def blocks_by_range(self, head_root: bytes, start_slot: int, count: int,
                        step: int) -> Sequence[Any]:
        """BeaconBlocks on the chain ending at `head_root`, in increasing slot order,
        at most `count`, slots start_slot + k*step. Empty when head_root is unknown."""

    def blocks_by_root(self, roots: Sequence[bytes]) -> Sequence[Any | None]:
        """One entry per root, None where the block is unknown."""


@dataclass(frozen=True)
class Wire:
    """What the protocol above puts on the wire. `beacon.protocol.Protocol.wire(config)`
    builds it, so every type, method, encoding and topic name p2p uses comes from the
    protocol seam; p2p itself knows only how to carry them."""
    types: Any                             # containers: .BeaconBlock, .by_name(name)
    methods: tuple                         # p2p.reqresp.protocols.Method values served
    encodings: tuple                       # p2p.encoding.Encoding values served
    topics: Mapping[str, str]              # gossip topic name -> container name
    topic_id: Callable[[str, Any], str]    # (topic name, Encoding) -> topic id


GossipValidator = Callable[[Any, str], Awaitable[ValidationResult]]
"""async (decoded_value, source_peer_id) -> ValidationResult."""

"""`Protocol`: everything that changes between protocol versions, as one value.

    protocol = get_protocol("v0.8.4")
    T = protocol.types(config)                       # containers of (preset, protocol)
    ctx = protocol.new_context(config)               # caches beside the states
    protocol.state_transition(config, state, block, ctx=ctx)
    domain = protocol.get_domain(config, state, config.DOMAIN_BEACON_PROPOSER)
    protocol.reqresp_protocol_id(Method.STATUS, Encoding.SSZ_SNAPPY)
    protocol.topic_id("beacon_block", Encoding.SSZ)  # "/eth2/beacon_block/ssz"
    P2PService(identity, chain, protocol.wire(config))  # p2p takes every name from here

Code above the seam (CLI, spec-test runners, benchmarks, fuzz targets, the p2p wiring)
asks a `Protocol` for these; the implementation of one protocol (beacon/state_transition,
beacon/types/phase0.py, beacon/genesis, validator/production.py for v0.8.4) sits behind it
and uses its own types directly. Adding the launched phase0 v1.x means one more
`Protocol` value built from its own modules; callers that take a `Protocol` need no change.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from p2p.api import Wire
from p2p.encoding import Encoding
from p2p.gossip_encoding import topic_name


@dataclass(frozen=True)
class Protocol:
    """One protocol version. Functions take `config` (the preset) first, as the spec does.

    Attributes:
        name: the version, e.g. "v0.8.4".
        types: config -> namespace of containers (attribute per spec name, `by_name`,
            `names`).
        new_context: config -> EpochContext for a new owner (chain, CLI call, test case).
        state_transition, process_slots, process_block, process_epoch: the transition
            entry points; each takes `ctx=` (see beacon/state_transition/context.py).
        compute_domain, get_domain, signing_root: signature domains and roots.
        reqresp_methods: the req/resp methods served (p2p.reqresp.protocols.Method).
        encodings: wire encodings served, preferred first for nothing: both are served
            and the protocol id chooses.
        gossip_topics: topic name -> container name of its messages.
    """
    name: str
    types: Callable[[Any], Any]
    new_context: Callable[[Any], Any]
    state_transition: Callable[..., Any]
    process_slots: Callable[..., Any]
    process_block: Callable[..., Any]
    process_epoch: Callable[..., Any]
    compute_domain: Callable[..., bytes]
    get_domain: Callable[..., bytes]
    signing_root: Callable[[Any], bytes]
    reqresp_methods: tuple
    encodings: tuple[Encoding, ...]
    gossip_topics: Mapping[str, str]

    def __repr__(self) -> str:
        return f"<Protocol {self.name}>"

    def type_by_name(self, config, name: str):
        """The container class `name` for `config`'s preset.

        Raises:
            KeyError: for an unknown name; the message lists the known ones.
        """
        types = self.types(config)
        try:
            return types.by_name(name)
        except KeyError:
            raise KeyError(f"no SSZ type named {name!r} for preset "
                           f"{getattr(config, 'name', '?')} in {self.name}; "
                           f"known: {', '.join(types.names())}") from None

    def reqresp_protocol_id(self, method, encoding: Encoding) -> str:
        if method not in self.reqresp_methods:
            raise KeyError(f"{self.name} has no req/resp method {method}")
        return method.protocol_id_for(encoding)

    def reqresp_protocol_ids(self) -> list[str]:
        """Every protocol id served: each method in each encoding."""
        return [m.protocol_id_for(e) for m in self.reqresp_methods for e in self.encodings]

    def topic_id(self, name: str, encoding: Encoding) -> str:
        if name not in self.gossip_topics:
            raise KeyError(f"{self.name} has no gossip topic {name!r}")
        return topic_name(name, encoding)

    def wire(self, config):
        """What p2p carries for this protocol under `config`'s preset (p2p.api.Wire)."""
        return Wire(types=self.types(config), methods=self.reqresp_methods,
                    encodings=self.encodings, topics=self.gossip_topics,
                    topic_id=self.topic_id)

    def gossip_type(self, config, name: str):
        """The container class carried on topic `name`."""
        return self.type_by_name(config, self.gossip_topics[name])

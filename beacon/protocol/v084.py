"""The v0.8.4 protocol (phase0 as frozen for the 2019 interop), assembled from its modules.

Spec: https://github.com/ethereum/eth2.0-specs/tree/v0.8.4/specs
"""
from __future__ import annotations

from types import MappingProxyType

from beacon.protocol.base import Protocol
from beacon.state_transition import (
    EpochContext, process_block, process_epoch, process_slots, state_transition,
)
from beacon.state_transition.helpers import compute_domain, get_domain
from beacon.types.phase0 import get_types
from p2p.encoding import Encoding
from p2p.reqresp.protocols import ALL
from ssz.signing import signing_root

V084 = Protocol(
    name="v0.8.4",
    types=get_types,
    new_context=EpochContext,
    state_transition=state_transition,
    process_slots=process_slots,
    process_block=process_block,
    process_epoch=process_epoch,
    compute_domain=compute_domain,
    get_domain=get_domain,
    signing_root=signing_root,
    # The v0.8.4 names and the v0.8.3 names the 2019 clients still speak (protocols.py).
    reqresp_methods=ALL,
    encodings=(Encoding.SSZ, Encoding.SSZ_SNAPPY),
    # Spec v0.8.4 "Topics and messages".
    gossip_topics=MappingProxyType({
        "beacon_block": "BeaconBlock",
        "beacon_attestation": "Attestation",
        "voluntary_exit": "VoluntaryExit",
        "proposer_slashing": "ProposerSlashing",
        "attester_slashing": "AttesterSlashing",
    }),
)

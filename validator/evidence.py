"""Signed exits and slashing evidence made with interop keys: what the testnet tool
submits to `/eth/v1/beacon/pool/*` and what the tests feed the API and the slasher.

The evidence is forged on purpose (headers and votes that were never gossiped): the
spec's slashing conditions only look at signatures and data, so two signed headers or
two signed votes are enough to slash. `state` only provides the fork for the domains.
"""
from __future__ import annotations

from beacon import bls
from beacon.config import Config
from beacon.state_transition import helpers as h
from beacon.types import get_types
from ssz.signing import hash_tree_root, signing_root
from validator.keys import interop_privkey


def voluntary_exit(config: Config, state, index: int, epoch: int):
    T = get_types(config)
    op = T.VoluntaryExit(epoch=epoch, validator_index=index)
    domain = h.get_domain(config, state, config.DOMAIN_VOLUNTARY_EXIT, epoch)
    op.signature = bls.sign(signing_root(op), interop_privkey(index), domain)
    return op


def proposer_slashing(config: Config, state, index: int, slot: int):
    """Two different headers for `slot`, both signed by validator `index`."""
    T = get_types(config)
    domain = h.get_domain(config, state, config.DOMAIN_BEACON_PROPOSER, slot // config.SLOTS_PER_EPOCH)
    headers = []
    for tag in (b"\x01", b"\x02"):
        hd = T.BeaconBlockHeader(slot=slot, parent_root=tag * 32, state_root=tag * 32,
                                 body_root=tag * 32)
        hd.signature = bls.sign(signing_root(hd), interop_privkey(index), domain)
        headers.append(hd)
    return T.ProposerSlashing(proposer_index=index, header_1=headers[0], header_2=headers[1])


def attester_slashing(config: Config, state, indices, target_epoch: int):
    """A double vote of `indices` (sorted) for `target_epoch`: two block roots."""
    T = get_types(config)
    indices = sorted(indices)
    domain = h.get_domain(config, state, config.DOMAIN_ATTESTATION, target_epoch)
    atts = []
    for tag in (b"\x0a", b"\x0b"):
        data = T.AttestationData(beacon_block_root=tag * 32,
                                 source=T.Checkpoint(epoch=0, root=bytes(32)),
                                 target=T.Checkpoint(epoch=target_epoch, root=tag * 32))
        message = hash_tree_root(T.AttestationDataAndCustodyBit(data=data, custody_bit=False))
        sig = bls.aggregate_signatures([bls.sign(message, interop_privkey(i), domain)
                                        for i in indices])
        atts.append(T.IndexedAttestation(custody_bit_0_indices=indices, data=data, signature=sig))
    return T.AttesterSlashing(attestation_1=atts[0], attestation_2=atts[1])


def standard_json(op) -> dict:
    """`op` in the standard Beacon API POST shape (see beacon/api/pool_routes.py)."""
    from beacon.api.encoding import to_json
    j = to_json(op)
    name = type(op).__name__
    if name == "VoluntaryExit":
        return {"message": {"epoch": j["epoch"], "validator_index": j["validator_index"]},
                "signature": j["signature"]}
    if name == "ProposerSlashing":
        def signed(hd):
            return {"message": {"slot": hd["slot"], "proposer_index": j["proposer_index"],
                                "parent_root": hd["parent_root"], "state_root": hd["state_root"],
                                "body_root": hd["body_root"]}, "signature": hd["signature"]}
        return {"signed_header_1": signed(j["header_1"]), "signed_header_2": signed(j["header_2"])}
    if name == "AttesterSlashing":
        def att(a):
            return {"attesting_indices": a["custody_bit_0_indices"], "data": a["data"],
                    "signature": a["signature"]}
        return {"attestation_1": att(j["attestation_1"]), "attestation_2": att(j["attestation_2"])}
    raise TypeError(name)

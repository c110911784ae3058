"""The mainnet preset end to end: signed blocks with attestations across an epoch boundary.

No official mainnet vectors ship with the shared material, so this builds a small mainnet
chain with interop keys and checks each block through the full transition (signatures on),
including the epoch transition with 1,024 shards and 64-slot epochs.
"""
from __future__ import annotations

import pytest

from beacon.chain import anchor_root
from beacon.config import mainnet
from beacon.genesis.quickstart import quickstart_state
from beacon.state_transition import InvalidSignature, Signatures, state_transition
from ssz.signing import signing_root
from validator import production as P
from validator.keys import interop_privkey


def test_mainnet_blocks_across_an_epoch_boundary():
    config = mainnet
    genesis = quickstart_state(config, 0, 64)
    assert len(genesis.current_crosslinks) == 1024
    state, root, pending = genesis, anchor_root(genesis), []
    for slot in (1, 2, config.SLOTS_PER_EPOCH, config.SLOTS_PER_EPOCH + 1):
        block, post = P.propose(config, state, root, slot, interop_privkey,
                                operations={"attestations": pending})
        pre = state
        replayed = pre.copy()
        state_transition(config, replayed, block, signatures=Signatures.VERIFY)
        assert replayed.hash_tree_root() == post.hash_tree_root()
        state, root = post, signing_root(block)
        pending = P.attest_slot(config, state, root, slot, interop_privkey)
        assert pending, f"no attestations for slot {slot}"
    # Blocks 2 and 64 carried epoch-0 attestations; the boundary rotated them to previous.
    assert len(state.previous_epoch_attestations) == 2
    assert len(state.current_epoch_attestations) == 1

    forged = block.copy()
    forged.body.graffiti = b"\x01" * 32  # changes the signed root, not the signature
    with pytest.raises(InvalidSignature):
        state_transition(config, pre.copy(), forged, signatures=Signatures.VERIFY)

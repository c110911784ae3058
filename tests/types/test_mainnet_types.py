"""The MAINNET preset's phase0 types: sizes, lengths and limits, enforced on decode.

Expected numbers are written out from the v0.8.4 spec tables (0_beacon-chain.md,
"Misc", "State list lengths", "Max operations per block"), not read from the config,
so a wrong preset file fails here too.
"""
from __future__ import annotations

import pytest

from beacon.config import mainnet, minimal
from beacon.types import get_types
from beacon.types.phase0 import CONTAINER_NAMES
from ssz.codec import SSZDecodeError, decode, encode
from ssz.signing import hash_tree_root
from tests.ssz.samples import attestation, list_bytes, offset, put_offset

M = get_types(mainnet)
m = get_types(minimal)
F = M.BeaconState.fields()


def test_state_vector_lengths():
    assert F["block_roots"].vector_length() == 8192          # SLOTS_PER_HISTORICAL_ROOT
    assert F["state_roots"].vector_length() == 8192
    assert F["randao_mixes"].vector_length() == 65536        # EPOCHS_PER_HISTORICAL_VECTOR
    assert F["active_index_roots"].vector_length() == 65536
    assert F["compact_committees_roots"].vector_length() == 65536
    assert F["slashings"].vector_length() == 8192            # EPOCHS_PER_SLASHINGS_VECTOR
    assert F["previous_crosslinks"].vector_length() == 1024  # SHARD_COUNT
    assert F["current_crosslinks"].vector_length() == 1024
    assert F["justification_bits"].vector_length() == 4
    assert M.HistoricalBatch.fields()["block_roots"].vector_length() == 8192
    assert M.Deposit.fields()["proof"].vector_length() == 33  # DEPOSIT_CONTRACT_TREE_DEPTH + 1


def test_list_limits():
    assert F["historical_roots"].limit() == 2**24
    assert F["validators"].limit() == F["balances"].limit() == 2**40
    assert F["eth1_data_votes"].limit() == 1024
    assert F["previous_epoch_attestations"].limit() == 128 * 64  # MAX_ATTESTATIONS * SLOTS_PER_EPOCH
    body = M.BeaconBlockBody.fields()
    assert [body[n].limit() for n in ("proposer_slashings", "attester_slashings", "attestations",
                                       "deposits", "voluntary_exits", "transfers")] == [16, 1, 128, 16, 16, 0]
    assert M.Attestation.fields()["aggregation_bits"].limit() == 4096  # MAX_VALIDATORS_PER_COMMITTEE
    assert M.IndexedAttestation.fields()["custody_bit_0_indices"].limit() == 4096
    assert M.CompactCommittee.fields()["pubkeys"].limit() == 4096


def test_state_fixed_part_size():
    sizes = [8, 8, 16, 200, 8192 * 32, 8192 * 32, 4, 72, 4, 8, 4, 4, 8, 65536 * 32, 65536 * 32,
             65536 * 32, 8192 * 8, 4, 4, 1024 * 88, 1024 * 88, 1, 40, 40, 40]
    assert len(sizes) == len(F)
    empty = encode(M.BeaconState())
    assert len(empty) == sum(sizes) == 7_061_969
    assert M.Validator.type_byte_length() == 121 and M.Crosslink.type_byte_length() == 88
    assert M.BeaconBlockHeader.type_byte_length() == 200


def test_empty_state_hashes_and_roundtrips():
    state = M.BeaconState()
    data = encode(state)
    assert data == state.encode_bytes()
    back = decode(M.BeaconState, data)
    assert encode(back) == data
    assert hash_tree_root(back) == hash_tree_root(state)
    # Regression pin, computed by remerkleable from the default tree (no mainnet vectors here).
    assert hash_tree_root(state).hex() == "5a30e3638e823092a67341f6378a98757e88b60eed0e7d3a3e4c0ff1af46d329"


def _block_with_attestations(n: int) -> bytes:
    """A mainnet block whose body holds `n` attestations (no limit check when building)."""
    data = encode(M.BeaconBlock())
    body_at = offset(data, 72)
    att = encode(attestation(M, bits=7))
    at = body_at + offset(data, body_at + 208)
    new = list_bytes([att] * n, True)
    out = data[:at] + new + data[at:]
    for j in (212, 216, 220):  # deposits, exits, transfers start after the attestations
        out = put_offset(out, body_at + j, offset(out, body_at + j) + len(new))
    return out


def test_max_attestations_enforced_on_decode():
    ok = decode(M.BeaconBlock, _block_with_attestations(128))
    assert len(ok.body.attestations) == 128
    with pytest.raises(SSZDecodeError, match="129 items over the limit of 128") as info:
        decode(M.BeaconBlock, _block_with_attestations(129))
    assert info.value.path == ("body", "attestations")


def test_transfers_limit_zero_rejects_any_transfer():
    data = encode(M.BeaconBlock())
    assert len(decode(M.BeaconBlock, data).body.transfers) == 0
    with pytest.raises(SSZDecodeError, match="over the limit of 0"):
        decode(M.BeaconBlock, data + encode(M.Transfer()))


def test_presets_are_distinct_and_usable_together():
    assert get_types(mainnet) is M and get_types(minimal) is m
    for name in CONTAINER_NAMES:
        assert M.by_name(name) is not m.by_name(name)
    assert m.BeaconState.fields()["block_roots"].vector_length() == 64
    small, big = encode(m.BeaconState()), encode(M.BeaconState())
    assert len(small) < len(big)
    with pytest.raises(SSZDecodeError):
        decode(M.BeaconState, small)
    with pytest.raises(SSZDecodeError):
        decode(m.BeaconState, big)
    # Preset-independent containers encode and hash alike across presets.
    cp = decode(m.Checkpoint, encode(M.Checkpoint(epoch=3, root=b"\x01" * 32)))
    assert type(cp) is m.Checkpoint
    assert hash_tree_root(cp) == hash_tree_root(M.Checkpoint(epoch=3, root=b"\x01" * 32))
    # Attestations differ only by limits that both presets share in v0.8.4.
    a = attestation(M)
    assert encode(decode(m.Attestation, encode(a))) == encode(a)
    assert decode(m.BeaconState, small).hash_tree_root() == m.BeaconState().hash_tree_root()

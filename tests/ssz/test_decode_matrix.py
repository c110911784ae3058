"""Bad-input matrix for `ssz.codec.decode` on real phase0 types (minimal preset).

Each case takes a valid encoding, breaks one rule, and expects `SSZDecodeError` naming
the type, the path to the broken part and the reason. Several of these inputs are
accepted or crash with a bare exception in remerkleable 0.1.28 on its own; the
`lenient_upstream` cases check that, so we notice if the wrapper stops being needed.
"""
from __future__ import annotations

import pytest
from remerkleable.basic import boolean, uint64

from beacon.config import minimal
from ssz.codec import SSZDecodeError, decode, encode
from tests.ssz.samples import attestation, block, list_bytes, offset, put_offset, state, types

T = types(minimal)
C = minimal
BLOCK = encode(block(T))
ATT = encode(attestation(T, bits=5))
STATE = encode(state(T))
BODY_AT = 172          # BeaconBlock fixed part: slot, parent_root, state_root, body offset, signature
BODY_FIXED = 224       # BeaconBlockBody fixed part: randao, eth1_data, graffiti, six offsets


def field_pos(typ, name: str) -> int:
    """Byte position of field `name` (or of its offset) in the fixed part of `typ`."""
    pos = 0
    for fname, ftyp in typ.fields().items():
        if fname == name:
            return pos
        pos += ftyp.type_byte_length() if ftyp.is_fixed_byte_length() else 4
    raise KeyError(name)


def body_list_bounds(data: bytes, name: str):
    """(start, end) in a BeaconBlock encoding of the body's list field `name`."""
    names = ["proposer_slashings", "attester_slashings", "attestations", "deposits",
             "voluntary_exits", "transfers"]
    i = names.index(name)
    start = BODY_AT + offset(data, BODY_AT + 200 + 4 * i)
    end = BODY_AT + offset(data, BODY_AT + 200 + 4 * (i + 1)) if i < 5 else len(data)
    return start, end


def replace_body_list(data: bytes, name: str, new: bytes) -> bytes:
    """The block with one body list replaced, later body offsets shifted to match."""
    start, end = body_list_bounds(data, name)
    out = data[:start] + new + data[end:]
    names = ["proposer_slashings", "attester_slashings", "attestations", "deposits",
             "voluntary_exits", "transfers"]
    for j in range(names.index(name) + 1, 6):
        at = BODY_AT + 200 + 4 * j
        out = put_offset(out, at, offset(out, at) + len(new) - (end - start))
    return out


def first_attestation_bounds(data: bytes):
    start, end = body_list_bounds(data, "attestations")
    first = offset(data, start)
    return start + first, start + offset(data, start + 4)


def att_with_last_agg_byte(value: int) -> bytes:
    a, b = first_attestation_bounds(BLOCK)
    agg_end = a + offset(BLOCK, a + 204)
    return BLOCK[:agg_end - 1] + bytes([value]) + BLOCK[agg_end:]


def state_with(name: str, fixed_value_at=None, new_list: bytes | None = None) -> bytes:
    """STATE with one variable-size field's contents replaced (later offsets shifted)."""
    var_names = [n for n, t in T.BeaconState.fields().items() if not t.is_fixed_byte_length()]
    i = var_names.index(name)
    pos = [field_pos(T.BeaconState, n) for n in var_names]
    starts = [offset(STATE, p) for p in pos] + [len(STATE)]
    out = STATE[:starts[i]] + new_list + STATE[starts[i + 1]:]
    delta = len(new_list) - (starts[i + 1] - starts[i])
    for j in range(i + 1, len(var_names)):
        out = put_offset(out, pos[j], starts[j] + delta)
    return out


VALIDATOR = encode(T.Validator())
PENDING = encode(T.PendingAttestation(aggregation_bits=[True], data=T.AttestationData()))
SLASHED_AT = field_pos(T.Validator, "slashed")


def _validators_with_slashed_byte(value: int) -> bytes:
    vals = [VALIDATOR] * 3
    vals[2] = VALIDATOR[:SLASHED_AT] + bytes([value]) + VALIDATOR[SLASHED_AT + 1:]
    return state_with("validators", new_list=list_bytes(vals, False))


JB_AT = field_pos(T.BeaconState, "justification_bits")
IA = encode(T.IndexedAttestation(custody_bit_0_indices=[1, 2]))
# Both offsets moved 8 bytes on, with 8 junk bytes in the gap after the fixed part.
IA_GAP = put_offset(put_offset(IA[:304], 0, 312), 4, 328) + b"\xee" * 8 + IA[304:]

# name: (type, bad bytes, substring of the reason, expected path or None to skip)
CASES = {
    "block_empty": (T.BeaconBlock, b"", "shorter than its fixed part", ()),
    "block_truncated_fixed": (T.BeaconBlock, BLOCK[:100], "shorter than its fixed part", ()),
    "block_trailing_byte": (T.BeaconBlock, BLOCK + b"\x00", None, None),
    "block_body_offset_below_fixed": (T.BeaconBlock, put_offset(BLOCK, 72, 171), "must equal the fixed part size 172", ("body",)),
    "block_body_offset_gap": (T.BeaconBlock, put_offset(BLOCK, 72, 173), "must equal the fixed part size 172", ("body",)),
    "block_body_offset_huge": (T.BeaconBlock, put_offset(BLOCK, 72, 0xFFFFFFFF), "must equal the fixed part size", ("body",)),
    "body_first_offset_wrong": (T.BeaconBlock, put_offset(BLOCK, BODY_AT + 200, BODY_FIXED + 4), "must equal the fixed part size 224", ("body", "proposer_slashings")),
    "body_offset_past_end": (T.BeaconBlock, put_offset(BLOCK, BODY_AT + 216, len(BLOCK)), "past the end", ("body", "voluntary_exits")),
    "body_offsets_decrease": (T.BeaconBlock, put_offset(BLOCK, BODY_AT + 212, offset(BLOCK, BODY_AT + 208) - 4), "below the previous offset", ("body", "deposits")),
    "attestations_first_offset_not_multiple_of_4": (
        T.BeaconBlock, BLOCK[:body_list_bounds(BLOCK, "attestations")[0]] + b"\x06\x00\x00\x00"
        + BLOCK[body_list_bounds(BLOCK, "attestations")[0] + 4:], "not a positive multiple of 4", ("body", "attestations")),
    "attestations_first_offset_zero": (
        T.BeaconBlock, BLOCK[:body_list_bounds(BLOCK, "attestations")[0]] + b"\x00\x00\x00\x00"
        + BLOCK[body_list_bounds(BLOCK, "attestations")[0] + 4:], "not a positive multiple of 4", ("body", "attestations")),
    "attestations_over_MAX_ATTESTATIONS": (
        T.BeaconBlock, replace_body_list(BLOCK, "attestations", list_bytes([ATT] * (C.MAX_ATTESTATIONS + 1), True)),
        f"{C.MAX_ATTESTATIONS + 1} items over the limit of {C.MAX_ATTESTATIONS}", ("body", "attestations")),
    "deposits_partial_item": (T.BeaconBlock, replace_body_list(BLOCK, "deposits", encode(T.Deposit())[:-1]), "not a whole number", ("body", "deposits")),
    "deposits_over_MAX_DEPOSITS": (
        T.BeaconBlock, replace_body_list(BLOCK, "deposits", encode(T.Deposit()) * (C.MAX_DEPOSITS + 1)),
        f"over the limit of {C.MAX_DEPOSITS}", ("body", "deposits")),
    "exits_over_MAX_VOLUNTARY_EXITS": (
        T.BeaconBlock, replace_body_list(BLOCK, "voluntary_exits", encode(T.VoluntaryExit()) * (C.MAX_VOLUNTARY_EXITS + 1)),
        f"over the limit of {C.MAX_VOLUNTARY_EXITS}", ("body", "voluntary_exits")),
    "aggregation_bits_no_delimiter": (T.BeaconBlock, att_with_last_agg_byte(0), "no delimiter bit", ("body", "attestations", 0, "aggregation_bits")),
    "attestation_aggregation_bits_empty": (T.Attestation, put_offset(ATT, 204, offset(ATT, 0)),
                                           "at least its delimiter byte", ("aggregation_bits",)),
    "attestation_bits_over_committee_limit": (
        # 4096 set bits, one more set bit, then the delimiter: 4097 bits.
        T.Attestation, put_offset(ATT[:304] + b"\xff" * (C.MAX_VALIDATORS_PER_COMMITTEE // 8) + b"\x03" + b"\x01", 204, 304 + C.MAX_VALIDATORS_PER_COMMITTEE // 8 + 1),
        f"over the limit of {C.MAX_VALIDATORS_PER_COMMITTEE}", ("aggregation_bits",)),
    "attestation_truncated_signature": (T.Attestation, ATT[:250], "shorter than its fixed part", ()),
    "state_truncated": (T.BeaconState, STATE[:1000], "shorter than its fixed part", ()),
    # The last variable field takes the extra byte: its last bitlist then ends in 0x00.
    "state_trailing_byte": (T.BeaconState, STATE + b"\x00", "no delimiter bit", ("current_epoch_attestations", 1, "aggregation_bits")),
    "state_slashed_not_boolean": (T.BeaconState, _validators_with_slashed_byte(2), "boolean must be 0x00 or 0x01, got 0x02", ("validators", 2, "slashed")),
    "state_validators_partial": (T.BeaconState, state_with("validators", new_list=VALIDATOR * 2 + VALIDATOR[:7]), "not a whole number of 121-byte items", ("validators",)),
    "state_eth1_votes_over_limit": (
        T.BeaconState, state_with("eth1_data_votes", new_list=encode(T.Eth1Data()) * (C.SLOTS_PER_ETH1_VOTING_PERIOD + 1)),
        f"over the limit of {C.SLOTS_PER_ETH1_VOTING_PERIOD}", ("eth1_data_votes",)),
    "state_historical_roots_partial": (T.BeaconState, state_with("historical_roots", new_list=b"\x00" * 33), "not a whole number of 32-byte items", ("historical_roots",)),
    "state_pending_attestations_over_limit": (
        T.BeaconState, state_with("previous_epoch_attestations", new_list=list_bytes([PENDING] * (C.MAX_ATTESTATIONS * C.SLOTS_PER_EPOCH + 1), True)),
        "items over the limit", ("previous_epoch_attestations",)),
    "state_justification_bits_padding": (T.BeaconState, STATE[:JB_AT] + b"\x15" + STATE[JB_AT + 1:], "padding bits set above bit 4", ("justification_bits",)),
    "indexed_attestation_offset_gap": (T.IndexedAttestation, IA_GAP, "must equal the fixed part size 304", ("custody_bit_0_indices",)),
    "uint64_short": (uint64, b"\x01" * 7, "expected 8 bytes, got 7", ()),
    "uint64_long": (uint64, b"\x01" * 9, "expected 8 bytes, got 9", ()),
    "boolean_two": (boolean, b"\x02", "boolean must be 0x00 or 0x01", ()),
    "fork_trailing": (T.Fork, encode(T.Fork()) + b"\x00", "expected 16 bytes, got 17", ()),
    "fork_truncated": (T.Fork, encode(T.Fork())[:-1], "expected 16 bytes, got 15", ()),
    "checkpoint_empty": (T.Checkpoint, b"", "expected 40 bytes, got 0", ()),
}


def test_samples_are_valid():
    """The matrix only means something if the unbroken inputs decode and round-trip."""
    for typ, data in ((T.BeaconBlock, BLOCK), (T.Attestation, ATT), (T.BeaconState, STATE)):
        assert encode(decode(typ, data)) == data


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_rejected(name):
    typ, data, reason, path = CASES[name]
    with pytest.raises(SSZDecodeError) as info:
        decode(typ, data)
    err = info.value
    assert err.type_name == (typ.__name__ if hasattr(typ, "fields") else typ.type_repr())
    assert err.type_name in str(err)
    if reason is not None:
        assert reason in err.reason, str(err)
    if path is not None:
        assert err.path == path, str(err)


LENIENT_UPSTREAM = ["fork_trailing", "fork_truncated", "uint64_short", "boolean_two",
                    "state_slashed_not_boolean", "indexed_attestation_offset_gap"]


@pytest.mark.parametrize("name", LENIENT_UPSTREAM)
def test_upstream_alone_accepts(name):
    """remerkleable 0.1.28 alone accepts these; if this fails, upstream got stricter."""
    typ, data, _, _ = CASES[name]
    typ.decode_bytes(data)


def test_list_first_offset_zero_upstream_crash_is_typed():
    """remerkleable alone raises a bare ValueError here; we raise SSZDecodeError."""
    typ, data, _, _ = CASES["attestations_first_offset_zero"]
    start = body_list_bounds(BLOCK, "attestations")[0]
    inner = data[start:body_list_bounds(data, "attestations")[1]]
    lst = T.BeaconBlockBody.fields()["attestations"]
    with pytest.raises(ValueError):
        lst.decode_bytes(inner)
    with pytest.raises(SSZDecodeError):
        decode(lst, inner)


def test_lists_at_their_limits_decode():
    at_limit = replace_body_list(BLOCK, "attestations", list_bytes([ATT] * C.MAX_ATTESTATIONS, True))
    b = decode(T.BeaconBlock, at_limit)
    assert len(b.body.attestations) == C.MAX_ATTESTATIONS
    assert encode(b) == at_limit
    bits = ATT[:304] + b"\xff" * (C.MAX_VALIDATORS_PER_COMMITTEE // 8) + b"\x01" + b"\x01"
    a = decode(T.Attestation, put_offset(bits, 204, 304 + C.MAX_VALIDATORS_PER_COMMITTEE // 8 + 1))
    assert len(a.aggregation_bits) == C.MAX_VALIDATORS_PER_COMMITTEE
    ia_list = T.IndexedAttestation.fields()["custody_bit_0_indices"]
    full = b"\x01" * 8 * C.MAX_VALIDATORS_PER_COMMITTEE
    assert len(decode(ia_list, full)) == C.MAX_VALIDATORS_PER_COMMITTEE
    with pytest.raises(SSZDecodeError, match="over the limit"):
        decode(ia_list, full + b"\x01" * 8)


def test_bytes_like_inputs_accepted_other_types_refused():
    assert encode(decode(T.Attestation, bytearray(ATT))) == ATT
    assert encode(decode(T.Attestation, memoryview(ATT))) == ATT
    with pytest.raises(TypeError):
        decode(T.Attestation, ATT.hex())


@pytest.mark.parametrize("typ,data", [(T.BeaconBlock, BLOCK), (T.Attestation, ATT), (T.BeaconState, STATE)],
                         ids=["BeaconBlock", "Attestation", "BeaconState"])
def test_mutations_fail_typed_or_stay_canonical(typ, data):
    """Seeded byte flips, cuts and insertions: either SSZDecodeError, or a value that
    re-encodes to exactly the input (strict decoding accepts only canonical bytes)."""
    import random
    rng = random.Random(8_04)
    accepted = 0
    for _ in range(300):
        b = bytearray(data)
        kind = rng.randrange(3)
        pos = rng.randrange(len(b))
        if kind == 0:
            b[pos] ^= 1 << rng.randrange(8)
        elif kind == 1:
            del b[pos:pos + rng.randrange(1, 9)]
        else:
            b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 5)))
        try:
            v = decode(typ, bytes(b))
        except SSZDecodeError:
            continue
        accepted += 1
        assert encode(v) == bytes(b)
        assert v.encode_bytes() == bytes(b)  # remerkleable's own encoder agrees
    assert accepted < 300  # the mutations did break some inputs

import pytest

from validator.slashing_protection import (
    DoubleProposal, DoubleVote, SlashingProtection, SurroundVote,
)

PK = b"\xaa" * 48
OTHER = b"\xbb" * 48


def test_blocks_never_twice_per_slot_across_restart(tmp_path):
    sp = SlashingProtection(tmp_path / "sp")
    sp.check_and_record_block(PK, 5, b"\x01" * 32)
    sp.check_and_record_block(PK, 5, b"\x01" * 32)  # identical re-sign is fine
    with pytest.raises(DoubleProposal):
        sp.check_and_record_block(PK, 5, b"\x02" * 32)
    sp.check_and_record_block(OTHER, 5, b"\x02" * 32)  # other validator unaffected
    sp.close()
    sp = SlashingProtection(tmp_path / "sp")
    with pytest.raises(DoubleProposal):
        sp.check_and_record_block(PK, 5, b"\x03" * 32)
    with pytest.raises(DoubleProposal):
        sp.check_and_record_block(PK, 4, b"\x03" * 32)  # below the watermark
    sp.check_and_record_block(PK, 6, b"\x03" * 32)
    sp.close()


def test_double_and_surround_votes_across_restart(tmp_path):
    sp = SlashingProtection(tmp_path / "sp")
    sp.check_and_record_attestation(PK, 2, 3, b"\x01" * 32)
    sp.check_and_record_attestation(PK, 2, 3, b"\x01" * 32)
    sp.close()
    sp = SlashingProtection(tmp_path / "sp")
    with pytest.raises(DoubleVote):
        sp.check_and_record_attestation(PK, 2, 3, b"\x02" * 32)
    with pytest.raises(SurroundVote):
        sp.check_and_record_attestation(PK, 1, 4, b"\x02" * 32)  # surrounds (2,3)
    sp.check_and_record_attestation(PK, 3, 6, b"\x02" * 32)
    with pytest.raises(SurroundVote):
        sp.check_and_record_attestation(PK, 4, 5, b"\x02" * 32)  # surrounded by (3,6)
    sp.check_and_record_attestation(PK, 6, 7, b"\x02" * 32)
    sp.check_and_record_attestation(OTHER, 1, 4, b"\x02" * 32)
    sp.close()


def test_a_batch_answers_per_vote_and_counts_its_own_earlier_votes(tmp_path):
    sp = SlashingProtection(tmp_path / "sp")
    sp.check_and_record_attestation(PK, 2, 3, b"\x01" * 32)
    verdicts = sp.check_and_record_attestations([
        (OTHER, 2, 3, b"\x05" * 32),   # another validator: allowed
        (PK, 2, 3, b"\x02" * 32),      # double vote against the history
        (PK, 3, 4, b"\x03" * 32),      # allowed
        (PK, 3, 4, b"\x04" * 32),      # double vote against the batch's own earlier vote
        (PK, 2, 5, b"\x06" * 32),      # surrounds the batch's own (3, 4)
        (PK, 3, 4, b"\x03" * 32),      # identical re-sign: allowed
    ])
    assert [type(v).__name__ if v else None for v in verdicts] == [
        None, "DoubleVote", None, "DoubleVote", "SurroundVote", None]
    sp.close()
    sp = SlashingProtection(tmp_path / "sp")  # what the batch allowed is durable
    with pytest.raises(DoubleVote):
        sp.check_and_record_attestation(PK, 3, 4, b"\x09" * 32)
    with pytest.raises(DoubleVote):
        sp.check_and_record_attestation(OTHER, 1, 3, b"\x09" * 32)
    with pytest.raises(SurroundVote):
        sp.check_and_record_attestation(PK, 2, 5, b"\x09" * 32)
    assert sp.check_and_record_attestations([]) == []
    sp.close()

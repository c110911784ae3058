"""The operation pool holds at most MAX_DATA_ROOTS attestation groups of at most
MAX_AGGREGATES_PER_DATA aggregates each, and MAX_OPS of each other operation kind."""
from beacon.config import minimal
from beacon.types import get_types
from beacon.chain import op_pool
from beacon.chain.op_pool import OperationPool

T = get_types(minimal)
Bits = T.Attestation.fields()["aggregation_bits"]


def _att(epoch: int, slot: int, bits):
    data = T.AttestationData(beacon_block_root=slot.to_bytes(32, "little"),
                             target=T.Checkpoint(epoch=epoch))
    return T.Attestation(aggregation_bits=Bits(*bits), data=data,
                         custody_bits=Bits(*([False] * len(bits))), signature=b"\x11" * 96)


def test_attestation_groups_are_capped_oldest_target_first(monkeypatch):
    monkeypatch.setattr(op_pool, "MAX_DATA_ROOTS", 64)
    pool = OperationPool(minimal)
    for i in range(64 + 40):
        pool.add_attestation(_att(epoch=i, slot=i, bits=[True, False]))
    assert len(pool._attestations) == 64
    epochs = sorted(int(d.target.epoch) for d, _ in pool._attestations.values())
    assert epochs[0] == 40  # the 40 oldest targets went first


def test_aggregates_per_data_are_capped():
    pool = OperationPool(minimal)
    n = op_pool.MAX_AGGREGATES_PER_DATA
    # Overlapping bit sets cannot be merged: each would be its own aggregate.
    for i in range(n + 10):
        bits = [True] + [j == i for j in range(n + 10)]
        pool.add_attestation(_att(epoch=1, slot=1, bits=bits))
    assert len(pool._attestations) == 1
    assert pool.attestation_count() == n


def test_other_operations_are_capped():
    pool = OperationPool(minimal)
    for i in range(op_pool.MAX_OPS + 30):
        pool.add_proposer_slashing(T.ProposerSlashing(proposer_index=i))
        pool.add_attester_slashing(T.AttesterSlashing())
        pool.add_voluntary_exit(T.VoluntaryExit(validator_index=i))
    assert len(pool.proposer_slashings) == op_pool.MAX_OPS
    assert len(pool.attester_slashings) == op_pool.MAX_OPS
    assert len(pool.voluntary_exits) == op_pool.MAX_OPS

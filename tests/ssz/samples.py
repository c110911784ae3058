"""Populated sample values of the phase0 types, and raw SSZ layout helpers for tests."""
from __future__ import annotations

from beacon.types import get_types


def list_bytes(items: list, variable: bool) -> bytes:
    """SSZ of a list of already-encoded items, with no limit check (to build over-limit input)."""
    if not variable:
        return b"".join(items)
    pos, head = 4 * len(items), []
    for it in items:
        head.append(pos.to_bytes(4, "little"))
        pos += len(it)
    return b"".join(head) + b"".join(items)


def offset(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 4], "little")


def put_offset(data: bytes, at: int, value: int) -> bytes:
    return data[:at] + (value & 0xFFFFFFFF).to_bytes(4, "little") + data[at + 4:]


def attestation(T, bits: int = 3, seed: int = 1):
    agg = [i % 2 == 0 for i in range(bits)]
    return T.Attestation(
        aggregation_bits=agg, custody_bits=[False] * bits,
        data=T.AttestationData(beacon_block_root=bytes([seed]) * 32,
                               source=T.Checkpoint(epoch=seed, root=b"\x02" * 32),
                               target=T.Checkpoint(epoch=seed + 1, root=b"\x03" * 32)),
        signature=bytes([seed]) * 96)


def block(T, n_attestations: int = 2, n_deposits: int = 1, n_exits: int = 1):
    body = T.BeaconBlockBody(
        randao_reveal=b"\x11" * 96, graffiti=b"\x22" * 32,
        attestations=[attestation(T, 3 + i, i + 1) for i in range(n_attestations)],
        deposits=[T.Deposit(data=T.DepositData(pubkey=b"\x33" * 48, amount=32 * 10**9))] * n_deposits,
        voluntary_exits=[T.VoluntaryExit(epoch=5, validator_index=i) for i in range(n_exits)])
    return T.BeaconBlock(slot=9, parent_root=b"\x44" * 32, body=body, signature=b"\x55" * 96)


def state(T, n_validators: int = 4):
    c = T.config
    vals = [T.Validator(pubkey=i.to_bytes(48, "little"), effective_balance=32 * 10**9,
                        slashed=(i % 3 == 0), exit_epoch=2**64 - 1) for i in range(n_validators)]
    pending = T.PendingAttestation(aggregation_bits=[True, False, True],
                                   data=attestation(T).data, inclusion_delay=1, proposer_index=2)
    return T.BeaconState(
        genesis_time=1578009600, slot=17, validators=vals, balances=[32 * 10**9] * n_validators,
        historical_roots=[b"\x66" * 32], eth1_data_votes=[T.Eth1Data(deposit_count=3)],
        previous_epoch_attestations=[pending], current_epoch_attestations=[pending, pending],
        justification_bits=[True, False, True, False],
        block_roots=[i.to_bytes(32, "little") for i in range(c.SLOTS_PER_HISTORICAL_ROOT)])


def types(config):
    return get_types(config)

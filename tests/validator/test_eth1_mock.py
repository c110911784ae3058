from hashlib import sha256

from beacon.config import minimal
from beacon.types import get_types
from validator.eth1_mock import mock_eth1_data, voting_period


def test_interop_mock_vote():
    T = get_types(minimal)
    state = T.BeaconState(slot=40, eth1_deposit_index=16)
    per = minimal.SLOTS_PER_ETH1_VOTING_PERIOD // minimal.SLOTS_PER_EPOCH
    epoch = 40 // minimal.SLOTS_PER_EPOCH
    assert voting_period(minimal, epoch) == epoch // per
    data = mock_eth1_data(minimal, state)
    root = sha256((epoch // per).to_bytes(32, "little")).digest()
    assert bytes(data.deposit_root) == root
    assert bytes(data.block_hash) == sha256(root).digest()
    assert int(data.deposit_count) == 16
    assert mock_eth1_data(minimal, state, epoch=0).deposit_root == sha256(bytes(32)).digest()

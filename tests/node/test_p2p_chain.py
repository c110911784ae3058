"""The handshake's chain check (`P2PChain.is_on_chain` via `check_status`) on a real
chain at genesis: at finalized epoch 0 only the zero root or the genesis block root is
on our chain; any other root earns a goodbye."""
import os

import pytest

from beacon.config import minimal
from beacon.node import chain_adapter as ca
from beacon.node.p2p_chain import P2PChain
from p2p.handshake import check_status
from p2p.messages import GoodbyeReason, Status
from ssz.codec import encode


@pytest.fixture
def p2p_chain(tmp_path, genesis16):
    path = tmp_path / "genesis.ssz"
    path.write_bytes(encode(genesis16))
    chain = ca.open_chain(minimal, tmp_path / "node", path, now=lambda: 10**10)
    yield P2PChain(minimal, chain)
    ca.close_chain(chain)


def _status(pc, finalized_root: bytes, finalized_epoch: int = 0) -> Status:
    return Status(head_fork_version=pc.fork_version, finalized_root=finalized_root,
                  finalized_epoch=finalized_epoch, head_root=os.urandom(32), head_slot=5)


def test_epoch0_random_root_gets_goodbye(p2p_chain):
    status = _status(p2p_chain, os.urandom(32))
    assert check_status(p2p_chain, status) is GoodbyeReason.IRRELEVANT_NETWORK


def test_epoch0_zero_or_genesis_root_is_kept(p2p_chain):
    genesis_root = ca.canonical_root_at_slot(p2p_chain.chain, 0)
    assert genesis_root is not None
    assert check_status(p2p_chain, _status(p2p_chain, bytes(32))) is None
    assert check_status(p2p_chain, _status(p2p_chain, genesis_root)) is None


def test_ahead_of_our_finality_is_kept(p2p_chain):
    # We cannot judge a checkpoint past our own finality yet.
    assert check_status(p2p_chain, _status(p2p_chain, os.urandom(32), 3)) is None

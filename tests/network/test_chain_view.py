"""The handshake's chain check (`SnapshotChainView.is_on_chain` via `check_status`) on
a real chain at genesis: at finalized epoch 0 only the zero root or the genesis block
root is on our chain; any other root earns a goodbye. Ranges come from the snapshot."""
import os

import pytest
import trio

from beacon.network.chain_view import SnapshotChainView
from p2p.handshake import check_status
from p2p.messages import GoodbyeReason, Status
from ssz.signing import signing_root
from tests.chain.test_service import build_chain, open_service


@pytest.fixture
def view(tmp_path, genesis16):
    cs = open_service(tmp_path, genesis16, now=lambda: 10**10)
    blocks, _ = build_chain(genesis16, 3)

    async def start():
        async with trio.open_nursery() as nursery:
            await nursery.start(cs.run)
            for b in (blocks[0], blocks[2]):  # slot 2 stays empty on this branch
                if b is blocks[2]:
                    b = blocks[1]
                assert await cs.import_block(b, "sync") is None
            nursery.cancel_scope.cancel()
    trio.run(start)
    yield SnapshotChainView(cs.config, cs), blocks
    cs.chain.db.close()


def _status(pc, finalized_root: bytes, finalized_epoch: int = 0) -> Status:
    return Status(head_fork_version=pc.fork_version, finalized_root=finalized_root,
                  finalized_epoch=finalized_epoch, head_root=os.urandom(32), head_slot=5)


def test_epoch0_random_root_gets_goodbye(view):
    pc, _ = view
    assert check_status(pc, _status(pc, os.urandom(32))) is GoodbyeReason.IRRELEVANT_NETWORK


def test_epoch0_zero_or_genesis_root_is_kept(view):
    pc, _ = view
    genesis_root = pc.db.canonical_root(0)
    assert genesis_root is not None
    assert check_status(pc, _status(pc, bytes(32))) is None
    assert check_status(pc, _status(pc, genesis_root)) is None


def test_ahead_of_our_finality_is_kept(view):
    pc, _ = view
    # We cannot judge a checkpoint past our own finality yet.
    assert check_status(pc, _status(pc, os.urandom(32), 3)) is None


def test_ranges_and_roots_from_the_snapshot(view):
    pc, blocks = view
    head = signing_root(blocks[1])
    got = pc.blocks_by_range(head, 0, 10, 1)
    assert [int(b.slot) for b in got] == [0, 1, 2]
    assert [int(b.slot) for b in pc.blocks_by_range(head, 1, 2, 1)] == [1, 2]
    assert [int(b.slot) for b in pc.blocks_by_range(head, 0, 2, 2)] == [0, 2]
    assert pc.blocks_by_range(os.urandom(32), 0, 10, 1) == []
    assert pc.blocks_by_range(head, 0, 10, 0) == []
    assert [b is None for b in pc.blocks_by_root([head, os.urandom(32)])] == [False, True]
    assert pc.status().head_root == head and pc.status().finalized_root == bytes(32)

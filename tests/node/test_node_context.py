"""The validator client works in the chain's worker with the chain's EpochContext:
duties, block building (pool and operations included), votes and the snapshot's epoch
facts make no call to the hidden per-thread context."""
import trio

from beacon.api.metrics import NodeMetrics
from beacon.config import minimal as C
from beacon.node.views import NodeView
from beacon.state_transition import context as context_module
from tests.chain.test_service import open_service
from validator.client import ValidatorClient, interop_keys
from validator.slashing_protection import SlashingProtection

SLOTS = 10  # past an epoch boundary: new duties, an epoch transition on the head


def test_validator_duties_blocks_and_votes_use_the_chains_context(tmp_path, genesis16):
    now = int(genesis16.genesis_time) + SLOTS * C.SECONDS_PER_SLOT
    cs = open_service(tmp_path, genesis16, now=lambda: now)
    protection = SlashingProtection(tmp_path / "sp")
    client = ValidatorClient(C, interop_keys(range(16)), NodeView(C, cs), protection, cs.pool,
                             NodeMetrics())

    async def main():
        async with trio.open_nursery() as nursery:
            await nursery.start(cs.run)
            before = context_module.unowned_uses()
            for slot in range(1, SLOTS + 1):
                cs.request_tick()
                await client.on_slot(slot, trio.current_time() + 5)
            with trio.fail_after(10):
                await cs.wait_for_block_at(SLOTS)
            assert context_module.unowned_uses() == before, "a validator path lost its ctx"
            nursery.cancel_scope.cancel()

    try:
        trio.run(main)
        assert cs.chain.ctx.stats["columns_parsed"] >= 1
        head = cs.chain.regen.state_of_block(cs.chain.head_root)
        assert int(head.slot) == SLOTS
        assert sum(len(b) for b in [head.previous_epoch_attestations,
                                    head.current_epoch_attestations]) > 0  # votes included
    finally:
        protection.close()
        cs.chain.db.close()

"""State transition benchmarks: block processing, epoch processing, state hashing."""
from __future__ import annotations

import time

from beacon.chain import anchor_root
from beacon.config import mainnet, minimal
from beacon.genesis.quickstart import quickstart_state
from beacon.state_transition import (
    EpochContext, Signatures, process_epoch, process_slots, state_transition,
)
from bench.states import add_full_participation, state_with_validators
from bench.util import best_of
from ssz.signing import signing_root
from validator import production as P
from validator.keys import interop_privkey


def _minimal_chain(validators: int, slots: int):
    """Blocks with every committee's aggregate attestation, on a quick-start genesis."""
    config = minimal
    genesis = quickstart_state(config, 0, validators)
    ctx = EpochContext(config)
    state, root = genesis, anchor_root(genesis)
    blocks, pending = [], []
    for slot in range(1, slots + 1):
        block, post = P.propose(config, state, root, slot, interop_privkey,
                                operations={"attestations": pending}, ctx=ctx)
        blocks.append(block)
        state, root = post, signing_root(block)
        pending = P.attest_slot(config, state, root, slot, interop_privkey, ctx=ctx)
    return genesis, blocks


def rows():
    genesis, blocks = _minimal_chain(64, 2 * minimal.SLOTS_PER_EPOCH)
    config = minimal
    ctx = EpochContext(config)  # the chain's context: kept across replays, as a node keeps it

    def replay(signatures):
        state = genesis.copy()
        start = time.perf_counter()
        for block in blocks:
            state_transition(config, state, block, signatures=signatures, ctx=ctx)
        return (time.perf_counter() - start) / len(blocks)

    replay(Signatures.VERIFY)  # warm caches (hash_to_G2, pubkeys, shufflings)
    with_sigs = min(replay(Signatures.VERIFY) for _ in range(3))
    without = min(replay(Signatures.SKIP) for _ in range(3))
    atts = sum(len(b.body.attestations) for b in blocks) / len(blocks)
    yield ("block processing, minimal, 64 validators, signatures on", with_sigs * 1e3, "ms/block",
           f"{atts:.1f} attestations/block; target <= 50 ms")
    yield ("block processing, same chain, signatures skipped", without * 1e3, "ms/block",
           f"BLS share {100 * (1 - without / with_sigs):.0f}%")

    for n in (64, 16384, 100000):
        state = state_with_validators(mainnet, n)
        add_full_participation(mainnet, state, ctx=EpochContext(mainnet))
        state.hash_tree_root()
        cold_state = state.copy()
        epoch_ctx = EpochContext(mainnet)
        start = time.perf_counter()
        process_epoch(mainnet, cold_state, ctx=epoch_ctx)
        cold = time.perf_counter() - start
        warm = best_of(lambda: process_epoch(mainnet, state.copy(), ctx=epoch_ctx), repeat=3)
        note = "target <= 0.5 s" if n == 16384 else ""
        yield (f"epoch processing, mainnet, {n} validators (warm caches)", warm, "s",
               f"cold (first parse + shuffle): {cold:.3f} s {note}".strip())

    state = state_with_validators(mainnet, 16384)
    state.slot = int(state.slot) - 2  # mid-epoch: one slot without epoch processing
    state.hash_tree_root()
    timings = []
    slot_ctx = EpochContext(mainnet)
    for _ in range(5):
        s = state.copy()
        process_slots(mainnet, s, int(s.slot) + 1, ctx=slot_ctx)
        start = time.perf_counter()
        s.hash_tree_root()
        timings.append(time.perf_counter() - start)
    encoded = state.encode_bytes()
    full = best_of(lambda: type(state).decode_bytes(encoded).hash_tree_root(), repeat=1)
    yield ("state hash-tree-root after one slot (mainnet, 16384 validators)", min(timings) * 1e3, "ms",
           f"incremental; decode + full rehash of the same state: {full * 1e3:.0f} ms")

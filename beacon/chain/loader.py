"""Rebuild the in-memory fork choice from the database at start-up.

Reads the finalized and justified checkpoints, the summaries (slot, parent) of the
blocks not yet pruned, and the latest messages. Summaries that do not descend from the
finalized block are orphans a crash left between an import batch and its prune batch
(see beacon.storage.db); they are deleted here, keeping blocks of the canonical chain.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from beacon.config import Config
from beacon.chain.regen import StateRegen
from beacon.fork_choice import Checkpoint, ForkChoice
from beacon.state_transition.helpers import get_current_epoch
from beacon.state_transition.registry import validator_columns
from beacon.storage import ChainDB, CorruptDatabase


def justified_balances(config: Config, state, ctx=None) -> np.ndarray:
    """Fork-choice weight per validator: effective balance if active, else 0."""
    cols = validator_columns(state, ctx)
    out = np.zeros(cols.count, np.int64)
    active = cols.active_indices(get_current_epoch(config, state))
    out[active] = cols.effective_balance[active].astype(np.int64)
    return out


def load_fork_choice(config: Config, db: ChainDB, regen: StateRegen,
                     clock_disparity: float) -> ForkChoice:
    (j_epoch, j_root), (f_epoch, f_root) = db.checkpoints()
    summaries = {root: (slot, parent) for root, slot, parent in db.iter_summaries()}
    if f_root not in summaries:
        raise CorruptDatabase(f"{db.path}: finalized block 0x{f_root.hex()} has no summary")
    children = defaultdict(list)
    for root, (_, parent) in summaries.items():
        if root != f_root:
            children[parent].append(root)
    reached = {f_root}
    stack = [f_root]
    while stack:
        for c in children.get(stack.pop(), ()):
            if c not in reached:
                reached.add(c)
                stack.append(c)

    finalized = Checkpoint(f_epoch, f_root)
    justified = Checkpoint(j_epoch, j_root) if j_root in reached else finalized
    fc = ForkChoice(config, db.genesis_time, f_root, summaries[f_root][0], justified, finalized,
                    clock_disparity=clock_disparity)
    # Parents have lower slots than children, so slot order is a valid insertion order.
    for root in sorted(reached - {f_root}, key=lambda r: summaries[r][0]):
        slot, parent = summaries[root]
        fc.proto.add(root, parent, slot)

    orphans = set(summaries) - reached
    if orphans:
        with db.batch() as b:
            for root in orphans:
                if db.canonical_root(summaries[root][0]) == root:
                    b.delete_summary(root)
                else:
                    b.delete_block(root)

    indices, nodes, epochs = [], [], []
    for index, epoch, root in db.iter_latest_messages():
        indices.append(index)
        nodes.append(fc.proto.indices.get(root, -1))
        epochs.append(epoch)
    fc.votes.restore(indices, nodes, epochs)
    fc.set_justified_balances(justified_balances(config, regen.checkpoint_state(justified),
                                                 ctx=regen.ctx))
    return fc

"""Head tracking (reorgs) and end-of-run agreement checks, through `Node.header`.

A reorg is a head change whose new head does not descend from the old one; its depth
is the number of slots of the old head's chain that were abandoned (old head slot minus
the common ancestor's slot). Walks are bounded (`MAX_WALK` headers).
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from testnet.nodes.base import Header, Node, NodeStatus

MAX_WALK = 256


class HeadTracker:
    def __init__(self, node: Node, run):
        self.node, self.run = node, run
        self.head: tuple[str, int] | None = None
        self.changes = 0
        self.reorgs: list[dict] = []

    def observe(self, s: NodeStatus) -> None:
        for old_root, old_slot, new_root, new_slot, ancestor_slot in self.node.logged_reorgs():
            if ancestor_slot < old_slot:   # else the old head is the ancestor: no reorg
                self._record(s.t, (old_root, old_slot), (new_root, new_slot), ancestor_slot)
        if s.head_root is None or s.head_slot is None:
            return
        new = (s.head_root, s.head_slot)
        if self.head is None or new[0] == self.head[0]:
            self.head = new
            return
        old, self.head = self.head, new
        self.changes += 1
        if not self.node.caps.ancestry:
            return
        ancestor = common_ancestor(self.node, old[0], new[0])
        if ancestor is None or ancestor.root == old[0]:
            return
        self._record(s.t, old, new, ancestor.slot)

    def _record(self, t: float, old: tuple[str, int], new: tuple[str, int],
                ancestor_slot: int) -> None:
        self.reorgs.append({"t": round(t, 1), "depth": old[1] - ancestor_slot,
                            "old_head": old[0], "old_slot": old[1], "new_head": new[0],
                            "new_slot": new[1], "ancestor_slot": ancestor_slot})
        self.run.log(f"reorg on {self.node.name}: depth {old[1] - ancestor_slot} "
                     f"(slot {old[1]} -> {new[1]}, common ancestor at slot {ancestor_slot})")


def common_ancestor(node: Node, a_root: str, b_root: str) -> Header | None:
    """Deepest block both roots descend from (a block descends from itself), or None."""
    a, b = node.header(a_root), node.header(b_root)
    for _ in range(MAX_WALK):
        if a is None or b is None:
            return None
        if a.root == b.root:
            return a
        if a.slot >= b.slot and a.slot > 0:
            a = node.header(a.parent_root)
        elif b.slot > 0:
            b = node.header(b.parent_root)
        else:
            return None
    return None


def is_ancestor(node: Node, root: str, of_root: str) -> bool | None:
    """Whether `root` is on the chain of `of_root` as `node` knows it (None: unknown)."""
    target = node.header(root)
    h = node.header(of_root)
    if target is None or h is None:
        return None
    for _ in range(MAX_WALK * 4):
        if h is None:
            return None
        if h.root == target.root:
            return True
        if h.slot <= target.slot:
            return False
        h = node.header(h.parent_root)
    return None


def agreement(run) -> list[str]:
    """End-of-run checks over every live node; fills run.extra['agreement'].

    - head: every node's head is within 2 slots of the chain of the highest head (its
      fork point with that chain is at most 2 slots below it) and lags less than an epoch;
    - justified/finalized: equal epochs carry equal roots, and the lowest finalized
      root is on every node's chain;
    - state roots: blocks known to two nodes carry one state root.
    """
    failures, info = [], {}
    # Heads may differ at the tip for a slot or two (a block still propagating, a
    # proposer on the other tip): up to 3 looks, one slot apart, before calling it.
    for attempt in range(3):
        stats = {n: run.nodes[n].status(run.now()) for n in run.nodes
                 if n not in run.stopped_by_us and run.nodes[n].alive()}
        stats = {n: s for n, s in stats.items() if s.head_root}
        if not stats:
            return ["no node reported a head at the end"]
        ref = max(stats, key=lambda n: stats[n].head_slot)
        rnode = run.nodes[ref]
        heads, head_failures = {}, []
        for n, s in stats.items():
            fork = common_ancestor(rnode, s.head_root, stats[ref].head_root) if n != ref else None
            behind = 0 if n == ref or fork is None else s.head_slot - fork.slot
            lag = stats[ref].head_slot - s.head_slot
            heads[n] = {"slot": s.head_slot, "root": s.head_root, "lag": lag,
                        "slots_off_ref_chain": None if (fork is None and n != ref) else behind}
            if (fork is None and n != ref and rnode.caps.ancestry) or behind > 2:
                head_failures.append(f"head of {n} (slot {s.head_slot}) is not within 2 slots "
                                     f"of the chain of {ref} (slot {stats[ref].head_slot})")
            elif lag > run.spe:      # on the chain but stuck (a lag of a few slots is load)
                head_failures.append(f"head of {n} lags {lag} slots behind {ref}")
        if not head_failures:
            break
        time.sleep(run.sps)
    failures += head_failures
    info["head"] = {"reference": ref, "nodes": heads,
                    "all_equal": len({s.head_root for s in stats.values()}) == 1}
    for what in ("justified", "finalized"):
        by_epoch: dict[int, set] = {}
        for s in stats.values():
            e, r = getattr(s, f"{what}_epoch"), getattr(s, f"{what}_root")
            if e is not None and r is not None:   # a log-read kind may know no root
                by_epoch.setdefault(e, set()).add(r)
        split = {e: sorted(r) for e, r in by_epoch.items() if len(r) > 1}
        if split:
            failures.append(f"{what} roots differ at epochs {split}")
        info[what] = {str(e): sorted(r) for e, r in by_epoch.items()}
    low = min((s for s in stats.values()
               if s.finalized_epoch is not None and s.finalized_root is not None),
              key=lambda s: s.finalized_epoch, default=None)
    if low is not None and low.finalized_epoch > 0:
        for n, s in stats.items():
            if is_ancestor(run.nodes[n], low.finalized_root, s.head_root) is False:
                failures.append(f"finalized root of epoch {low.finalized_epoch} is not "
                                f"on the chain of {n}")
    with ThreadPoolExecutor(max_workers=8) as pool:   # header walks are ~10-50 ms each
        roots = dict(zip(stats, pool.map(lambda n: run.nodes[n].block_state_roots(limit=48),
                                         list(stats))))
    compared, mismatched = 0, []
    names = [n for n in roots if roots[n]]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for blk in roots[a].keys() & roots[b].keys():
                compared += 1
                if roots[a][blk] != roots[b][blk]:
                    mismatched.append((a, b, blk))
    if mismatched:
        failures.append(f"{len(mismatched)} blocks with different state roots, e.g. {mismatched[0]}")
    info["state_roots"] = {"pairs_compared": compared, "mismatches": len(mismatched)}
    run.extra["agreement"] = info
    return failures

"""Columns of the validator registry and balances, read straight from the SSZ tree.

Reading `state.validators[i].field` through views costs microseconds per access; epoch
processing touches every field of every validator. `validator_columns(state)` returns
numpy columns parsed from the tree backing. `parse_columns` takes an earlier parsed
version as a base and walks only the subtrees that differ from it (tree nodes are
immutable, so a node seen before always holds the same values): a block that exits one
validator costs one path through the tree, not a full parse. Which versions are kept is
the business of `EpochContext` (context.py); this module holds no cache.

Invariant: a `ValidatorColumns` is never mutated after it is returned; writers change the
state through views and ask again.
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
from remerkleable.tree import PairNode, RootNode, subtree_fill_to_contents

_U64 = np.uint64


def _u64(leaf) -> int:
    return int.from_bytes(leaf.root[:8], "little")


def _collect(node, depth: int, count: int, out: list) -> None:
    """Append the first `count` leaves at `depth` below `node`."""
    if count <= 0:
        return
    if depth == 0:
        out.append(node)
        return
    half = 1 << (depth - 1)
    if count <= half:
        _collect(node.left, depth - 1, count, out)
    else:
        _collect(node.left, depth - 1, half, out)
        _collect(node.right, depth - 1, count - half, out)


def _changed(old, new, depth: int, offset: int, count: int, out: list) -> None:
    """Indices below `new` (first `count` leaves) whose subtree differs from `old`."""
    if old is new or count <= 0:
        return
    if depth == 0:
        out.append(offset)
        return
    half = 1 << (depth - 1)
    if not isinstance(old, PairNode):  # a zero subtree in the old tree: everything is new
        out.extend(range(offset, offset + count))
        return
    _changed(old.left, new.left, depth - 1, offset, min(count, half), out)
    if count > half:
        _changed(old.right, new.right, depth - 1, offset + half, count - half, out)


class ValidatorColumns:
    """Per-field numpy columns of the registry (uint64, `slashed` as bool)."""

    FIELDS = ("effective_balance", "slashed", "activation_eligibility_epoch",
              "activation_epoch", "exit_epoch", "withdrawable_epoch")

    def __init__(self, count: int):
        self.count = count
        self.effective_balance = np.zeros(count, dtype=_U64)
        self.slashed = np.zeros(count, dtype=bool)
        self.activation_eligibility_epoch = np.zeros(count, dtype=_U64)
        self.activation_epoch = np.zeros(count, dtype=_U64)
        self.exit_epoch = np.zeros(count, dtype=_U64)
        self.withdrawable_epoch = np.zeros(count, dtype=_U64)
        self.pubkeys: list[bytes] = [b""] * count
        # hash_tree_root of each pubkey, read from the tree (remerkleable caches it there).
        self.pubkey_roots: list[bytes] = [b""] * count
        self._active: OrderedDict[int, np.ndarray] = OrderedDict()
        self._memo: OrderedDict[int, dict] = OrderedDict()  # by epoch
        self._memo_static: dict = {}

    def set_from_node(self, i: int, v) -> None:
        """Fill row `i` from the tree node of one Validator container (8 fields, depth 3)."""
        l, r = v.left, v.right
        ll, lr, rl, rr = l.left, l.right, r.left, r.right
        pk = ll.left
        self.pubkeys[i] = bytes(pk.left.root) + bytes(pk.right.root[:16])
        self.pubkey_roots[i] = bytes(pk.merkle_root())
        self.effective_balance[i] = _u64(lr.left)
        self.slashed[i] = lr.right.root[0] != 0
        self.activation_eligibility_epoch[i] = _u64(rl.left)
        self.activation_epoch[i] = _u64(rl.right)
        self.exit_epoch[i] = _u64(rr.left)
        self.withdrawable_epoch[i] = _u64(rr.right)

    def grown_copy(self, count: int) -> "ValidatorColumns":
        out = ValidatorColumns.__new__(ValidatorColumns)
        out.count = count
        n = min(count, self.count)
        for name in self.FIELDS:
            col = getattr(self, name)
            new = np.zeros(count, dtype=col.dtype)
            new[:n] = col[:n]
            setattr(out, name, new)
        out.pubkeys = self.pubkeys[:n] + [b""] * (count - n)
        out.pubkey_roots = self.pubkey_roots[:n] + [b""] * (count - n)
        out._active = OrderedDict()
        out._memo = OrderedDict()
        out._memo_static = {}
        return out

    def active_indices(self, epoch: int) -> np.ndarray:
        """Sorted indices active at `epoch` (cached per epoch)."""
        got = self._active.get(epoch)
        if got is None:
            mask = (self.activation_epoch <= epoch) & (self.exit_epoch > epoch)
            got = np.nonzero(mask)[0].astype(np.int64)
            got.flags.writeable = False
            bounded_put(self._active, epoch, got, _ACTIVE_SIZE)
        return got

    def memo(self, key, compute, epoch: int | None = None):
        """Cache a value derived from these columns only (keyed by the caller).

        Entries are kept per `epoch` (the epoch the value is about), for the
        `_MEMO_EPOCHS` epochs used last: a registry that does not change, the normal case
        once effective balances settle, keeps one `ValidatorColumns` for many epochs, and
        per-epoch and per-slot keys (committees, proposers) would otherwise pile up for
        the node's lifetime. A count of entries is no bound here: on minimal, 1,024 of
        them were 70 epochs of committees, and a node holds up to `COLUMNS_SIZE` of
        these. Values with no epoch (`epoch=None`) stay as long as the columns.
        """
        if epoch is None:
            bucket = self._memo_static
        else:
            bucket = self._memo.get(epoch)
            if bucket is None:
                bucket = {}
                bounded_put(self._memo, epoch, bucket, _MEMO_EPOCHS)
            else:
                self._memo.move_to_end(epoch)
        try:
            return bucket[key]
        except KeyError:
            value = compute()
            if len(bucket) < _MEMO_PER_EPOCH:  # forks: a handful of seeds an epoch
                bucket[key] = value
            return value


# Epochs of memo entries per ValidatorColumns: the previous, current and next epoch of
# the head and of a fork or two, with room to spare. Per epoch, ~15 keys on minimal and
# ~75 on mainnet (a proposer per slot, committees, totals); more only on many forks.
_MEMO_EPOCHS = 8
_MEMO_PER_EPOCH = 1024
_ACTIVE_SIZE = _MEMO_EPOCHS  # mainnet: 128 kB an epoch


def bounded_put(cache: OrderedDict, key, value, size: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)


def parse_columns(validators, base: "tuple[object, ValidatorColumns] | None") -> ValidatorColumns:
    """Columns of the registry view `validators`.

    Args:
        validators: the `state.validators` list view.
        base: (backing, columns) of an earlier registry version, or None. Only the
            subtrees that differ from it are read (its columns are copied, not changed).
    """
    backing = validators.get_backing()
    contents, count = backing.left, validators.length()
    depth = type(validators).contents_depth()
    if base is not None:
        base_contents = base[0].left
        cols = base[1].grown_copy(count)
        changed: list[int] = []
        _changed(base_contents, contents, depth, 0, count, changed)
        nodes = [contents.getter((1 << depth) | i) for i in changed] if len(changed) < 64 else None
        if nodes is None:
            leaves: list = []
            _collect(contents, depth, count, leaves)
            nodes = [leaves[i] for i in changed]
        for i, node in zip(changed, nodes):
            cols.set_from_node(i, node)
    else:
        cols = ValidatorColumns(count)
        leaves = []
        _collect(contents, depth, count, leaves)
        for i, node in enumerate(leaves):
            cols.set_from_node(i, node)
    for name in ValidatorColumns.FIELDS:
        getattr(cols, name).flags.writeable = False
    return cols


def validator_columns(state, ctx=None) -> ValidatorColumns:
    """`ctx.columns(state)`; without a context, the thread's unowned one (old callers)."""
    if ctx is None:
        # Imported here: context.py builds on this module.
        from beacon.state_transition.context import unowned_context
        ctx = unowned_context(None)
    return ctx.columns(state)


def read_balances(state) -> np.ndarray:
    """All balances as a writable uint64 array (a copy)."""
    balances = state.balances
    count = balances.length()
    leaves: list = []
    _collect(balances.get_backing().left, type(balances).contents_depth(), (count + 3) // 4, leaves)
    data = b"".join(bytes(leaf.root) for leaf in leaves)
    return np.frombuffer(data, dtype="<u8", count=count).astype(_U64)


def write_balances(state, values: np.ndarray) -> None:
    """Replace `state.balances` by `values` (same length), building the tree in one go."""
    typ = type(state.balances)
    count = len(values)
    data = np.asarray(values, dtype="<u8").tobytes()
    if len(data) % 32:
        data += b"\x00" * (32 - len(data) % 32)
    chunks = [RootNode(data[i:i + 32]) for i in range(0, len(data), 32)]
    contents = subtree_fill_to_contents(chunks, typ.contents_depth())
    backing = PairNode(contents, RootNode(count.to_bytes(32, "little")))
    state.balances = typ.view_from_backing(backing)

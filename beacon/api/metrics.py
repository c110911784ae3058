"""Prometheus metrics: the names of shared/interop/metrics.md plus node internals.

Services update `NodeMetrics` attributes (one per metric, named after it) as events
happen: fork choice (`set_head`), epoch transition (`set_checkpoints`), gossip, peers,
validator duties. `beacon.api.server.serve_metrics` exposes the registry with
prometheus-client's ASGI app. Every metric lives in the node's own `CollectorRegistry`,
never the process-global one, so two nodes in one process (tests) do not collide and
libp2p's own collectors do not leak into our endpoint.

The metric classes keep the node's call style, `counter.inc(topic=t)` rather than
`counter.labels(topic=t).inc()`, so call sites in the chain, network and validator code
did not change when the hand-written renderer was replaced.
"""
from __future__ import annotations

import prometheus_client as prom

# The `_created` series prometheus-client adds to every counter and histogram are not in
# the interop list and mean nothing to a dashboard that tracks a node's lifetime anyway.
# The switch is process-wide in prometheus-client; this module is the only user of it.
prom.disable_created_metrics()

VALIDATOR_STATUSES = ("pending", "active", "exited", "withdrawable")


def root_to_int64(root: bytes) -> int:
    """Interop rule: a root as a gauge is its last 8 bytes, little-endian, signed."""
    return int.from_bytes(bytes(root)[24:32], "little", signed=True)


class _Readable:
    """`get(**labels)`: the current value, for tests and the slot log line."""

    def get(self, **labels) -> float:
        want = {k: str(v) for k, v in labels.items()}
        for family in self.collect():
            for sample in family.samples:
                if sample.name in (family.name, family.name + "_total") and sample.labels == want:
                    return sample.value
        return 0


class Gauge(_Readable, prom.Gauge):
    def set(self, value: float, **labels) -> None:
        if labels:
            self.labels(**labels).set(value)
        else:
            super().set(value)


class Counter(_Readable, prom.Counter):
    def inc(self, amount: float = 1, **labels) -> None:
        if labels:
            self.labels(**labels).inc(amount)
        else:
            super().inc(amount)


class Histogram(prom.Histogram):
    pass


class NodeMetrics:
    """Every metric the node exports, as attributes named after the metric."""

    def __init__(self):
        r = self.registry = prom.CollectorRegistry(auto_describe=True)

        def gauge(name, doc, labels=()):
            setattr(self, name, Gauge(name, doc, labels, registry=r))

        def counter(name, doc, labels=()):
            setattr(self, name, Counter(name, doc, labels, registry=r))

        # Interop metrics.
        gauge("libp2p_peers", "Number of connected libp2p peers")
        gauge("beacon_slot", "Latest slot of the beacon chain state")
        gauge("beacon_head_slot", "Slot of the head block")
        gauge("beacon_head_root", "Root of the head block (int64)")
        for kind in ("finalized", "current_justified", "previous_justified"):
            gauge(f"beacon_{kind}_epoch", f"Current {kind} epoch")
            gauge(f"beacon_{kind}_root", f"Current {kind} root (int64)")
        # Additional metrics.
        gauge("beacon_current_validators", "Validators by status in the current epoch", ("status",))
        gauge("beacon_previous_validators", "Validators by status in the previous epoch", ("status",))
        gauge("beacon_current_live_validators",
              "Validators with an included current-epoch attestation")
        gauge("beacon_previous_live_validators",
              "Validators with an included previous-epoch attestation")
        gauge("beacon_pending_deposits", "Deposits not yet processed")
        # A gauge despite its name: metrics.md defines it as one (it is read from the state).
        gauge("beacon_processed_deposits_total", "Deposits included on chain")
        gauge("beacon_pending_exits", "Voluntary exits in the pool")
        gauge("beacon_previous_epoch_orphaned_blocks", "Blocks orphaned in the previous epoch")
        counter("beacon_reorgs_total", "Chain reorganizations")
        # Node internals.
        self.beacon_block_import_seconds = Histogram(
            "beacon_block_import_seconds", "Time to import one block",
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=r)
        counter("beacon_blocks_imported_total", "Blocks imported")
        counter("beacon_blocks_rejected_total", "Blocks refused by the chain", ("reason",))
        counter("gossip_messages_received_total", "Gossip messages received", ("topic",))
        counter("gossip_messages_published_total", "Gossip messages we published", ("topic",))
        counter("gossip_messages_rejected_total", "Gossip messages failing validation", ("topic",))
        gauge("libp2p_peers_by_direction", "Connected peers by direction", ("direction",))
        counter("validator_blocks_proposed_total", "Blocks proposed by our validators")
        counter("validator_attestations_published_total",
                "Attestations published by our validators")
        counter("validator_slashing_protection_refusals_total", "Signatures refused", ("kind",))
        # Labelled series appear only once touched; dashboards expect all four statuses.
        for status in VALIDATOR_STATUSES:
            self.beacon_current_validators.set(0, status=status)
            self.beacon_previous_validators.set(0, status=status)

    def set_head(self, slot: int, root: bytes) -> None:
        self.beacon_head_slot.set(slot)
        self.beacon_head_root.set(root_to_int64(root))

    def set_checkpoints(self, finalized, current_justified, previous_justified) -> None:
        """Each argument is a Checkpoint-like value with `.epoch` and `.root`."""
        for kind, cp in (("finalized", finalized), ("current_justified", current_justified),
                         ("previous_justified", previous_justified)):
            getattr(self, f"beacon_{kind}_epoch").set(int(cp.epoch))
            getattr(self, f"beacon_{kind}_root").set(root_to_int64(cp.root))

    def render(self) -> bytes:
        """The text exposition format (what GET /metrics serves by default)."""
        return prom.generate_latest(self.registry)

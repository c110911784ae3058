"""Prometheus metrics: the interop set of shared/interop/metrics.md plus node internals.

Services update the `NodeMetrics` fields as events happen (fork choice, epoch
transition, gossip, peers); `serve_metrics` renders the text exposition format 0.0.4 on
GET /metrics. Written here rather than with prometheus_client to keep the dependency
list to what the node already pins; the format is small.
"""
from __future__ import annotations

import math
import threading

import trio

from beacon.node.http_server import Request, Response, json_error, serve_http

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def root_to_int64(root: bytes) -> int:
    """Interop rule: a root as a gauge is its last 8 bytes, little-endian, signed."""
    return int.from_bytes(bytes(root)[24:32], "little", signed=True)


def _fmt(v: float) -> str:
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) < 2**53):
        return str(int(v))
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return repr(float(v))


def _labels(names: tuple, values: tuple) -> str:
    if not names:
        return ""
    inner = ",".join(f'{n}="{str(v)}"' for n, v in zip(names, values))
    return "{" + inner + "}"


class _Metric:
    kind = "untyped"

    def __init__(self, registry: "Registry", name: str, help: str, labels: tuple = ()):
        self.name, self.help, self.labelnames = name, help, tuple(labels)
        self._values: dict[tuple, float] = {} if labels else {(): 0}
        self._lock = threading.Lock()  # chain work runs in threads too
        registry.add(self)

    def _key(self, labels: dict) -> tuple:
        if set(labels) != set(self.labelnames):
            raise ValueError(f"{self.name}: labels {sorted(labels)} != {self.labelnames}")
        return tuple(str(labels[n]) for n in self.labelnames)

    def get(self, **labels) -> float:
        return self._values.get(self._key(labels), 0)

    def render(self) -> list[str]:
        out = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.kind}"]
        with self._lock:
            items = sorted(self._values.items())
        out += [f"{self.name}{_labels(self.labelnames, k)} {_fmt(v)}" for k, v in items]
        return out


class Gauge(_Metric):
    kind = "gauge"

    def set(self, value: float, **labels) -> None:
        with self._lock:
            self._values[self._key(labels)] = value


class Counter(_Metric):
    kind = "counter"

    def inc(self, amount: float = 1, **labels) -> None:
        if amount < 0:
            raise ValueError(f"{self.name}: a counter only goes up")
        with self._lock:
            key = self._key(labels)
            self._values[key] = self._values.get(key, 0) + amount


class Histogram(_Metric):
    kind = "histogram"

    def __init__(self, registry, name, help, buckets):
        super().__init__(registry, name, help)
        self.buckets = tuple(sorted(buckets)) + (math.inf,)
        self.counts = [0] * len(self.buckets)
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        with self._lock:
            self.sum += value
            self.count += 1
            for i, b in enumerate(self.buckets):
                if value <= b:
                    self.counts[i] += 1

    def render(self) -> list[str]:
        out = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        with self._lock:
            for b, c in zip(self.buckets, self.counts):
                out.append(f'{self.name}_bucket{{le="{_fmt(b)}"}} {c}')
            out += [f"{self.name}_sum {_fmt(self.sum)}", f"{self.name}_count {self.count}"]
        return out


class Registry:
    def __init__(self):
        self.metrics: dict[str, _Metric] = {}

    def add(self, metric: _Metric) -> None:
        if metric.name in self.metrics:
            raise ValueError(f"metric {metric.name} registered twice")
        self.metrics[metric.name] = metric

    def render(self) -> bytes:
        lines = []
        for m in self.metrics.values():
            lines += m.render()
        return ("\n".join(lines) + "\n").encode()


class NodeMetrics:
    """Every metric the node exports, as attributes named after the metric."""

    def __init__(self):
        r = self.registry = Registry()
        # Interop metrics.
        self.libp2p_peers = Gauge(r, "libp2p_peers", "Number of connected libp2p peers")
        self.beacon_slot = Gauge(r, "beacon_slot", "Latest slot of the beacon chain state")
        self.beacon_head_slot = Gauge(r, "beacon_head_slot", "Slot of the head block")
        self.beacon_head_root = Gauge(r, "beacon_head_root", "Root of the head block (int64)")
        for kind in ("finalized", "current_justified", "previous_justified"):
            setattr(self, f"beacon_{kind}_epoch",
                    Gauge(r, f"beacon_{kind}_epoch", f"Current {kind} epoch"))
            setattr(self, f"beacon_{kind}_root",
                    Gauge(r, f"beacon_{kind}_root", f"Current {kind} root (int64)"))
        # Additional metrics.
        self.beacon_current_validators = Gauge(
            r, "beacon_current_validators", "Validators by status in the current epoch", ("status",))
        self.beacon_previous_validators = Gauge(
            r, "beacon_previous_validators", "Validators by status in the previous epoch", ("status",))
        self.beacon_current_live_validators = Gauge(
            r, "beacon_current_live_validators", "Validators with an included current-epoch attestation")
        self.beacon_previous_live_validators = Gauge(
            r, "beacon_previous_live_validators", "Validators with an included previous-epoch attestation")
        self.beacon_pending_deposits = Gauge(r, "beacon_pending_deposits", "Deposits not yet processed")
        self.beacon_processed_deposits_total = Gauge(
            r, "beacon_processed_deposits_total", "Deposits included on chain")
        self.beacon_pending_exits = Gauge(r, "beacon_pending_exits", "Voluntary exits in the pool")
        self.beacon_previous_epoch_orphaned_blocks = Gauge(
            r, "beacon_previous_epoch_orphaned_blocks", "Blocks orphaned in the previous epoch")
        self.beacon_reorgs_total = Counter(r, "beacon_reorgs_total", "Chain reorganizations")
        # Node internals.
        self.beacon_block_import_seconds = Histogram(
            r, "beacon_block_import_seconds", "Time to import one block",
            (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.beacon_blocks_imported_total = Counter(r, "beacon_blocks_imported_total", "Blocks imported")
        self.beacon_blocks_rejected_total = Counter(
            r, "beacon_blocks_rejected_total", "Blocks refused by the chain", ("reason",))
        self.gossip_messages_received_total = Counter(
            r, "gossip_messages_received_total", "Gossip messages received", ("topic",))
        self.gossip_messages_published_total = Counter(
            r, "gossip_messages_published_total", "Gossip messages we published", ("topic",))
        self.gossip_messages_rejected_total = Counter(
            r, "gossip_messages_rejected_total", "Gossip messages failing validation", ("topic",))
        self.libp2p_peers_by_direction = Gauge(
            r, "libp2p_peers_by_direction", "Connected peers by direction", ("direction",))
        self.validator_blocks_proposed_total = Counter(
            r, "validator_blocks_proposed_total", "Blocks proposed by our validators")
        self.validator_attestations_published_total = Counter(
            r, "validator_attestations_published_total", "Attestations published by our validators")
        self.validator_slashing_protection_refusals_total = Counter(
            r, "validator_slashing_protection_refusals_total", "Signatures refused", ("kind",))
        for status in ("pending", "active", "exited", "withdrawable"):
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
        return self.registry.render()


async def serve_metrics(metrics: NodeMetrics, host: str, port: int, *,
                        task_status=trio.TASK_STATUS_IGNORED) -> None:
    """Serve GET /metrics until cancelled; `started()` reports the bound port."""

    async def handler(req: Request) -> Response:
        if req.path not in ("/metrics", "/"):
            return json_error(404, f"no such path {req.path}")
        return Response(200, metrics.render(), CONTENT_TYPE)

    await serve_http(handler, host, port, task_status=task_status)

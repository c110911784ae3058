"""Metrics: every name of shared/interop/metrics.md, interop root encoding, served over HTTP."""
import re
from pathlib import Path

import prometheus_client
import trio

from beacon.api.metrics import NodeMetrics, root_to_int64
from beacon.api.server import serve_metrics
from tests.api.harness import get, request

METRICS_MD = Path(__file__).resolve().parents[3] / "shared" / "interop" / "metrics.md"


def required_names():
    return set(re.findall(r"^\| `([a-z0-9_]+)`", METRICS_MD.read_text(), re.M))


def test_every_interop_and_additional_name_is_exported_with_its_type():
    text = NodeMetrics().render().decode()
    types = dict(re.findall(r"^# TYPE ([a-z0-9_]+) (\w+)", text, re.M))
    table = dict(re.findall(r"^\| `([a-z0-9_]+)`\s*\| (\w+)", METRICS_MD.read_text(), re.M))
    assert len(table) >= 19 and set(table) == required_names()  # the table was parsed
    for name, kind in table.items():
        assert types.get(name) == kind.lower(), name
    assert "_created" not in text


def test_root_conversion_values_and_own_registry():
    root = bytes(24) + (-5).to_bytes(8, "little", signed=True)
    assert root_to_int64(root) == -5
    m, other = NodeMetrics(), NodeMetrics()  # two nodes in one process do not collide
    m.set_head(7, root)
    m.gossip_messages_received_total.inc(topic="/eth2/beacon_block/ssz")
    m.beacon_block_import_seconds.observe(0.03)
    text = m.render().decode()
    assert "beacon_head_slot 7.0" in text and "beacon_head_root -5.0" in text
    assert 'gossip_messages_received_total{topic="/eth2/beacon_block/ssz"} 1.0' in text
    assert 'beacon_block_import_seconds_bucket{le="0.05"} 1.0' in text
    assert m.gossip_messages_received_total.get(topic="/eth2/beacon_block/ssz") == 1
    assert other.beacon_head_slot.get() == 0
    assert b"beacon_head_slot" not in prometheus_client.generate_latest()  # not the global one


def test_served_over_http():
    async def main():
        m = NodeMetrics()
        m.beacon_slot.set(3)
        async with trio.open_nursery() as nursery:
            port = await nursery.start(serve_metrics, m, "127.0.0.1", 0)
            status, headers, body = await get(port, "/metrics")
            assert status == 200 and b"beacon_slot 3.0" in body
            assert headers["content-type"].startswith("text/plain; version=0.0.4")
            status, headers, body = await get(port, "/metrics",
                                              "application/openmetrics-text; version=1.0.0")
            assert status == 200 and body.rstrip().endswith(b"# EOF")
            status, _, _ = await get(port, "/nope")
            assert status == 404
            status, headers, _ = await get(port, "/metrics", method="POST")
            assert status == 405 and set(headers["allow"].split(", ")) == {"GET", "HEAD"}
            status, _, _ = await request(port, b"garbage\r\n\r\n")
            assert status == 400
            status, _, _ = await get(port, "/metrics")  # still serving
            assert status == 200
            nursery.cancel_scope.cancel()

    trio.run(main)

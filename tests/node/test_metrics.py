import re
from pathlib import Path

import trio

from beacon.node.metrics import NodeMetrics, root_to_int64, serve_metrics

METRICS_MD = Path(__file__).resolve().parents[3] / "shared" / "interop" / "metrics.md"


def required_names():
    text = METRICS_MD.read_text()
    return set(re.findall(r"^\| `([a-z0-9_]+)`", text, re.M))


def test_every_interop_and_additional_name_is_exported():
    names = required_names()
    assert len(names) >= 19  # the table was parsed
    text = NodeMetrics().render().decode()
    exported = set(re.findall(r"^# TYPE ([a-z0-9_]+) ", text, re.M))
    assert names <= exported, names - exported


def test_root_conversion_and_values():
    root = bytes(24) + (-5).to_bytes(8, "little", signed=True)
    assert root_to_int64(root) == -5
    m = NodeMetrics()
    m.set_head(7, root)
    m.gossip_messages_received_total.inc(topic="/eth2/beacon_block/ssz")
    m.beacon_block_import_seconds.observe(0.03)
    text = m.render().decode()
    assert "beacon_head_slot 7" in text and "beacon_head_root -5" in text
    assert 'gossip_messages_received_total{topic="/eth2/beacon_block/ssz"} 1' in text
    assert 'beacon_block_import_seconds_bucket{le="0.05"} 1' in text
    assert "beacon_block_import_seconds_count 1" in text


async def http_get(port, path, raw=None):
    stream = await trio.open_tcp_stream("127.0.0.1", port)
    async with stream:
        await stream.send_all(raw or f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        data = b""
        with trio.fail_after(5):
            while chunk := await stream.receive_some(65536):
                data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


def test_served_over_http():
    async def main():
        m = NodeMetrics()
        m.beacon_slot.set(3)
        async with trio.open_nursery() as nursery:
            port = await nursery.start(serve_metrics, m, "127.0.0.1", 0)
            status, body = await http_get(port, "/metrics")
            assert status == 200 and b"beacon_slot 3" in body
            status, _ = await http_get(port, "/nope")
            assert status == 404
            status, _ = await http_get(port, None, raw=b"garbage\r\n\r\n")
            assert status == 400
            status, body = await http_get(port, "/metrics")  # still serving
            assert status == 200
            nursery.cancel_scope.cancel()

    trio.run(main)

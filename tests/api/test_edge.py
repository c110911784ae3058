"""Findings of the outside tester against the old hand-written server, one test each.

The old server answered 500 (with a traceback) for '²' and '①', took '١' and '１' as
slot 1, sent 405 without `Allow`, answered a 20 KB header line with 200, and let 33
clients sending one header byte a second lock every other request for seconds.
"""
import json
import statistics

import trio

from tests.api.harness import get, request, run_with_api

ID_ROUTES = ("/eth/v1/beacon/headers/{}", "/eth/v1/beacon/blocks/{}",
             "/eth/v1/beacon/states/{}/finality_checkpoints",
             "/eth/v1/debug/beacon/states/{}", "/eth/v2/debug/beacon/states/{}")
# '²' superscript two, '①' circled one, '١' Arabic-Indic one, '１' fullwidth one, and
# near-misses of the accepted spellings.
NOT_ASCII_DECIMAL = ("%C2%B2", "%E2%91%A0", "%D9%A1", "%EF%BC%91", "1%0A", "+1", "%201",
                     "0x" + "AB" * 31, "0X" + "ab" * 32, "HEAD", "1.0", "%FF")


def test_only_ascii_decimal_slots_and_hex_roots_are_ids():
    async def check(port, b):
        for route in ID_ROUTES:
            for bad in NOT_ASCII_DECIMAL:
                status, _, body = await get(port, route.format(bad))
                assert status == 400, (route, bad)
                assert json.loads(body)["code"] == 400
            status, _, _ = await get(port, route.format("1"))
            assert status == 200, route
            status, _, _ = await get(port, route.format("01"))  # leading zeros are still ASCII
            assert status == 200, route
    run_with_api(check)


def test_raw_non_ascii_and_garbage_requests_are_refused_not_crashing():
    async def check(port, b):
        status, _, _ = await request(port, "GET /eth/v1/beacon/headers/² HTTP/1.1\r\n"
                                     "Host: x\r\n\r\n".encode("utf-8"))
        assert status == 400
        status, _, _ = await request(port, b"garbage\r\n\r\n")
        assert status == 400
        status, _, _ = await get(port, "/eth/v1/node/version")
        assert status == 200
    run_with_api(check)


def test_405_carries_allow():
    async def check(port, b):
        for method in ("POST", "PUT", "DELETE"):
            status, headers, body = await get(port, "/eth/v1/node/version", method=method)
            assert status == 405
            assert set(headers["allow"].split(", ")) == {"GET", "HEAD"}
            assert json.loads(body) == {"code": 405, "message": "Method Not Allowed"}
        status, headers, body = await get(port, "/eth/v1/node/version", method="HEAD")
        assert status == 200 and body == b""
    run_with_api(check)


def test_oversized_request_head_gets_431():
    big = b"X-Big: " + b"a" * 20_000 + b"\r\n"

    async def check(port, b):
        # In one segment: h11 sees a complete head, so the app-level cap must refuse it.
        status, _, body = await request(
            port, b"GET /eth/v1/node/version HTTP/1.1\r\nHost: x\r\n" + big + b"\r\n")
        assert status == 431 and json.loads(body)["code"] == 431
        # Many small headers adding up past 16 KiB.
        many = b"".join(b"X-%d: %s\r\n" % (i, b"b" * 100) for i in range(200))
        status, _, _ = await request(port, b"GET /eth/v1/node/version HTTP/1.1\r\nHost: x\r\n"
                                     + many + b"\r\n")
        assert status == 431
        # Trickled: h11 refuses once its incomplete buffer passes the cap.
        stream = await trio.open_tcp_stream("127.0.0.1", port)
        async with stream:
            await stream.send_all(b"GET /eth/v1/node/version HTTP/1.1\r\nHost: x\r\n")
            reply = b""
            with trio.fail_after(5):
                try:
                    for i in range(0, len(big), 4096):
                        await stream.send_all(big[i:i + 4096])
                        await trio.sleep(0.01)
                except trio.BrokenResourceError:
                    pass  # the server closed after answering 431
                while chunk := await stream.receive_some(4096):
                    reply += chunk
            assert reply.startswith(b"HTTP/1.1 431"), reply[:60]
        # Just under the cap is fine.
        status, _, _ = await request(port, b"GET /eth/v1/node/version HTTP/1.1\r\nHost: x\r\n"
                                     b"X-Ok: " + b"c" * 15_000 + b"\r\n\r\n")
        assert status == 200
    run_with_api(check)


SLOW_CLIENTS = 200
SLOW_SECONDS = 4


async def _timed_get(port) -> float:
    start = trio.current_time()
    status, _, _ = await get(port, "/eth/v1/beacon/headers/head")
    assert status == 200
    return trio.current_time() - start


async def _slow_client(port, connected: trio.Semaphore) -> None:
    """Open a connection and send the request head one byte per second."""
    stream = await trio.open_tcp_stream("127.0.0.1", port)
    connected.release()
    async with stream:
        try:
            for byte in b"GET /eth/v1/node/version HTTP/1.1\r\n"[:SLOW_SECONDS]:
                await stream.send_all(bytes([byte]))
                await trio.sleep(1)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass  # the server may drop a slow client; that is allowed


def test_200_slow_clients_do_not_delay_a_normal_request():
    async def check(port, b):
        baseline = [await _timed_get(port) for _ in range(5)]
        connected = trio.Semaphore(0, max_value=SLOW_CLIENTS)
        with trio.fail_after(SLOW_SECONDS + 10):
            async with trio.open_nursery() as nursery:
                for _ in range(SLOW_CLIENTS):
                    nursery.start_soon(_slow_client, port, connected)
                for _ in range(SLOW_CLIENTS):
                    await connected.acquire()
                await trio.sleep(1.5)  # every slow client has sent a byte or two
                loaded = [await _timed_get(port) for _ in range(5)]
                nursery.cancel_scope.cancel()
        delay = statistics.median(loaded) - statistics.median(baseline)
        assert delay < 0.1, (baseline, loaded)
        assert max(loaded) < 1.0, loaded  # the old server: 7-8 s at 33 clients
    run_with_api(check)


def test_a_request_head_trickled_past_the_idle_timeout_is_dropped():
    from beacon.api.server import IDLE_TIMEOUT

    async def check(port, b):
        stream = await trio.open_tcp_stream("127.0.0.1", port)
        start = trio.current_time()
        async with stream:
            with trio.fail_after(IDLE_TIMEOUT + 5):
                try:
                    for byte in b"GET /eth/v1/node/version HTTP/1.1\r\nHost: x\r\n":
                        await stream.send_all(bytes([byte]))
                        await trio.sleep(0.5)
                except trio.BrokenResourceError:
                    pass  # the server closed the connection, as it should
                try:
                    assert await stream.receive_some(100) == b""
                except trio.BrokenResourceError:
                    pass  # closed with a reset: dropped all the same
        elapsed = trio.current_time() - start
        assert IDLE_TIMEOUT - 0.5 < elapsed < IDLE_TIMEOUT + 3, elapsed
    run_with_api(check)

"""Serving the ASGI apps with hypercorn's trio worker, inside the node's nursery.

    TCP -> hypercorn (h11/h2 parsing, keep-alive, timeouts) -> header cap -> Starlette app

DoS posture, the reason for each setting below:
- one trio task per connection, so a slow client costs a task and a buffer, never a
  turn of another request (the old server's 32-connection cap let 33 slow clients
  lock the API);
- a request head still incomplete after `MAX_HEADER_BYTES` is refused by h11 with 431,
  and `HeaderCap` refuses a complete one that is larger (h11 only bounds *incomplete*
  events, so a 20 KB head arriving in one segment would otherwise pass);
- a connection that has not completed a request head within `IDLE_TIMEOUT` (the
  keep-alive timer runs until the head is in) is closed: slow-loris clients go away;
- the listen backlog holds a burst of a few hundred connects without SYN retries.
"""
from __future__ import annotations

import logging

import trio
from hypercorn.config import Config
from hypercorn.trio import serve

from beacon.api.app import build_api_app, build_metrics_app
from beacon.api.backend import ApiBackend
from beacon.api.metrics import NodeMetrics

log = logging.getLogger(__name__)

MAX_HEADER_BYTES = 16 * 1024
IDLE_TIMEOUT = 5.0
BACKLOG = 1024

# hypercorn logs "Running on ..." at info; the node's banner already says where.
_server_log = logging.getLogger("beacon.api.hypercorn")
_server_log.setLevel(logging.WARNING)


class HeaderCap:
    """ASGI middleware: 431 when the request line and headers exceed `limit` bytes."""

    def __init__(self, app, limit: int = MAX_HEADER_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            size += sum(len(name) + len(value) + 4 for name, value in scope["headers"])
            if size > self.limit:
                body = b'{"code":431,"message":"request header fields too large"}'
                await send({"type": "http.response.start", "status": 431,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode()),
                                        (b"connection", b"close")]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def server_config(host: str, port: int) -> Config:
    config = Config()
    config.bind = [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]
    config.h11_max_incomplete_size = MAX_HEADER_BYTES
    config.h2_max_header_list_size = MAX_HEADER_BYTES
    config.keep_alive_timeout = IDLE_TIMEOUT
    config.backlog = BACKLOG
    config.accesslog = None
    config.errorlog = _server_log
    config.include_server_header = False
    # Only used when hypercorn stops itself; the node stops it by cancellation instead.
    config.graceful_timeout = 0.5
    return config


async def serve_asgi(app, host: str, port: int, *, task_status=trio.TASK_STATUS_IGNORED) -> None:
    """Serve `app` on host:port until cancelled; `started()` reports the bound port.

    Raises:
        OSError: the address cannot be bound (port in use); the node should stop.
    """
    async with trio.open_nursery() as nursery:
        binds = await nursery.start(serve, HeaderCap(app), server_config(host, port))
        task_status.started(int(binds[0].rsplit(":", 1)[1]))


async def serve_api(backend: ApiBackend, host: str, port: int, *,
                    task_status=trio.TASK_STATUS_IGNORED) -> None:
    """Serve the Beacon API until cancelled; `started()` reports the bound port."""
    await serve_asgi(build_api_app(backend), host, port, task_status=task_status)


async def serve_metrics(metrics: NodeMetrics, host: str, port: int, *,
                        task_status=trio.TASK_STATUS_IGNORED) -> None:
    """Serve GET /metrics until cancelled; `started()` reports the bound port."""
    await serve_asgi(build_metrics_app(metrics), host, port, task_status=task_status)

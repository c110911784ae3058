"""A minimal HTTP/1.1 server on trio, shared by the Beacon API and the metrics endpoint.

Request in -> `Request` -> handler -> `Response` out, one request per connection
(`Connection: close`). Only GET/HEAD with small headers are expected, so the server
reads at most `MAX_HEADER_BYTES`, gives each connection `REQUEST_TIMEOUT` seconds and
caps concurrent connections; a handler exception becomes a 500 JSON error, never a
crash of the server (DoS: a slow or garbage-sending client only costs one slot).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Awaitable, Callable
from urllib.parse import parse_qsl, unquote, urlsplit

import trio

log = logging.getLogger(__name__)

MAX_HEADER_BYTES = 16 * 1024
REQUEST_TIMEOUT = 10.0
MAX_CONNECTIONS = 32

REASONS = {200: "OK", 206: "Partial Content", 400: "Bad Request", 404: "Not Found",
           405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout",
           413: "Payload Too Large", 500: "Internal Server Error", 503: "Service Unavailable"}


class BadRequest(Exception):
    """The client's bytes are not an HTTP request we accept."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_response(obj, status: int = 200) -> Response:
    return Response(status, json.dumps(obj).encode())


def json_error(status: int, message: str) -> Response:
    """Beacon API error shape: {"code": ..., "message": ...}."""
    return json_response({"code": status, "message": message}, status)


Handler = Callable[[Request], Awaitable[Response]]


def parse_request_head(head: bytes) -> Request:
    """Parse the request line and headers (everything before the blank line).

    Raises:
        BadRequest: malformed request line, header or encoding.
    """
    try:
        text = head.decode("latin-1")
        lines = text.split("\r\n")
        method, target, version = lines[0].split(" ")
    except ValueError:
        raise BadRequest(400, "malformed request line") from None
    if not version.startswith("HTTP/1."):
        raise BadRequest(400, f"unsupported protocol {version!r}")
    headers = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise BadRequest(400, "malformed header line")
        headers[name.strip().lower()] = value.strip()
    parts = urlsplit(target)
    return Request(method.upper(), unquote(parts.path), dict(parse_qsl(parts.query)), headers)


def render_response(resp: Response, head_only: bool = False) -> bytes:
    reason = REASONS.get(resp.status, "Unknown")
    lines = [f"HTTP/1.1 {resp.status} {reason}",
             f"Content-Type: {resp.content_type}",
             f"Content-Length: {len(resp.body)}",
             "Connection: close"]
    lines += [f"{k}: {v}" for k, v in resp.headers.items()]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + resp.body


async def _read_head(stream: trio.abc.Stream) -> bytes:
    buf = bytearray()
    while b"\r\n\r\n" not in buf:
        if len(buf) > MAX_HEADER_BYTES:
            raise BadRequest(413, "request head too large")
        chunk = await stream.receive_some(4096)
        if not chunk:
            raise BadRequest(400, "connection closed before the end of the request head")
        buf += chunk
    return bytes(buf[:buf.index(b"\r\n\r\n")])


async def _handle_connection(stream: trio.abc.Stream, handler: Handler) -> None:
    async with stream:
        head_only = False
        try:
            with trio.fail_after(REQUEST_TIMEOUT):
                try:
                    req = parse_request_head(await _read_head(stream))
                    head_only = req.method == "HEAD"
                    if req.method not in ("GET", "HEAD"):
                        resp = json_error(405, f"method {req.method} not allowed")
                    else:
                        resp = await handler(req)
                except BadRequest as e:
                    resp = json_error(e.status, e.message)
                except trio.TooSlowError:
                    raise
                except Exception as e:  # a handler bug must not take the server down
                    log.exception("http handler failed")
                    resp = json_error(500, f"internal error: {type(e).__name__}")
                await stream.send_all(render_response(resp, head_only))
        except (trio.TooSlowError, trio.BrokenResourceError, trio.ClosedResourceError, OSError):
            pass


async def serve_http(handler: Handler, host: str, port: int, *,
                     task_status=trio.TASK_STATUS_IGNORED) -> None:
    """Serve `handler` on host:port until cancelled; `started()` reports the bound port.

    Raises:
        OSError: the address cannot be bound (port in use); the node should stop.
    """
    listeners = await trio.open_tcp_listeners(port, host=host)
    limit = trio.CapacityLimiter(MAX_CONNECTIONS)
    bound = listeners[0].socket.getsockname()[1]

    async def limited(stream):
        async with limit:
            await _handle_connection(stream, handler)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(trio.serve_listeners, limited, listeners)
        task_status.started(bound)

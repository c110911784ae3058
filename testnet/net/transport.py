"""HTTP GETs to a node's API, on loopback or inside the node's network namespace.

Nodes in a namespace serve their API on that namespace's 127.0.0.1, which the runner
(in the root namespace) cannot reach. A socket belongs to the namespace of the thread
that created it, so `_ns_socket` creates it in a short-lived thread that first enters
the namespace with setns(2); the runner then uses the connected socket normally.
Nothing is ever sent to an address outside the namespaces the tool created.
"""
from __future__ import annotations

import ctypes
import http.client
import json
import os
import socket
import threading

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def _ns_socket(netns: str, host: str, port: int, timeout: float) -> socket.socket:
    box: dict = {}

    def work():
        try:
            fd = os.open(f"/var/run/netns/{netns}", os.O_RDONLY)
            try:
                if _libc.setns(fd, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), f"setns {netns}")
            finally:
                os.close(fd)
            box["sock"] = socket.create_connection((host, port), timeout=timeout)
        except BaseException as e:  # handed to the caller's thread
            box["err"] = e

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(timeout + 1)
    if "err" in box:
        raise box["err"]
    if "sock" not in box:
        raise TimeoutError(f"connect in {netns} timed out")
    return box["sock"]


class _NsConnection(http.client.HTTPConnection):
    def __init__(self, netns: str, host: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._netns = netns

    def connect(self):
        self.sock = _ns_socket(self._netns, self.host, self.port, self.timeout)


def http_get(netns: str | None, port: int, path: str, timeout: float = 3.0,
             accept: str = "application/json") -> tuple[int, bytes] | None:
    """(status, body) of GET http://127.0.0.1:port/path in `netns`; None if unreachable."""
    conn = (_NsConnection(netns, "127.0.0.1", port, timeout) if netns
            else http.client.HTTPConnection("127.0.0.1", port, timeout=timeout))
    try:
        conn.request("GET", path, headers={"accept": accept})
        r = conn.getresponse()
        return r.status, r.read()
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def get_json(netns: str | None, port: int, path: str, timeout: float = 3.0):
    """JSON body of a 200 answer, else None."""
    r = http_get(netns, port, path, timeout)
    if r is None or r[0] != 200:
        return None
    try:
        return json.loads(r[1])
    except ValueError:
        return None

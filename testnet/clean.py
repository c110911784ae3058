"""Find and remove everything the tool created: marked processes and `tnet-*` namespaces.

Processes are found by the `BEACON_TESTNET_RUN` variable every spawned node carries
(testnet.nodes.base.MARK_ENV), so this works after the runner was SIGKILLed.
"""
from __future__ import annotations

import os
import signal
import time

from testnet.net import clean_namespaces, list_namespaces, list_root_links
from testnet.nodes.base import MARK_ENV


def marked_pids(tag: str | None = None) -> list[int]:
    """PIDs of live processes started by a testnet runner (any run, or runs tagged `tag`)."""
    me, out = os.getpid(), []
    needle = f"{MARK_ENV}={tag}/".encode() if tag else f"{MARK_ENV}=".encode()
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == me:
            continue
        try:
            with open(f"/proc/{d}/environ", "rb") as f:
                env = f.read()
            with open(f"/proc/{d}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(e.startswith(needle) for e in env.split(b"\0")):
            out.append(int(d))
    return out


def leftovers(tag: str | None = None) -> dict[str, list]:
    """What a run may have left: processes, namespaces, links in the root namespace."""
    return {"processes": marked_pids(tag), "namespaces": list_namespaces(),
            "links": list_root_links()}


def clean(grace: float = 5.0, tag: str | None = None) -> dict[str, list]:
    """SIGCONT+SIGTERM marked processes (all, or of runs tagged `tag`), SIGKILL after
    `grace`, delete the namespaces."""
    pids = marked_pids(tag)
    for sig in (signal.SIGCONT, signal.SIGTERM):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and marked_pids(tag):
        time.sleep(0.2)
    for pid in marked_pids(tag):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    removed = clean_namespaces()
    return {"processes": pids, "removed": removed}

"""Headless Chromium on a node's /fork-view page: screenshot and branch count.

Chromium runs inside the node's network namespace (the page is on that namespace's
127.0.0.1), with a throwaway profile. The page sets `data-branches` on <body> after it
draws, which `--dump-dom` shows; `--virtual-time-budget` lets its first fetch finish.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def snapshot(node, png: Path, timeout: float = 60) -> dict:
    """Screenshot `node`'s fork view into `png`; returns {"branches": n} or {"error": ...}."""
    exe = chromium()
    if exe is None:
        return {"error": "chromium not installed (apt-get install -y chromium)"}
    url = f"http://127.0.0.1:{node.net.http_port}/fork-view"
    prefix = ["ip", "netns", "exec", node.net.netns] if node.net.netns else []
    with tempfile.TemporaryDirectory(prefix="tnet-chromium-") as profile:
        base = [*prefix, exe, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                "--virtual-time-budget=4000", "--window-size=1200,700"]
        try:
            dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True,
                                 timeout=timeout)
            subprocess.run([*base, f"--screenshot={png}", url], capture_output=True,
                           timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"error": "chromium timed out"}
    m = re.search(r'data-branches="(\d+)"', dom.stdout)
    side = re.search(r'data-longest-side="(\d+)"', dom.stdout)
    out = {"branches": int(m.group(1)) if m else None,
           "longest_side_branch": int(side.group(1)) if side else None,
           "png": png.name if png.exists() else None}
    if m is None:
        out["error"] = f"page did not render: {dom.stderr.strip()[-200:]}"
    return out

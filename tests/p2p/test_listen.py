"""The host refuses to run without its listener (issue 12: a busy port was logged and
ignored, leaving a node nobody could dial)."""
import socket

import pytest
import trio

from p2p.host import HostConfig, open_host
from p2p.identity import generate


def _leaf(e):
    while isinstance(e, BaseExceptionGroup):
        e = e.exceptions[0]
    return e


def test_busy_port_raises_oserror():
    async def main(port):
        async with open_host(generate(), HostConfig(listen_ip="127.0.0.1", port=port)):
            pytest.fail("the host started without a listener")

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(BaseException) as info:
            trio.run(main, busy.getsockname()[1])
    assert isinstance(_leaf(info.value), OSError), info.value
    assert "cannot listen" in str(_leaf(info.value))

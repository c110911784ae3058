"""A duty that meets a stopped chain task is dropped quietly (the node is stopping)."""
import logging

import trio

from beacon.node.node import _run_duties


class Client:
    def __init__(self, error):
        self.error = error

    async def on_slot(self, slot, mid):
        raise self.error


def _records(caplog, error):
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="beacon.node"):
        trio.run(_run_duties, Client(error), 7, 0.0, 5.0)
    return [(r.levelno, r.getMessage()) for r in caplog.records]


def test_a_closed_chain_queue_drops_the_duty_without_an_error(caplog):
    assert _records(caplog, trio.BrokenResourceError()) == [
        (logging.INFO, "validator duties of slot 7 dropped: the chain task has stopped")]


def test_a_duty_bug_is_still_logged_as_an_error(caplog):
    levels = [level for level, _ in _records(caplog, ValueError("bug"))]
    assert levels == [logging.ERROR]

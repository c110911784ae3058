"""Peer records, scoring, bans, the inbound limit and static-peer redialing.

Every misbehaviour is reported once, here, as a `PeerAction`; past `BAN_THRESHOLD`
the peer is disconnected and banned for `ban_seconds` (a banned peer that reconnects is
dropped at once). Scores decay linearly so that a rare timeout never adds up to a ban.

    server/client/gossip --report(peer, action)--> score --> ban queue --> disconnect task
"""
from __future__ import annotations

import enum
import logging
import math
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import trio

log = logging.getLogger(__name__)


class PeerAction(enum.Enum):
    """What a peer did, and the penalty it costs (points; ban at BAN_THRESHOLD)."""
    INVALID_MESSAGE = 20       # gossip that failed validation (REJECT)
    PROTOCOL_VIOLATION = 25    # bad framing, undecodable SSZ, malformed gossip frame
    TIMEOUT = 10               # TTFB / response / request-read timeout
    INVALID_REQUEST = 5        # well-formed but semantically invalid request
    IRRELEVANT = 100           # wrong fork / finalized checkpoint not on our chain

    @property
    def penalty(self) -> int:
        return self.value


BAN_THRESHOLD = 100
DECAY_PER_SECOND = 1.0


@dataclass
class PeerRecord:
    peer_id: str
    outbound: bool = False
    status: Any = None                 # p2p.messages.Status once the handshake ran
    dialect: Any = None                # p2p.reqresp.protocols.Dialect the peer speaks
    score: float = 0.0
    score_at: float = 0.0
    actions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PeerLimits:
    max_inbound: int = 50
    ban_seconds: float = 600.0
    redial_min: float = 1.0
    redial_max: float = 60.0
    # Peer ids cost an attacker nothing: the maps keyed by them are capped. Records
    # go least recently used first; bans (kept apart, so a ban outlives its record)
    # expired first, then the one ending soonest.
    max_records: int = 1024
    max_bans: int = 4096


class PeerManager:
    def __init__(self, limits: PeerLimits = PeerLimits()):
        self.limits = limits
        self.records: dict[str, PeerRecord] = {}
        self.banned_until: dict[str, float] = {}
        self._ban_send, self._ban_recv = trio.open_memory_channel[str](256)

    def record(self, peer_id: str) -> PeerRecord:
        rec = self.records.pop(peer_id, None)
        if rec is None:
            rec = PeerRecord(peer_id, score_at=trio.current_time())
            while len(self.records) >= self.limits.max_records:
                del self.records[next(iter(self.records))]  # least recently used
        self.records[peer_id] = rec  # re-inserted last: dict order is recency of use
        return rec

    def disconnected(self, peer_id: str) -> None:
        """The peer's last connection closed: drop what only a live connection needs.

        A record whose score has decayed to zero carries nothing worth keeping and goes.
        One with a penalty left stays whole (score, so reconnecting does not reset it, and
        the Status that got it penalised); such records are few and capped by
        `max_records`. Bans are kept apart and stay.
        """
        rec = self.records.get(peer_id)
        if rec is None:
            return
        if rec.score - (trio.current_time() - rec.score_at) * DECAY_PER_SECOND <= 0:
            del self.records[peer_id]

    def report(self, peer_id: str, action: PeerAction, reason: str = "") -> None:
        """Charge `peer_id` for `action`; queue a disconnect when it crosses the threshold."""
        rec = self.record(peer_id)
        now = trio.current_time()
        rec.score = max(0.0, rec.score - (now - rec.score_at) * DECAY_PER_SECOND)
        rec.score_at = now
        rec.score += action.penalty
        rec.actions[action.name] = rec.actions.get(action.name, 0) + 1
        log.info("peer %s: %s (%s), score %.0f", peer_id, action.name, reason, rec.score)
        if rec.score >= BAN_THRESHOLD and not self.is_banned(peer_id):
            self._make_room_for_ban(now)
            self.banned_until[peer_id] = now + self.limits.ban_seconds
            try:
                self._ban_send.send_nowait(peer_id)
            except trio.WouldBlock:
                log.warning("ban queue full; %s stays connected until it reconnects", peer_id)

    def _make_room_for_ban(self, now: float) -> None:
        if len(self.banned_until) < self.limits.max_bans:
            return
        for peer, until in list(self.banned_until.items()):
            if until <= now:
                del self.banned_until[peer]
        while len(self.banned_until) >= self.limits.max_bans:
            del self.banned_until[min(self.banned_until, key=self.banned_until.__getitem__)]

    def is_banned(self, peer_id: str) -> bool:
        until = self.banned_until.get(peer_id)
        if until is None:
            return False
        if trio.current_time() >= until:
            del self.banned_until[peer_id]
            return False
        return True

    def inbound_count(self, connected: list[str]) -> int:
        return sum(1 for p in connected if p in self.records and not self.records[p].outbound)

    async def run_bans(self, disconnect: Callable[[str], Awaitable[None]]) -> None:
        """Disconnect each peer as it gets banned."""
        async for peer_id in self._ban_recv:
            await disconnect(peer_id)


async def redial_forever(dial: Callable[[str], Awaitable[str]],
                         is_connected: Callable[[str], bool], maddr: str,
                         limits: PeerLimits) -> None:
    """Keep one static peer connected: dial, and redial with exponential backoff."""
    backoff = limits.redial_min
    peer_id = maddr.rsplit("/p2p/", 1)[-1]
    while True:
        if is_connected(peer_id):
            backoff = limits.redial_min
            await trio.sleep(limits.redial_min)
            continue
        try:
            await dial(maddr)
            log.info("connected to static peer %s", maddr)
            backoff = limits.redial_min
        except Exception as e:  # noqa: BLE001 - DialError and friends: retry later
            log.info("dial %s failed (%s); retry in %.0fs", maddr, e, backoff)
            await trio.sleep(backoff)
            backoff = min(limits.redial_max, backoff * 2 if math.isfinite(backoff) else 1)

"""Fixes to py-libp2p 0.8.1 internals, applied once by `apply()` (called by open_host).

Each patch names the defect it closes; tests/p2p/test_patches.py has one test per patch.
Kept in this one module so that upgrading libp2p means revisiting one file.
"""
from __future__ import annotations

import logging
from typing import Any

import trio

log = logging.getLogger(__name__)

_applied = False
SUBSCRIPTION_QUEUE = 4096
OUTBOUND_QUEUE = 4096
# Largest pubsub RPC frame we send or accept: a GOSSIP_MAX_SIZE payload plus envelope.
MAX_RPC_SIZE = 2**20 + 64 * 1024
_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def apply() -> None:
    global _applied
    if _applied:
        return
    _patch_pubsub_stream_handler()
    _patch_notify_subscriptions()
    _patch_mplex_channel_leak()
    _patch_secp256k1_high_s()
    _patch_outbound_queue()
    _patch_unsigned_topics()
    _patch_secio_remote_address()
    _patch_mplex_whole_messages()
    _patch_delivery_times()
    _quiet_expected_failures()
    _applied = True


# --- 1. malformed gossipsub frame ---------------------------------------------------
# Pubsub.stream_handler catches StreamError/ParseError/IncompleteReadError only; the
# protobuf DecodeError of one garbage frame (or any other surprise) escapes into the
# swarm's task and ends the host. We reset that peer's stream instead, drop the peer from
# pubsub and tell our peer scoring through `pubsub.p2p_on_violation(peer_id_str)`.
def _patch_pubsub_stream_handler() -> None:
    from libp2p.pubsub.pubsub import Pubsub
    original = Pubsub.stream_handler

    async def stream_handler(self: Any, stream: Any) -> None:
        try:
            await original(self, stream)
        except trio.Cancelled:
            raise
        except Exception as e:  # noqa: BLE001
            peer_id = stream.muxed_conn.peer_id
            log.info("bad gossipsub frame from %s: %s: %s", peer_id, type(e).__name__, e)
            with trio.CancelScope(shield=True), trio.move_on_after(1):
                try:
                    await stream.reset()
                except Exception:  # noqa: BLE001
                    pass
            try:
                self._handle_dead_peer(peer_id)
            except Exception:  # noqa: BLE001
                pass
            hook = getattr(self, "p2p_on_violation", None)
            if hook is not None:
                hook(peer_id.to_base58())

    Pubsub.stream_handler = stream_handler


# --- 2. subscription queues that drop silently / crash at shutdown ----------------------
# notify_subscriptions uses a 32-slot queue and drops on overflow with only a log line;
# after the subscriber went away (shutdown under load) send_nowait raises
# BrokenResourceError/ClosedResourceError inside push_msg, which is a pubsub task: the
# exception ends the pubsub service and the host with it. We enlarge the queue, count
# every drop in `pubsub.p2p_dropped` and swallow the closed-channel cases.
def _patch_notify_subscriptions() -> None:
    import libp2p.pubsub.pubsub as mod
    mod.SUBSCRIPTION_CHANNEL_SIZE = SUBSCRIPTION_QUEUE

    def notify_subscriptions(self: Any, publish_message: Any) -> None:
        for topic in publish_message.topicIDs:
            channel = self.subscribed_topics_send.get(topic)
            if channel is None:
                continue
            try:
                channel.send_nowait(publish_message)
            except trio.WouldBlock:
                self.p2p_dropped = getattr(self, "p2p_dropped", 0) + 1
                log.warning("gossip queue for %s full: dropped a message", topic)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                pass

    mod.Pubsub.notify_subscriptions = notify_subscriptions


# --- 3. mplex leaks one channel entry per closed stream -------------------------------
# When both sides have closed, Mplex pops `streams[id]` but never `streams_msg_channels[id]`
# (~1.6 KB per stream per side for the life of the connection). Drop it whenever the
# stream entry is gone after a close.
def _patch_mplex_channel_leak() -> None:
    from libp2p.stream_muxer.mplex.mplex import Mplex
    from libp2p.stream_muxer.mplex.mplex_stream import MplexStream

    original_handle_close = Mplex._handle_close
    original_stream_close = MplexStream.close

    async def _handle_close(self: Any, stream_id: Any) -> None:
        await original_handle_close(self, stream_id)
        if stream_id not in self.streams:
            self.streams_msg_channels.pop(stream_id, None)

    async def close(self: Any) -> None:
        await original_stream_close(self)
        conn = self.muxed_conn
        if conn.streams is not None and self.stream_id not in conn.streams:
            conn.streams_msg_channels.pop(self.stream_id, None)

    Mplex._handle_close = _handle_close
    MplexStream.close = close


# --- 4. secp256k1 signatures with a high S ---------------------------------------------
# libsecp256k1 (coincurve) rejects high-S ECDSA signatures; a client we pair with emits
# them in the Noise handshake payload. Both S and n-S are valid ECDSA, so on a failed
# check we retry with the DER signature normalised to low S.
def _patch_secp256k1_high_s() -> None:
    from libp2p.crypto.secp256k1 import Secp256k1PublicKey
    original = Secp256k1PublicKey.verify

    def verify(self: Any, data: bytes, signature: bytes) -> bool:
        try:
            if original(self, data, signature):
                return True
        except Exception:  # noqa: BLE001 - malformed DER: fall through to normalisation
            pass
        low = normalize_der_low_s(signature)
        if low is None or low == signature:
            return False
        try:
            return bool(original(self, data, low))
        except Exception:  # noqa: BLE001
            return False

    Secp256k1PublicKey.verify = verify


def _der_int(value: int) -> bytes:
    raw = value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")
    if raw[0] & 0x80:
        raw = b"\0" + raw
    return b"\x02" + bytes([len(raw)]) + raw


def parse_der(sig: bytes) -> tuple[int, int] | None:
    """(r, s) of a DER ECDSA signature, or None when malformed."""
    try:
        if sig[0] != 0x30 or sig[1] != len(sig) - 2:
            return None
        i = 2
        out = []
        for _ in range(2):
            if sig[i] != 0x02:
                return None
            n = sig[i + 1]
            out.append(int.from_bytes(sig[i + 2:i + 2 + n], "big"))
            i += 2 + n
        return (out[0], out[1]) if i == len(sig) else None
    except IndexError:
        return None


def encode_der(r: int, s: int) -> bytes:
    body = _der_int(r) + _der_int(s)
    return b"\x30" + bytes([len(body)]) + body


def normalize_der_low_s(sig: bytes) -> bytes | None:
    rs = parse_der(sig)
    if rs is None:
        return None
    r, s = rs
    return encode_der(r, _N - s) if s > _N // 2 else sig


# --- 5. outbound RPC queue of 32 per peer --------------------------------------------
# Every RPC to a peer goes through a 32-slot queue that drops when full: a burst of 200
# publishes lost ~10% at the first hop. The queue size is a default argument (bound at
# definition time), so we replace the defaults: a deep queue, and a frame limit that
# matches what we accept inbound.
def _patch_outbound_queue() -> None:
    from libp2p.pubsub.rpc_queue import RpcQueue
    RpcQueue.__init__.__defaults__ = (OUTBOUND_QUEUE, MAX_RPC_SIZE)


# --- 6. unsigned messages on the topic names of unsigned peers ------------------------
# Strict signing is one switch in py-libp2p: it both signs our messages and drops every
# unsigned one. Lodestar 2019 drops unsigned messages, so we must sign; Trinity 2019
# signs nothing, so its messages would all be dropped. We keep strict signing and let an
# unsigned message through only when every topic it names is one of
# `p2p.gossip.UNSIGNED_TOPIC_IDS` (Trinity's bare names). A signed message is still
# checked, on any topic.
def _patch_unsigned_topics() -> None:
    import libp2p.pubsub.pubsub as mod

    from p2p.gossip import UNSIGNED_TOPIC_IDS
    checked = mod.signature_validator

    def signature_validator(msg: Any) -> bool:
        if not msg.signature and not msg.key and msg.topicIDs and \
                all(t in UNSIGNED_TOPIC_IDS for t in msg.topicIDs):
            return True
        return checked(msg)

    mod.signature_validator = signature_validator


# --- 7. SecIO connections have no remote address -------------------------------------
# EncryptedMsgReadWriter.get_remote_address reads `self.conn`, which SecioMsgReadWriter
# never sets: identify then logs "Error getting remote address: 'SecioMsgReadWriter'
# object has no attribute 'conn'" at ERROR for every SecIO connection (every Lodestar or
# Trinity peer). The address is on the packet reader's underlying connection.
def _patch_secio_remote_address() -> None:
    from libp2p.security.secio.transport import SecioMsgReadWriter

    def get_remote_address(self: Any) -> Any:
        conn = getattr(self.read_writer, "read_write_closer", None)
        return conn.get_remote_address() if conn is not None else None

    def get_transport_addresses(self: Any) -> Any:
        conn = getattr(self.read_writer, "read_write_closer", None)
        return conn.get_transport_addresses() if conn is not None else []

    SecioMsgReadWriter.get_remote_address = get_remote_address
    SecioMsgReadWriter.get_transport_addresses = get_transport_addresses


# --- 8. expected failures logged as errors --------------------------------------------
# BasicHost.new_stream logs a 7-line ERROR for every refused protocol ("na"), which is
# how we learn a peer's request dialect (every hello-only peer refuses `status` once):
# we turn it into UnsupportedProtocol and log one line of our own. SwarmConnection logs
# "Error getting transport addresses" on the root logger for an inbound peer whose
# addresses the peerstore does not have yet, which is normal for a peer that dialed us.
# Mplex warns of frames that arrive for a stream after we reset or closed it, a race
# every timed-out or refused request ends in. Only these messages are dropped; every
# other libp2p record passes.
_EXPECTED = ("Error getting transport addresses",
             "Received message for non-existent stream",
             "Received data from remote after stream was closed by them")


class _ExpectedFailures(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        if msg.startswith("Failed to open stream to peer") and \
                "protocol not supported" in msg:
            return False
        return not msg.startswith(_EXPECTED)


def _quiet_expected_failures() -> None:
    quiet = _ExpectedFailures()
    for name in ("libp2p.host.basic_host", "libp2p.stream_muxer.mplex.mplex", ""):
        logging.getLogger(name).addFilter(quiet)


# --- 9. mplex messages a 2019 js peer reads as whole responses -----------------------
# MplexStream.write splits every write into go-mplex ChunkSize frames (4,076 bytes).
# Lodestar 2019 (js-libp2p-mplex 0.8 under pull-stream) decodes each mplex message it
# receives as one complete req/resp response: a longer response arrived as several
# messages, and the first failed its length check ("invalid request"), so it could never
# sync a range from us. A stream marked `whole_messages` sends each write as one frame,
# up to mplex's message limit (1 MiB, go-mplex MaxMessageSize and js-mplex's too); the
# req/resp server marks the streams of peers in that dialect
# (`p2p.reqresp.protocols.Dialect.whole_messages`).
MPLEX_MAX_MESSAGE = 2**20


def _patch_mplex_whole_messages() -> None:
    from libp2p.stream_muxer.mplex.exceptions import MplexStreamClosed
    from libp2p.stream_muxer.mplex.mplex_stream import MplexStream

    original = MplexStream._do_write

    async def _do_write(self: Any, data: bytes) -> None:
        if not getattr(self, "whole_messages", False) or len(data) > MPLEX_MAX_MESSAGE:
            return await original(self, data)
        async with self.rw_lock.write_lock():
            if self.event_local_closed.is_set():
                raise MplexStreamClosed(f"cannot write to closed stream {self.stream_id}")
            await self.muxed_conn.send_message(self._get_header_flag("message"), data,
                                               self.stream_id)

    MplexStream._do_write = _do_write


def keep_writes_whole(raw_net_stream: Any) -> None:
    """Mark a libp2p net stream so each write goes out as one mplex message (patch 9);
    no effect on other muxers."""
    muxed = getattr(raw_net_stream, "muxed_stream", None)
    from libp2p.stream_muxer.mplex.mplex_stream import MplexStream
    if isinstance(muxed, MplexStream):
        muxed.whole_messages = True


# --- 10. a publish-time list that nothing trims --------------------------------------
# GossipSub.publish appends time.time() to `recent_message_deliveries[topic]` for every
# message it sends or forwards; only the adaptive-gossip health check (a heartbeat step
# we switch off, `adaptive_gossip_enabled=False` in p2p/host.py) ever trims it. Seen in a
# traced soak: +2,241 floats per node over 177 epochs, for the node's lifetime. We keep
# the newest DELIVERY_TIMES_KEPT per topic, far more than that check's one minute needs.
DELIVERY_TIMES_KEPT = 1024


def _patch_delivery_times() -> None:
    from libp2p.pubsub.gossipsub import GossipSub

    original = GossipSub.publish

    async def publish(self: Any, msg_forwarder: Any, pubsub_msg: Any) -> None:
        try:
            await original(self, msg_forwarder, pubsub_msg)
        finally:
            for topic in pubsub_msg.topicIDs:
                times = self.recent_message_deliveries.get(topic)
                if times is not None and len(times) > 2 * DELIVERY_TIMES_KEPT:
                    del times[:-DELIVERY_TIMES_KEPT]

    GossipSub.publish = publish

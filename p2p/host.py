"""Build and run the libp2p host; the only module (with libp2p_patches) that imports libp2p.

`import libp2p` costs ~1.5 s, so it happens inside `open_host`, never at import time.

    open_host(identity, config) -> Host
      TCP  ->  multistream-select 1.0  ->  security: Noise (XX), SecIO  ->  muxer: yamux, mplex
      protocols: identify, ping (/ipfs/ping/1.0.0), gossipsub /meshsub/1.0.0, our req/resp

The `Host` hands out `p2p.stream.Stream` objects and peer ids as base58 strings. Every
libp2p exception is translated to a `p2p.errors` type here, and every stream handler we
register runs inside `_guard`, so neither a remote peer nor a bug of ours can raise into
libp2p's tasks (an exception there ends the whole host).
"""
from __future__ import annotations

import errno
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable

import trio

from p2p.errors import DialError, StreamError, UnsupportedProtocol
from p2p.identity import Identity

log = logging.getLogger(__name__)

SECURITY_CHOICES = ("noise", "secio")
MUXER_CHOICES = ("yamux", "mplex")


@dataclass(frozen=True)
class HostConfig:
    listen_ip: str = "127.0.0.1"
    port: int = 0
    # Offered in this order. Spec: mplex MUST be supported, yamux takes precedence.
    security: tuple[str, ...] = SECURITY_CHOICES
    muxers: tuple[str, ...] = MUXER_CHOICES
    gossip: "GossipParams" = field(default_factory=lambda: GossipParams())


@dataclass(frozen=True)
class GossipParams:
    """Spec v0.8.4 "Gossipsub Parameters"."""
    d: int = 6
    d_low: int = 4
    d_high: int = 12
    d_lazy: int = 6       # py-libp2p 0.8.1 has no separate D_lazy: gossip goes to `d` peers
    fanout_ttl: int = 60
    gossip_advertise: int = 3
    gossip_history: int = 5
    heartbeat_interval: int = 1


class Libp2pStream:
    """`p2p.stream.Stream` over a libp2p net stream, with exceptions translated."""

    def __init__(self, raw: Any, peer_id: str, protocol: str):
        self._raw = raw
        self.peer_id = peer_id
        self.protocol = protocol

    async def read(self, n: int) -> bytes:
        from libp2p.network.stream.exceptions import StreamEOF
        try:
            return await self._raw.read(n)
        except StreamEOF:
            return b""
        except trio.Cancelled:
            raise
        except Exception as e:  # noqa: BLE001 - libp2p raises many unrelated types here
            raise StreamError(f"read failed: {type(e).__name__}: {e}") from None

    async def write(self, data: bytes) -> None:
        try:
            await self._raw.write(data)
        except Exception as e:  # noqa: BLE001
            raise StreamError(f"write failed: {type(e).__name__}: {e}") from None

    def keep_writes_whole(self) -> None:
        from p2p.libp2p_patches import keep_writes_whole
        keep_writes_whole(self._raw)

    async def close_write(self) -> None:
        try:
            await self._raw.close_write()
        except Exception as e:  # noqa: BLE001
            raise StreamError(f"close_write failed: {type(e).__name__}: {e}") from None

    async def close(self) -> None:
        try:
            await self._raw.close()
        except Exception:  # noqa: BLE001 - closing a dead stream is not an error for us
            pass

    async def reset(self) -> None:
        with trio.CancelScope(shield=True):
            with trio.move_on_after(1):
                try:
                    await self._raw.reset()
                except Exception:  # noqa: BLE001
                    pass


Handler = Callable[[Libp2pStream], Awaitable[None]]
ErrorHook = Callable[[str, BaseException], None]


@dataclass
class ConnEvent:
    peer_id: str
    connected: bool          # False: disconnected
    outbound: bool


class Host:
    """Our view of a running libp2p host."""

    def __init__(self, raw_host: Any, pubsub: Any, gossipsub: Any, identity: Identity,
                 events: trio.MemorySendChannel):
        self.raw = raw_host
        self.pubsub = pubsub
        self.gossipsub = gossipsub
        self.identity = identity
        self.peer_id = identity.peer_id
        self._events = events
        self.handler_errors = 0
        self.on_handler_error: ErrorHook | None = None

    @property
    def listen_addrs(self) -> list[str]:
        """Full dialable multiaddrs, /ip4/../tcp/../p2p/<id>."""
        return [str(a) for a in self.raw.get_addrs()]

    def set_handler(self, protocol: str, handler: Handler) -> None:
        from libp2p.custom_types import TProtocol

        async def guarded(net_stream: Any) -> None:
            peer = _peer_of(net_stream)
            stream = Libp2pStream(net_stream, peer, protocol)
            await _guard(self, stream, handler)

        self.raw.set_stream_handler(TProtocol(protocol), guarded)

    async def open_stream(self, peer_id: str, protocol: str,
                          timeout: float = 10.0) -> Libp2pStream:
        """Raises UnsupportedProtocol, DialError (not connected / failed) or StreamError."""
        from libp2p.custom_types import TProtocol
        from libp2p.host.exceptions import StreamFailure
        from libp2p.peer.id import ID
        try:
            pid = ID.from_base58(peer_id)
        except Exception:  # noqa: BLE001
            raise DialError(f"bad peer id {peer_id!r}") from None
        if not self.raw.get_network().get_connections(pid):
            raise DialError(f"not connected to {peer_id}")
        try:
            with trio.fail_after(timeout):
                raw = await self.raw.new_stream(pid, [TProtocol(protocol)])
        except trio.TooSlowError:
            raise StreamError(f"opening {protocol} to {peer_id} timed out") from None
        except StreamFailure as e:
            raise UnsupportedProtocol(f"{protocol} refused: {e}", peer=peer_id,
                                      protocol=protocol) from None
        except Exception as e:  # noqa: BLE001
            raise StreamError(f"opening {protocol}: {type(e).__name__}: {e}") from None
        return Libp2pStream(raw, peer_id, protocol)

    async def dial(self, maddr: str, timeout: float = 10.0) -> str:
        """Connect to /ip4/../tcp/../p2p/<id>; returns the peer id. Raises DialError."""
        import multiaddr
        from libp2p.peer.peerinfo import info_from_p2p_addr
        try:
            info = info_from_p2p_addr(multiaddr.Multiaddr(maddr))
        except Exception as e:  # noqa: BLE001
            raise DialError(f"bad multiaddr {maddr!r}: {e}") from None
        try:
            with trio.fail_after(timeout):
                await self.raw.connect(info)
        except trio.TooSlowError:
            raise DialError(f"dial {maddr} timed out") from None
        except Exception as e:  # noqa: BLE001
            raise DialError(f"dial {maddr}: {type(e).__name__}: {e}") from None
        return info.peer_id.to_base58()

    async def disconnect(self, peer_id: str) -> None:
        from libp2p.peer.id import ID
        with trio.move_on_after(5):
            try:
                await self.raw.disconnect(ID.from_base58(peer_id))
            except Exception as e:  # noqa: BLE001
                log.debug("disconnect %s: %s", peer_id, e)

    def connected_peers(self) -> list[str]:
        return [p.to_base58() for p, conns in
                self.raw.get_network().connections.items() if conns]

    def is_connected(self, peer_id: str) -> bool:
        return peer_id in self.connected_peers()


async def _guard(host: Host, stream: Libp2pStream, handler: Handler) -> None:
    """Run one of our handlers so that nothing it raises reaches libp2p."""
    try:
        await handler(stream)
    except trio.Cancelled:
        raise
    except Exception as e:  # noqa: BLE001 - the point of the guard
        host.handler_errors += 1
        log.warning("handler %s for %s failed: %s: %s", stream.protocol, stream.peer_id,
                    type(e).__name__, e)
        await stream.reset()
        if host.on_handler_error is not None:
            try:
                host.on_handler_error(stream.peer_id, e)
            except Exception:  # noqa: BLE001
                log.exception("on_handler_error hook failed")


def _peer_of(net_stream: Any) -> str:
    try:
        return net_stream.muxed_conn.peer_id.to_base58()
    except Exception:  # noqa: BLE001
        return "unknown"


def _is_outbound(conn: Any) -> bool:
    direction = getattr(conn, "direction", None)
    return "OUTBOUND" in str(direction).upper()


@asynccontextmanager
async def open_host(identity: Identity, config: HostConfig = HostConfig()
                    ) -> AsyncIterator[tuple[Host, trio.MemoryReceiveChannel]]:
    """Start a libp2p host with gossipsub; yields (host, connection-event channel).

    Raises:
        ValueError: unknown security or muxer name in `config`.
    """
    from p2p import libp2p_patches
    libp2p_patches.apply()
    raw, gossipsub, pubsub = _build(identity, config)

    from libp2p.abc import INotifee
    from libp2p.tools.anyio_service import background_trio_service
    import multiaddr

    send, recv = trio.open_memory_channel[ConnEvent](1024)

    class _Notifee(INotifee):
        # Runs inside the swarm's connection tasks: must never raise.
        async def connected(self, network: Any, conn: Any) -> None:
            try:
                await send.send(ConnEvent(conn.muxed_conn.peer_id.to_base58(), True,
                                          _is_outbound(conn)))
            except Exception:  # noqa: BLE001 - channel closed at shutdown
                pass

        async def disconnected(self, network: Any, conn: Any) -> None:
            try:
                await send.send(ConnEvent(conn.muxed_conn.peer_id.to_base58(), False,
                                          _is_outbound(conn)))
            except Exception:  # noqa: BLE001
                pass

        async def opened_stream(self, network: Any, stream: Any) -> None:
            pass

        async def closed_stream(self, network: Any, stream: Any) -> None:
            pass

        async def listen(self, network: Any, maddr: Any) -> None:
            pass

        async def listen_close(self, network: Any, maddr: Any) -> None:
            pass

    raw.get_network().register_notifee(_Notifee())
    listen = multiaddr.Multiaddr(f"/ip4/{config.listen_ip}/tcp/{config.port}")
    host = Host(raw, pubsub, gossipsub, identity, send)
    try:
        async with send, recv:
            async with raw.run([listen]):
                if not raw.get_transport_addrs():
                    # py-libp2p logs a failed bind and runs on without a listener; a node
                    # nobody can dial is not what the operator asked for.
                    raise OSError(errno.EADDRINUSE, f"p2p: cannot listen on {listen} "
                                  "(address in use or not available)")
                async with background_trio_service(pubsub):
                    async with background_trio_service(gossipsub):
                        await pubsub.wait_until_ready()
                        yield host, recv
    finally:
        # Pubsub's seen-message cache sweeps from a thread of its own that pubsub never
        # stops: every host left one behind, and a test session that starts hundreds of
        # hosts ended with hundreds of threads (and a segfault). The stop is immediate.
        pubsub.seen_messages.stop()


def _build(identity: Identity, config: HostConfig) -> tuple[Any, Any, Any]:
    from libp2p import new_host
    from libp2p.crypto.secp256k1 import create_new_key_pair
    from libp2p.crypto.x25519 import create_new_key_pair as new_x25519
    from libp2p.custom_types import TProtocol
    from libp2p.pubsub.gossipsub import GossipSub
    from libp2p.pubsub.pubsub import Pubsub
    import libp2p.security.noise.transport as noise
    import libp2p.security.secio.transport as secio
    from libp2p.stream_muxer.mplex.mplex import MPLEX_PROTOCOL_ID, Mplex
    from libp2p.stream_muxer.yamux.yamux import PROTOCOL_ID as YAMUX_ID, Yamux

    from p2p import libp2p_patches

    key_pair = create_new_key_pair(identity.secret)
    # Explicit lists: the default host would also offer plaintext and TLS.
    sec_opt = {}
    for name in config.security:
        if name == "noise":
            sec_opt[TProtocol(noise.PROTOCOL_ID)] = noise.Transport(
                key_pair, noise_privkey=new_x25519().private_key)
        elif name == "secio":
            sec_opt[TProtocol(secio.ID)] = secio.Transport(key_pair)
        else:
            raise ValueError(f"unknown security {name!r}")
    muxer_opt = {}
    for name in config.muxers:
        if name == "yamux":
            muxer_opt[TProtocol(YAMUX_ID)] = Yamux
        elif name == "mplex":
            muxer_opt[TProtocol(MPLEX_PROTOCOL_ID)] = Mplex
        else:
            raise ValueError(f"unknown muxer {name!r}")
    raw = new_host(key_pair=key_pair, sec_opt=sec_opt, muxer_opt=muxer_opt)

    g = config.gossip
    gossipsub = GossipSub(
        protocols=[TProtocol("/meshsub/1.0.0")],
        degree=g.d, degree_low=g.d_low, degree_high=g.d_high,
        time_to_live=g.fanout_ttl, gossip_window=g.gossip_advertise,
        gossip_history=g.gossip_history, heartbeat_interval=g.heartbeat_interval,
        heartbeat_initial_delay=0.1,
        # py-libp2p extras that break eth2 traffic (measured, see p2p/README.md):
        # 10 msg/s/topic cap incl. our own publishes, heartbeat stretched to 30-60 s,
        # a 3-distinct-IP mesh requirement.
        spam_protection_enabled=False, adaptive_gossip_enabled=False,
        eclipse_protection_enabled=False,
    )
    pubsub = Pubsub(
        raw, gossipsub, strict_signing=True,
        # Frames a little above GOSSIP_MAX_SIZE are cut by pubsub itself (the RPC
        # envelope adds topic, seqno, key and signature); the exact data limit is ours.
        max_inbound_rpc_size=libp2p_patches.MAX_RPC_SIZE,
        cache_size=4096,
    )
    return raw, gossipsub, pubsub

"""Typed errors of the P2P layer.

Every libp2p exception is translated into one of these at the boundary (p2p/host.py),
so callers never match on libp2p types or on message strings. Each req/resp failure
names the peer action it implies (see `PeerAction` in p2p/peers.py).
"""
from __future__ import annotations


class P2PError(Exception):
    """Base of every error raised by the p2p package."""


class IdentityError(P2PError):
    """A --p2p-key or key file that is not a valid secp256k1 private key."""


class DialError(P2PError):
    """Could not connect to a peer (address unreachable, handshake failed, banned)."""


class StreamError(P2PError):
    """The underlying stream was reset or failed; the interaction is over."""


class ReqRespError(P2PError):
    """A req/resp interaction failed. `peer` is the remote peer id (base58)."""

    def __init__(self, message: str, *, peer: str = "", protocol: str = ""):
        super().__init__(message)
        self.peer = peer
        self.protocol = protocol


class TTFBTimeout(ReqRespError):
    """No first response byte within TTFB_TIMEOUT (5 s)."""


class ResponseTimeout(ReqRespError):
    """A response chunk (or the whole request, server side) took longer than RESP_TIMEOUT."""


class ProtocolViolation(ReqRespError):
    """The peer broke the framing: bad varint, oversized length, truncated payload,
    undecodable SSZ, too many chunks, unknown result code."""


class ErrorResponse(ReqRespError):
    """The peer answered with a non-zero result code and an ErrorMessage."""

    def __init__(self, code: int, error_message: str, *, peer: str = "", protocol: str = ""):
        super().__init__(f"result {code}: {error_message}", peer=peer, protocol=protocol)
        self.code = code
        self.error_message = error_message


class UnsupportedProtocol(ReqRespError):
    """The peer does not speak the requested protocol id."""


class InvalidRequest(ReqRespError):
    """Server side: the request is malformed or semantically invalid (result 1)."""

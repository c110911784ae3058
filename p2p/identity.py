"""The node's secp256k1 identity: parse --p2p-key, persist a key in the datadir, derive
the libp2p peer id and multiaddr without importing libp2p (the CLI stays fast).

Accepted key formats (both were in use at the 2019 interop):
  * raw: 32-byte secret as hex (64 hex chars, optional 0x);
  * libp2p protobuf `PrivateKey{Type=Secp256k1(2), Data=<32 bytes>}` as hex (72 chars).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import coincurve

from p2p.errors import IdentityError

KEY_FILE = "p2p-key"
_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
# protobuf header of a libp2p PrivateKey/PublicKey with Type = Secp256k1 (2)
_PB_PRIV_PREFIX = bytes([0x08, 0x02, 0x12, 0x20])
_PB_PUB_PREFIX = bytes([0x08, 0x02, 0x12, 0x21])
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@dataclass(frozen=True)
class Identity:
    secret: bytes          # 32-byte secp256k1 private key

    @property
    def public_key(self) -> bytes:
        """33-byte compressed public key."""
        return coincurve.PrivateKey(self.secret).public_key.format(compressed=True)

    @property
    def peer_id(self) -> str:
        """libp2p peer id: identity multihash of the protobuf public key, base58btc."""
        pb = _PB_PUB_PREFIX + self.public_key
        return b58encode(bytes([0x00, len(pb)]) + pb)

    def protobuf_hex(self) -> str:
        return (_PB_PRIV_PREFIX + self.secret).hex()


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def parse_key(text: str) -> Identity:
    """Parse a --p2p-key value (raw hex or protobuf hex).

    Raises:
        IdentityError: not hex, wrong length, wrong key type, or out of range.
    """
    s = text.strip()
    if s[:2].lower() == "0x":
        s = s[2:]
    try:
        raw = bytes.fromhex(s)
    except ValueError:
        raise IdentityError("p2p key is not hex") from None
    if len(raw) == 36:
        if raw[:4] != _PB_PRIV_PREFIX:
            raise IdentityError("protobuf p2p key is not a secp256k1 private key")
        raw = raw[4:]
    elif len(raw) != 32:
        raise IdentityError(f"p2p key must be 32 bytes raw or 36 bytes protobuf, got {len(raw)}")
    if not 0 < int.from_bytes(raw, "big") < _SECP256K1_N:
        raise IdentityError("p2p key is out of the secp256k1 range")
    return Identity(raw)


def generate() -> Identity:
    return Identity(coincurve.PrivateKey().secret)


def load_or_create(datadir: str | os.PathLike, key: str | None = None) -> Identity:
    """The node identity: `key` when given (used as is; the operator supplies it on each
    start), else the key file in `datadir`, else a new key written there (mode 0600).

    Raises:
        IdentityError: the given key or the stored key file is invalid.
    """
    if key is not None:
        return parse_key(key)
    path = Path(datadir) / KEY_FILE
    if path.exists():
        return parse_key(path.read_text())
    ident = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(ident.secret.hex() + "\n")
    os.replace(tmp, path)
    return ident


def multiaddr(ip: str, port: int, peer_id: str) -> str:
    """The full dialable address printed at start."""
    return f"/ip4/{ip}/tcp/{port}/p2p/{peer_id}"

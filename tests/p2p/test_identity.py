import pytest

from p2p.errors import IdentityError
from p2p.identity import Identity, KEY_FILE, generate, load_or_create, multiaddr, parse_key


def test_raw_and_protobuf_keys_parse_to_the_same_identity():
    ident = generate()
    assert parse_key(ident.secret.hex()) == ident
    assert parse_key("0x" + ident.secret.hex()) == ident
    assert parse_key(ident.protobuf_hex()) == ident


def test_peer_id_matches_libp2p():
    from libp2p.crypto.secp256k1 import create_new_key_pair
    from libp2p.peer.id import ID
    ident = generate()
    kp = create_new_key_pair(ident.secret)
    assert ident.peer_id == ID.from_pubkey(kp.public_key).to_base58()
    assert kp.private_key.serialize().hex() == ident.protobuf_hex()


@pytest.mark.parametrize("bad", ["zz", "00" * 31, "00" * 32, "ff" * 32,
                                 "08011220" + "11" * 32, "00" * 40])
def test_bad_keys_rejected(bad):
    with pytest.raises(IdentityError):
        parse_key(bad)


def test_key_persisted_in_datadir(tmp_path):
    first = load_or_create(tmp_path)
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert load_or_create(tmp_path) == first
    given = Identity(b"\x01" * 32)
    assert load_or_create(tmp_path, given.secret.hex()) == given
    assert load_or_create(tmp_path) == first            # --p2p-key does not overwrite
    (tmp_path / KEY_FILE).write_text("nonsense")
    with pytest.raises(IdentityError):
        load_or_create(tmp_path)


def test_multiaddr():
    ident = generate()
    assert multiaddr("127.0.0.1", 9000, ident.peer_id) == \
        f"/ip4/127.0.0.1/tcp/9000/p2p/{ident.peer_id}"

"""ChainDB: identity checks, clear errors for foreign data, atomic batches, key order."""
import plyvel
import pytest

from beacon.storage import (
    ChainDB, ChainMismatch, DatabaseUnavailable, NotInitialized, NotOurDatabase,
    SchemaVersionMismatch,
)
from beacon.storage import schema as S

ROOT_A, ROOT_B = b"\xaa" * 32, b"\xbb" * 32


def init(db, anchor=ROOT_A, preset="minimal", genesis_time=5):
    db.initialize(preset=preset, genesis_time=genesis_time, anchor_root=anchor,
                  anchor_header_ssz=b"header", anchor_slot=3, anchor_state_ssz=b"state",
                  checkpoint=(0, anchor))


def test_fresh_initialize_and_reopen(tmp_path):
    path = str(tmp_path / "db")
    with ChainDB.open(path) as db:
        assert not db.initialized
        init(db)
    with ChainDB.open(path, create=False) as db:
        assert db.initialized and db.preset == "minimal" and db.genesis_time == 5
        assert db.anchor_root == ROOT_A and db.head() == ROOT_A
        assert db.get_state(ROOT_A) == b"state"
        assert db.canonical_root(3) == ROOT_A
        assert db.checkpoints() == ((0, ROOT_A), (0, ROOT_A))
        db.check_identity(preset="minimal", genesis_time=5, anchor_root=ROOT_A)


def test_other_chain_is_refused(tmp_path):
    path = str(tmp_path / "db")
    with ChainDB.open(path) as db:
        init(db)
        with pytest.raises(ChainMismatch, match="anchor block"):
            db.check_identity(anchor_root=ROOT_B)
        with pytest.raises(ChainMismatch, match="genesis time"):
            db.check_identity(genesis_time=6)
        with pytest.raises(ChainMismatch, match="preset"):
            db.check_identity(preset="mainnet")


def test_uninitialized_identity_check(tmp_path):
    with ChainDB.open(str(tmp_path / "db")) as db:
        with pytest.raises(NotInitialized):
            db.check_identity(preset="minimal")


def test_schema_version_mismatch(tmp_path):
    path = str(tmp_path / "db")
    with ChainDB.open(path) as db:
        init(db)
    raw = plyvel.DB(path)
    raw.put(S.K_SCHEMA, b"999")
    raw.close()
    with pytest.raises(SchemaVersionMismatch, match="version 999"):
        ChainDB.open(path)


def test_foreign_leveldb_is_not_ours(tmp_path):
    path = str(tmp_path / "db")
    raw = plyvel.DB(path, create_if_missing=True)
    raw.put(b"some", b"thing")
    raw.close()
    with pytest.raises(NotOurDatabase, match="marker"):
        ChainDB.open(path)


def test_non_leveldb_directory_and_file(tmp_path):
    d = tmp_path / "photos"
    d.mkdir()
    (d / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(NotOurDatabase):
        ChainDB.open(str(d))
    f = tmp_path / "file"
    f.write_bytes(b"x")
    with pytest.raises(NotOurDatabase):
        ChainDB.open(str(f))
    with pytest.raises(DatabaseUnavailable):
        ChainDB.open(str(tmp_path / "missing"), create=False)


def test_locked_by_another_handle(tmp_path):
    path = str(tmp_path / "db")
    with ChainDB.open(path):
        with pytest.raises(DatabaseUnavailable, match="cannot open"):
            ChainDB.open(path)


def test_batch_is_atomic(tmp_path):
    with ChainDB.open(str(tmp_path / "db")) as db:
        init(db)
        with pytest.raises(RuntimeError):
            with db.batch() as b:
                b.put_block(ROOT_B, b"block", 4, ROOT_A)
                b.put_head(ROOT_B)
                raise RuntimeError("crash before commit")
        assert db.get_block(ROOT_B) is None and db.head() == ROOT_A
        with db.batch() as b:
            b.put_block(ROOT_B, b"block", 4, ROOT_A)
            b.put_head(ROOT_B)
        assert db.get_block(ROOT_B) == b"block" and db.head() == ROOT_B
        assert db.get_summary(ROOT_B) == (4, ROOT_A)


def test_canonical_index_orders_numerically(tmp_path):
    with ChainDB.open(str(tmp_path / "db")) as db:
        init(db)
        with db.batch() as b:
            for slot in (9, 255, 256, 70000):
                b.put_canonical(slot, slot.to_bytes(32, "big"))
        assert [s for s, _ in db.iter_canonical(0, 10**6)] == [3, 9, 255, 256, 70000]
        assert db.canonical_at_or_before(300)[0] == 256
        assert db.canonical_at_or_before(2) is None
        with db.batch() as b:
            b.put_latest_message(7, 2, ROOT_B)
        assert list(db.iter_latest_messages()) == [(7, 2, ROOT_B)]


def test_leveldb_memory_is_set_not_defaulted(tmp_path, monkeypatch):
    """The block cache and write buffer are set, not LevelDB's defaults (8 + 4 MiB per
    database): its block cache filling as the database grew was part of a soak's slow
    RSS climb (docs/reliability.md)."""
    from beacon.storage import db as dbmod
    seen = []
    real = plyvel.DB

    def recording(*args, **kw):
        seen.append(kw)
        return real(*args, **kw)
    monkeypatch.setattr(plyvel, "DB", recording)
    ChainDB.open(tmp_path / "db").close()
    assert seen[-1]["lru_cache_size"] == dbmod.BLOCK_CACHE_BYTES < 8 * 2**20
    assert seen[-1]["write_buffer_size"] == dbmod.WRITE_BUFFER_BYTES < 4 * 2**20

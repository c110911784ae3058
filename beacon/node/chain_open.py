"""Opening the node's chain database: the anchor state file, the datadir, clear errors.

The genesis file is SSZ (`.ssz`) or YAML (`.yaml`/`.yml`), read with the same bounded
YAML loader as the CLI (ssz.yaml_codec), so this module needs nothing from beacon.cli.
"""
from __future__ import annotations

from pathlib import Path

from beacon.chain import Chain, ChainError
from beacon.storage import ChainDB, StorageError
from beacon.types import get_types


class ChainOpenError(Exception):
    """The datadir cannot be opened as our chain (no genesis, another chain, corrupt)."""


def read_anchor_state(config, path: Path):
    """The state in `path` (SSZ or YAML by extension).

    Raises:
        ChainOpenError: unreadable, unknown extension, or not a BeaconState.
    """
    import yaml

    from ssz.codec import SSZDecodeError, decode
    from ssz.yaml_codec import YAMLLimitError, from_obj, load_yaml_bounded

    typ = get_types(config).BeaconState
    suffix = Path(path).suffix.lower()
    try:
        data = Path(path).read_bytes()
        if suffix == ".ssz":
            return decode(typ, data)
        if suffix in (".yaml", ".yml"):
            return from_obj(typ, load_yaml_bounded(data))
    except OSError as e:
        raise ChainOpenError(f"cannot read genesis state {path}: {e.strerror or e}") from None
    except (SSZDecodeError, YAMLLimitError, yaml.YAMLError, ValueError, TypeError) as e:
        raise ChainOpenError(f"cannot read genesis state {path}: {e}") from None
    raise ChainOpenError(f"cannot read genesis state {path}: expected .ssz, .yaml or .yml")


def open_chain(config, datadir: Path, genesis_state_path: Path | None, *, now=None,
               state_cache_size: int = 64) -> Chain:
    """Open the chain in `datadir`, anchoring it at the genesis state on first start.

    Raises:
        ChainOpenError: no database and no genesis state, a genesis state that differs
            from the database's, or a database that is not ours.
    """
    datadir = Path(datadir)
    anchor = None if genesis_state_path is None else read_anchor_state(config, genesis_state_path)
    datadir.mkdir(parents=True, exist_ok=True)
    db = None
    try:
        db = ChainDB.open(str(datadir / "chain"))
        return Chain.open(config, db, anchor_state=anchor, hot_states=state_cache_size,
                          **({"now": now} if now is not None else {}))
    except (StorageError, ChainError, ValueError) as e:
        if db is not None:
            db.close()
        raise ChainOpenError(f"cannot open chain in {datadir}: {e}") from None

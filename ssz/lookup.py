"""Find an SSZ container type of a preset by its spec name.

Used by the test runners and tools that get a type name as text
(e.g. the ssz_static handler directory `BeaconState`).
"""
from __future__ import annotations

from beacon.config import Config
from beacon.types import get_types


def type_by_name(config: Config, name: str):
    """The container class `name` of the types built for `config`.

    Raises:
        KeyError: for an unknown name; the message lists the known ones.
    """
    types = get_types(config)
    try:
        return types.by_name(name)
    except KeyError:
        raise KeyError(f"no SSZ type named {name!r} for preset {getattr(config, 'name', '?')}; "
                       f"known: {', '.join(types.names())}") from None

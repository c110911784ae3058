"""Every fuzz target by name (building the list imports nothing heavy)."""
from __future__ import annotations

from fuzz import p2p_targets, ssz_targets
from fuzz.common import Target


def all_targets() -> dict[str, Target]:
    found = ssz_targets.targets() + p2p_targets.targets()
    try:
        from fuzz import http_target
    except ImportError:  # the Beacon API package is optional at this layer
        pass
    else:
        found += http_target.targets()
    return {t.name: t for t in found}


def crash_dir_name(target_name: str) -> str:
    """File-system name of a target's directory under tests/fuzz/crashes/."""
    return target_name.replace(":", "__")

"""Locating the official v0.8.4 test vectors the CLI tests run over."""
import pytest

from spec_tests.discovery import default_root

ROOT = default_root()
MINIMAL = ROOT / "minimal" / "phase0"


def require_vectors(path):
    if not path.is_dir():
        pytest.skip(f"spec test vectors not found at {path} (set SPEC_TESTS_DIR)")
    return path

"""pytest collection of the official vectors: one test per case, for both presets.

`general` and `minimal` vectors come from the shared root; `mainnet` ones run when present.
Where the root is absent the whole module is skipped with one clear line.
"""
from __future__ import annotations

import pytest

from beacon.config import load_preset
from spec_tests.discovery import default_root, iter_cases
from spec_tests.execute import run_case

ROOT = default_root()

if not ROOT.is_dir():
    pytest.skip(f"spec test vectors not found at {ROOT} (set SPEC_TESTS_DIR)", allow_module_level=True)


def _cases():
    seen = set()
    for config_name in ("minimal", "mainnet"):
        for case in iter_cases(ROOT, config_name):
            if case.id in seen:  # general cases appear under both presets; run them once
                continue
            seen.add(case.id)
            yield pytest.param(case, "minimal" if case.config_name == "general" else config_name, id=case.id)


@pytest.mark.parametrize("case,config_name", list(_cases()))
def test_vector(case, config_name):
    outcome = run_case(case, load_preset(config_name))
    # A skipped vector is a failing vector: both fail here with the runner's reason.
    assert outcome.status == "passed", f"{outcome.status}: {outcome.detail}"


def test_every_format_has_cases():
    """Fails when the root is present but a format's vectors are missing or never found."""
    runners = {case.runner for case in iter_cases(ROOT, "minimal")}
    assert runners == {"bls", "ssz_generic", "ssz_static", "shuffling", "operations",
                       "epoch_processing", "sanity", "genesis"}


@pytest.fixture
def pure_bls():
    from beacon import bls
    previous = bls.backend_name()
    bls.use_backend("pure")
    yield
    bls.use_backend(previous)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in iter_cases(ROOT, "minimal", "bls")])
def test_bls_vector_pure_backend(case, pure_bls):
    """The pure-Python BLS backend passes the same vectors as the native one."""
    outcome = run_case(case, load_preset("minimal"))
    assert outcome.status == "passed", f"{outcome.status}: {outcome.detail}"

"""Find the official test cases under a root directory."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from spec_tests.case import Case

DEFAULT_ROOT = Path(__file__).resolve().parent.parent.parent / "shared" / "spec-tests" / "v0.8.4" / "tests"


def default_root() -> Path:
    """`$SPEC_TESTS_DIR`, else `../shared/spec-tests/v0.8.4/tests` from the project root."""
    env = os.environ.get("SPEC_TESTS_DIR")
    return Path(env) if env else DEFAULT_ROOT


def iter_cases(root: Path, config_name: str, runner: str | None = None) -> Iterator[Case]:
    """Cases of `general` and of `config_name`, in a stable order."""
    for cfg in ("general", config_name):
        phase = root / cfg / "phase0"
        if not phase.is_dir():
            continue
        for runner_dir in sorted(p for p in phase.iterdir() if p.is_dir()):
            if runner is not None and runner_dir.name != runner:
                continue
            for handler_dir in sorted(p for p in runner_dir.iterdir() if p.is_dir()):
                for suite_dir in sorted(p for p in handler_dir.iterdir() if p.is_dir()):
                    for case_dir in sorted(p for p in suite_dir.iterdir() if p.is_dir()):
                        yield Case(case_dir, cfg, runner_dir.name, handler_dir.name,
                                   suite_dir.name, case_dir.name)

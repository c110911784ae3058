"""Run one target under atheris/libFuzzer: `python -m fuzz.run_one NAME [libFuzzer args]`.

The modules under test are imported inside `atheris.instrument_imports`, so libFuzzer
sees their coverage. An AssertionError or any exception the target does not expect
ends the run with the crashing input written to -artifact_prefix.
"""
from __future__ import annotations

import sys

INSTRUMENT = ["ssz", "p2p", "beacon", "validator", "remerkleable", "starlette"]


def main(argv: list[str]) -> None:
    import atheris

    from fuzz.targets import all_targets
    target = all_targets()[argv[1]]
    with atheris.instrument_imports(include=INSTRUMENT):
        one = target.make()
    atheris.Setup([argv[0], *argv[2:]], one)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)

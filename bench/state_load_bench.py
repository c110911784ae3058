"""State load in a fresh process: decode a stored state, compute its first hash-tree-root.

This is paid on every node restart and every `transition` call (issue 10). Each figure
runs in a new interpreter (`python -m bench.state_load_bench FILE`), so nothing is warm:
not the per-type builders (ssz/codegen.py), not the tree. The reference is remerkleable's
own `decode_bytes` + `hash_tree_root` in a fresh process too; the pyspec figure of the
issue (2.2 s at 256 mainnet validators) is not measured here (pyspec is not installed).

Times are CPU seconds of the child (`time.process_time`): on a shared machine, wall time
mostly measures the neighbours. Targets: <= 0.3 s at 16,384 validators; >= 50x pyspec.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

SIZES = (256, 16384)


def _make_state(count: int) -> bytes:
    """Mainnet state of `count` validators just after an epoch transition, as SSZ."""
    from beacon.config import mainnet
    from beacon.state_transition import EpochContext, process_slots
    from bench.states import add_full_participation, state_with_validators
    from ssz.codec import encode
    state = state_with_validators(mainnet, count)
    ctx = EpochContext(mainnet)
    add_full_participation(mainnet, state, ctx=ctx)
    process_slots(mainnet, state, int(state.slot) + 1, ctx=ctx)
    return encode(state)


def _child(path: str, how: str) -> None:
    """Runs in the fresh interpreter: print 'decode_s htr_s root'."""
    from beacon.config import mainnet
    from beacon.protocol import DEFAULT
    typ = DEFAULT.types(mainnet).BeaconState
    data = open(path, "rb").read()
    start = time.process_time()
    if how == "ours":
        from ssz.codec import decode
        state = decode(typ, data)
    else:
        state = typ.decode_bytes(data)
    decoded = time.process_time()
    root = state.hash_tree_root()
    print(decoded - start, time.process_time() - decoded, bytes(root).hex())


def _fresh(path: str, how: str) -> tuple[float, float, str]:
    out = subprocess.run([sys.executable, "-m", "bench.state_load_bench", path, how],
                         capture_output=True, text=True, check=True, env=os.environ).stdout.split()
    return float(out[0]), float(out[1]), out[2]


def rows():
    with tempfile.TemporaryDirectory() as tmp:
        for count in SIZES:
            path = os.path.join(tmp, f"state{count}.ssz")
            with open(path, "wb") as f:
                f.write(_make_state(count))
            ours = min((_fresh(path, "ours") for _ in range(3)), key=lambda r: r[0] + r[1])
            ref = _fresh(path, "remerkleable")
            if ours[2] != ref[2]:
                raise AssertionError(f"roots differ at {count} validators: {ours[2]} vs {ref[2]}")
            total, ref_total = ours[0] + ours[1], ref[0] + ref[1]
            target = "; target < 0.3 s" if count == 16384 else "; target 50x pyspec (2.2 s)"
            yield (f"state load, fresh process, mainnet, {count} validators", total, "s CPU",
                   f"decode {ours[0]:.3f} + first root {ours[1]:.3f}; remerkleable decode_bytes "
                   f"{ref_total:.2f} s ({ref_total / total:.0f}x){target}")


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])

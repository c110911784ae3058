"""A small seeded byte mutator for the CI budget (tests/fuzz/), no atheris needed.

libFuzzer's mutations guided by coverage find more; this one is deterministic for a
seed, so a CI failure reproduces from the test id alone.
"""
from __future__ import annotations

import random

_INTERESTING_U32 = (0, 1, 4, 8, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF)


def mutate(rng: random.Random, data: bytes, others: list[bytes], max_len: int) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        n = len(out)
        if op == 0 and n:                                   # flip a bit
            out[rng.randrange(n)] ^= 1 << rng.randrange(8)
        elif op == 1 and n:                                 # random byte
            out[rng.randrange(n)] = rng.randrange(256)
        elif op == 2 and n >= 4:                            # interesting uint32 (offsets)
            i = rng.randrange(n - 3)
            out[i:i + 4] = rng.choice(_INTERESTING_U32).to_bytes(4, "little")
        elif op == 3 and n:                                 # delete a range
            i = rng.randrange(n)
            del out[i:i + rng.randint(1, max(1, n // 4))]
        elif op == 4:                                       # insert bytes
            i = rng.randint(0, n)
            out[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 5 and n:                                 # truncate
            del out[rng.randrange(n):]
        elif op == 6 and n:                                 # duplicate a range
            i = rng.randrange(n)
            out[i:i] = out[i:i + rng.randint(1, 64)]
        elif op == 7 and others:                            # splice another seed
            other = rng.choice(others)
            cut = rng.randint(0, n)
            out = out[:cut] + other[rng.randint(0, len(other)):]
    return bytes(out[:max_len])

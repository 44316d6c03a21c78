"""Philox-4x32-10 in NumPy, written from Salmon et al. (SC'11, the Random123 paper) for tests only:
an independent reference for the words the fused Triton kernel draws.

Round: with multipliers M0 = 0xD2511F53, M1 = 0xCD9E8D57,
(c0, c1, c2, c3) -> (hi(M1 c2) ^ c1 ^ k0, lo(M1 c2), hi(M0 c0) ^ c3 ^ k1, lo(M0 c0)),
then the key is bumped by the Weyl constants (0x9E3779B9, 0xBB67AE85); ten rounds.
"""

import numpy as np

M0, M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
W0, W1 = np.uint32(0x9E3779B9), np.uint32(0xBB67AE85)
MASK = np.uint64(0xFFFFFFFF)


def _mulhilo(m, x):
    prod = m * x.astype(np.uint64)
    return (prod >> np.uint64(32)).astype(np.uint32), (prod & MASK).astype(np.uint32)


def philox4x32(counter, key, rounds: int = 10):
    """Four uint32 arrays for counters ``(c0, c1, c2, c3)`` (arrays) and key ``(k0, k1)``."""
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint32) for c in counter)
    k0, k1 = np.uint32(key[0]), np.uint32(key[1])
    with np.errstate(over="ignore"):
        for _ in range(rounds):
            hi0, lo0 = _mulhilo(M0, c0)
            hi1, lo1 = _mulhilo(M1, c2)
            c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
            k0, k1 = k0 + W0, k1 + W1
    return c0, c1, c2, c3


def seed_key(seed: int) -> tuple[int, int]:
    """Triton's key for a 64-bit seed: (low word, high word)."""
    return seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF

"""Seeds and independent streams.

Every random function takes ``seed``: ``None`` (fresh entropy from the OS), an int, a
:class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator`. Work split into blocks
draws each block from its own stream, keyed by the block's index with :meth:`SeedSequence.spawn`-style
spawn keys, so results depend on the seed and the block layout of the algorithm, never on how many
threads or chunks ran them. Results record :func:`seed_used`, the integer that reproduces them.
"""

from __future__ import annotations

import numpy as np

from alignlab._validate import ParameterError

SeedLike = None | int | np.random.SeedSequence | np.random.Generator


def seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """The root :class:`SeedSequence` for ``seed`` (a Generator contributes fresh entropy drawn from it)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        words = seed.integers(0, 2**63, size=2).tolist()
        return np.random.SeedSequence((words[0] << 63) | words[1])
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError("seed", f"must be a non-negative integer or a numpy Generator (got {seed!r})")
    return np.random.SeedSequence(int(seed))


def seed_used(root: np.random.SeedSequence) -> int | None:
    """The integer seed that reproduces ``root`` (its entropy), or None for a spawned child sequence,
    which only its parent reproduces."""
    if root.spawn_key or not isinstance(root.entropy, int):
        return None
    return int(root.entropy)


def block_sequence(root: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    """The SeedSequence of the block with index ``key`` under ``root``: independent of every other key."""
    return np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + tuple(int(k) for k in key),
                                  pool_size=root.pool_size)


def block_generator(root: np.random.SeedSequence, *key: int) -> np.random.Generator:
    """A Generator for the block with index ``key`` under ``root``: independent of every other key."""
    return np.random.Generator(np.random.PCG64(block_sequence(root, *key)))

r"""Choosing ``k`` for the Hill estimator by the double bootstrap, and the log-moments it rests on.

Danielsson, de Haan, Peng & de Vries (2001) choose the number ``k`` of upper order statistics
that minimises the asymptotic mean squared error of Hill's estimator. With
:math:`M^{(r)}_k = \frac1k\sum_{i\le k}(L_i - L_{k+1})^r` the statistic
:math:`M^{(2)}_k - 2 (M^{(1)}_k)^2` has mean zero and the same bias order as Hill, so its
bootstrap mean square estimates the AMSE:

1. ``r`` resamples of size :math:`n_1 = n^{\epsilon}`, :math:`\epsilon = \frac12(1 + \log(tn)/\log n)`
   (``t`` = 1/2); :math:`k_1 = \arg\min_k \overline{(M^{(2)} - 2 (M^{(1)})^2)^2}`;
2. the same with :math:`n_2 = n_1^2/n`, giving :math:`k_2`;
3. :math:`k^* = \frac{k_1^2}{k_2}\,\bigl(2(\log n_1/\log k_1 - 1)\bigr)^{\log k_1/\log n_1 - 1}`,
   the constant as corrected by Qi (2008) and used by Voitalov et al. (2019).

Every resample draws from its own stream ``block_generator(seed, stage, attempt, replicate)``; the
squared statistics are summed over chunks of :data:`CHUNK` replicates, on threads, and the chunks'
sums added in chunk order, so the result depends on ``seed`` only, never on ``workers``. When
:math:`k_2 \ge k_1` (a false AMSE minimum) the search restarts above 0.5% of ``n``, up to three
times, and the result says so. ``progress`` counts resamples
(:mod:`alignlab._progress`), ``2 * samples`` per attempt. The work, ``samples * (n1 + n2)`` resampled
values per attempt with every retry counted, is checked against :data:`MAX_RESAMPLED` before it starts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._limits import check_work
from alignlab._progress import ProgressLike, tracker
from alignlab._seeding import SeedLike, block_generator, seed_sequence
from alignlab._results import Result
from alignlab._executor import ordered_map, worker_count

T_BOOTSTRAP = 0.5
EPS_STOP = 0.99
RETRIES = 3
MAX_RESAMPLED = 4e9      # resampled values, every retry counted (a few minutes here) unless max_work says more
CHUNK = 16               # resamples summed per task


@dataclass(frozen=True)
class DoubleBootstrap(Result):
    """Where the double bootstrap put ``k`` and how it got there."""

    k: int
    k1: int
    k2: int
    n1: int
    n2: int
    samples: int
    attempts: int
    reliable: bool
    note: str = ""


def log_moments(desc_logs: np.ndarray, order: int = 1) -> tuple[np.ndarray, ...]:
    r""":math:`M^{(1)}_k` (Hill) and, for ``order`` = 2, :math:`M^{(2)}_k`, for k = 1 .. len - 1.

    ``desc_logs`` are the logs of the values in decreasing order. The logs are centred on the
    largest one before the cumulative sums so that squares do not lose digits.
    """
    centred = desc_logs - desc_logs[0]
    k = np.arange(1, centred.size, dtype=float)
    nxt = centred[1:]
    s1 = np.cumsum(centred[:-1])
    m1 = s1 / k
    m1 -= nxt
    if order == 1:
        return (m1,)
    m2 = np.cumsum(centred[:-1] ** 2)
    m2 /= k
    m2 -= 2.0 * nxt * (s1 / k)
    m2 += nxt * nxt
    return m1, np.maximum(m2, 0.0, out=m2)


def _amse_sum(positive_logs: np.ndarray, size: int, generators) -> np.ndarray:
    """Sum over resamples of :math:`(M^{(2)}_k - 2 (M^{(1)}_k)^2)^2`, k = 1 .. size - 1."""
    total = np.zeros(size - 1)
    for rng in generators:
        sample = -positive_logs[rng.integers(0, positive_logs.size, size)]
        sample.sort()
        np.negative(sample, out=sample)             # decreasing and contiguous
        m1, m2 = log_moments(sample, order=2)
        total += (m2 - 2.0 * m1 * m1) ** 2
    return total


def _argmin_amse(positive_logs, size, root, stage, attempt, samples, workers, lowest, bar):
    """k minimising the bootstrap AMSE for resamples of ``size``, searched in ``[lowest, EPS_STOP*size)``."""
    chunks = [range(r, min(r + CHUNK, samples)) for r in range(0, samples, CHUNK)]

    def run(chunk):
        return _amse_sum(positive_logs, size, (block_generator(root, stage, attempt, r) for r in chunk))

    total = np.zeros(size - 1)
    # threads: the sorts and sums release the GIL; chunks of a fixed size, added in chunk order, so the
    # total does not depend on the workers or on scheduling, not even in its last bit
    for chunk, part in zip(chunks, ordered_map(run, chunks, workers=workers, threads=True)):
        total += part
        bar.advance(len(chunk))
    hi = max(lowest + 1, int(round(EPS_STOP * size)) - 1)
    window = total[lowest - 1:hi]
    return int(np.nanargmin(window)) + lowest


def double_bootstrap(positive_logs: np.ndarray, *, seed: SeedLike = 0, samples: int = 500,
                     workers: int | None = None, progress: ProgressLike = False,
                     max_work: float | None = None) -> DoubleBootstrap:
    """The double-bootstrap ``k`` for Hill's estimator from the logs of the positive values (any order);
    ``max_work`` raises the limit :data:`MAX_RESAMPLED` on its work."""
    samples = v.integer("bootstrap_samples", samples, low=10, high=100_000)
    workers = worker_count(workers)
    n = positive_logs.size
    if n < 50:
        raise v.ParameterError("samples", f"the double bootstrap needs at least 50 positive values (got {n}); "
                                          f"pass a fixed k instead")
    root = seed_sequence(seed)
    eps = 0.5 * (1.0 + math.log(int(T_BOOTSTRAP * n)) / math.log(n))
    n1 = int(n ** eps)
    n2 = int(n1 * n1 / n)
    check_work("bootstrap_samples", float(samples) * (n1 + n2) * (RETRIES + 1), MAX_RESAMPLED,
               "resampled values (every retry counted)", max_work)
    lowest = 2
    note = ""
    with tracker(progress, 2 * samples, "double bootstrap for k") as bar:
        for attempt in range(RETRIES + 1):
            if attempt:
                bar.update(0, f"double bootstrap for k, attempt {attempt + 1} of at most {RETRIES + 1}")
            k1 = _argmin_amse(positive_logs, n1, root, 1, attempt, samples, workers, lowest, bar)
            k2 = _argmin_amse(positive_logs, n2, root, 2, attempt, samples, workers, min(lowest, n2 - 2), bar)
            if k2 < k1:
                break
            note = f"k2 = {k2} >= k1 = {k1}: false AMSE minimum; searched again above k = {lowest + int(0.005 * n)}"
            lowest += max(1, int(0.005 * n))
    reliable = k2 < k1 and k1 > 1
    if not reliable:
        note = note or "the AMSE minima give no usable k"
        k_star = max(2, int(round(math.sqrt(n))))
        note += f"; fell back to k = sqrt(n) = {k_star}"
    else:
        rho = (2.0 * (math.log(n1) / math.log(k1) - 1.0)) ** (math.log(k1) / math.log(n1) - 1.0)
        k_star = int(round(k1 * k1 / k2 * rho))
        if k_star >= n:
            note = f"k* = {k_star} exceeds the sample; capped at n - 1"
            k_star = n - 1
        k_star = max(k_star, 2)
    return DoubleBootstrap(k_star, k1, k2, n1, n2, samples, attempt + 1, reliable, note)

r"""Best-of-n selection, exactly: E[V] and E[U] of the draw with the largest U among n.

**Quadrature over the law of the maximum.** Write the proxy's law in the logit variable
:math:`\lambda = \log P(U \ge u) - \log P(U \le u)`, so :math:`S = \sigma(\lambda)` and
:math:`\log F = -\mathrm{softplus}(\lambda)`. With :math:`u(\lambda)` the inverse,

.. math::
    E[g(U_{(n)})] = \int g(u(\lambda))\, n\,\sigma(\lambda)\, e^{-n\,\mathrm{softplus}(\lambda)}\, d\lambda,
    \qquad
    E[V_{(n)}] - E[V] = n(n-1) \int \sigma(\lambda)^2 e^{-(n-1)\,\mathrm{softplus}(\lambda)}\,
    G(u(\lambda))\, d\lambda,

where :math:`G(u) = E[V \mid U \ge u] - E[V]` (integrate :math:`E[(V-\mu) 1\{U = u\}]` by parts
against :math:`n F^{n-1}`). Both integrands are smooth bumps of width O(1) in
:math:`\lambda`, so the trapezoidal rule on a uniform grid converges geometrically (error about
:math:`e^{-\pi^2/h}` for step ``h``): one grid, inverted once by bracketed secant steps on the
exact log tails, serves every n from 1 to 1e12.

**KL.** The density ratio of best-of-n to the base law is :math:`n F(u)^{n-1}`, so
:math:`KL = \log n + (n-1) E[\log F(U_{(n)})]`, here by the same quadrature. For a continuous
proxy it equals the familiar :math:`\log n - (n-1)/n` (Beirami et al. 2024, "Theoretical
guarantees on the best-of-n alignment policy", show this is an upper bound in general, attained
without ties); the two columns agreeing is a check of the grid, not a separate fact. At n = 1 nothing
is selected and E[U] is the base law's mean E[X] + E[V], taken from the laws where both are known
(independent X and V) rather than from the grid, whose sum of a sign-changing integrand leaves
round-off of order 1e-14 where the mean is 0.

**From samples of X** (Monte Carlo only) n is at most :func:`max_n_from_samples` of the sample size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._limits import check_memory
from alignlab._progress import ProgressLike
from alignlab._seeding import SeedLike, seed_sequence, seed_used
from alignlab.dists.tails import TailClass, TailKind
from alignlab.goodhart._inputs import integers
from alignlab.numerics.logistic import log_sigmoid
from alignlab.goodhart.montecarlo import BLOCK, MAX_COUNT, best_of_n_draws, check_draws
from alignlab.goodhart.result_fields import PolicyMeans, Provenance
from alignlab.numerics.quadrature import LogIntegral

STEP = 0.25           # grid step in lambda
UNDERFLOW = -750.0    # exp of a log weight below this is exactly 0 in double precision
MAX_N = 10 ** 12
MAX_N_SIMULATED = 1 << 24
BEYOND_SAMPLE = 0.05  # from samples: the largest accepted chance that the law's best of n lies beyond every sample


@dataclass(frozen=True, kw_only=True)
class BestOfN(PolicyMeans, Provenance):
    """E[V] (``utility``), E[U] (``proxy``) and E[X] (``error``) of the best of ``n`` draws, with KL.

    ``kl`` is KL(best-of-n || base) by quadrature; ``kl_bound`` is log n - (n-1)/n. Monte Carlo
    (``method="mc"``) fills the standard errors ``utility_se`` and ``proxy_se``, ``trials`` and
    ``seed``. ``inf`` (JSON ``null``) where the mean is infinite; ``notes`` says why.
    """

    AXIS = "n"

    n: tuple[int, ...]
    kl_bound: tuple[float, ...]
    utility_se: tuple[float, ...] | None = None
    proxy_se: tuple[float, ...] | None = None
    trials: int | None = None


def max_n_from_samples(m: int) -> int:
    r"""The largest n that best-of-n accepts when X is resampled from ``m`` values:
    :math:`n \le m\,\varepsilon/(1-\varepsilon)` with :math:`\varepsilon` = :data:`BEYOND_SAMPLE`, so m/19.

    Resampling stands in for the law the sample came from only up to the sample's largest value. Of the
    m sample values and n fresh draws from the law, n + m exchangeable draws, the largest is one of the n
    with probability n/(n + m): that is how often the law's best of n would lie beyond everything the
    sample holds, where resampling can only repeat the sample's top few values (selecting on X alone, the
    largest of n resampled values lies among the top j with probability 1 - (1 - j/m)^n: at n = m/19 the
    top 3m/n = 57 hold it 95% of the time, at n = m the top three). This is the resampling-of-maxima
    condition that the number of draws be small against the sample (Bickel, Gotze & van Zwet 1997,
    "Resampling fewer than n observations"). n = 1 selects nothing and is always accepted."""
    return max(1, int(m * BEYOND_SAMPLE / (1.0 - BEYOND_SAMPLE)))


def _check_resampled(m: int, n: int) -> None:
    """Refuse a best of ``n`` from ``m`` samples beyond :func:`max_n_from_samples`, in one line naming it."""
    limit = max_n_from_samples(m)
    if n > limit:
        raise v.ParameterError("n", f"best of n from {m} samples of X stops at n = {limit} "
                                    f"(m/{round((1 - BEYOND_SAMPLE) / BEYOND_SAMPLE)}): the law's best of n would "
                                    f"exceed every sample with probability n/(n + m) = {n / (n + m):.1%} at n = {n}, "
                                    f"above {BEYOND_SAMPLE:.0%} (got {n}); use more samples or a smaller n")


def kl_bound(n) -> np.ndarray:
    """log n - (n - 1)/n."""
    n = np.asarray(n, dtype=float)
    return np.log(n) - (n - 1) / n


def best_of_n(model, n, method: str = "exact", trials: int = 1000, seed: SeedLike = 0, tails=None,
              backend: str = "numpy", progress: ProgressLike = False, max_work: float | None = None) -> BestOfN:
    """Best of ``n`` draws of the proxy, for each ``n``: by quadrature (``method="exact"``, n up to 1e12)
    or Monte Carlo (``"mc"``: ``trials`` trials drawn with ``seed``, n up to 2^24).

    ``tails`` = (right, left) tail classes of U, to tell an infinite E[U] from a finite one.
    ``backend`` (Monte Carlo only): ``numpy``, ``torch`` (CUDA when present) or ``auto``. ``progress``
    (Monte Carlo only) counts blocks of trials. Monte Carlo makes ``trials * max(n)`` draws: more than
    :data:`~alignlab.goodhart.montecarlo.MAX_DRAWS` are refused unless ``max_work`` allows them, and
    so is more memory than the machine can spare."""
    v.choice("method", method, ("exact", "mc"))
    v.choice("backend", backend, ("auto", "numpy", "torch"))
    if method == "mc":
        n = integers("n", n, 1, MAX_N_SIMULATED)
        if getattr(model, "kind", "") == "empirical":
            _check_resampled(model.error.values.size, int(np.max(n)))
        trials = v.integer("trials", trials, low=2, high=MAX_COUNT)
        check_simulation(model, n, trials, max_work)
        return _monte_carlo(model, n, trials, seed_sequence(seed), backend, progress)
    n = integers("n", n, 1, MAX_N)
    grid = _Grid(model, n, tails)
    utility, proxy, kl, notes = [], [], [], list(grid.notes)
    base = _base_mean(model)
    for k in n:
        utility.append(model.mu + grid.utility_gain(int(k)))
        proxy.append(base if k == 1 and base is not None else grid.proxy_mean(int(k)))
        kl.append(grid.kl(int(k)))
    proxy = np.array(proxy)
    if np.isinf(proxy).any():
        notes.append("E[U] is infinite: the proxy's right tail has no finite mean")
    utility = np.array(utility)
    return BestOfN(n=tuple(int(k) for k in n), utility=tuple(utility), proxy=tuple(proxy),
                   error=tuple(proxy - utility), kl=tuple(kl), kl_bound=tuple(kl_bound(n)),
                   utility_mean=float(model.mu), method="exact", notes=tuple(notes))


def _base_mean(model) -> float | None:
    """E[U] = E[X] + E[V] under the base law where both laws' means are known (independent X and V), else None."""
    if getattr(model, "kind", "") != "independent":
        return None
    mean = float(model.error.mean) + float(model.mu)
    return mean if math.isfinite(mean) else None


def check_simulation(model, n: np.ndarray, trials: int, max_work: float | None = None, runs: int = 1) -> None:
    """Refuse ``runs`` best-of-n simulations whose draws or memory exceed the limits, before any starts:
    ``trials`` trials of ``max(n)`` draws each, in blocks of at least ``BLOCK`` draws (about a dozen
    float arrays of that size) and two ``trials x len(n)`` result arrays."""
    n_max = int(np.max(n))
    check_draws("trials", runs * trials * n_max, model, max_work)
    check_memory("n", 96.0 * max(BLOCK, n_max) + 16.0 * trials * np.size(n),
                 f"best of n = {n_max} over {trials} trials")


def _monte_carlo(model, n, trials: int, root: np.random.SeedSequence, backend: str, progress) -> BestOfN:
    from alignlab.samplers.torch_draws import cuda_available
    if backend == "torch" or (backend == "auto" and cuda_available()):
        from alignlab.goodhart.torch_backend import best_of_n_draws_torch
        sel_u, sel_v = best_of_n_draws_torch(model, n, trials, root, progress)
    else:
        sel_u, sel_v = best_of_n_draws(model, n, trials, root, progress)
    se = lambda a: a.std(axis=0, ddof=1) / math.sqrt(trials)          # noqa: E731
    utility, proxy = sel_v.mean(axis=0), sel_u.mean(axis=0)
    return BestOfN(n=tuple(int(k) for k in n), utility=tuple(utility), proxy=tuple(proxy),
                   error=tuple(proxy - utility), kl=tuple(kl_bound(n)), kl_bound=tuple(kl_bound(n)),
                   utility_mean=float(model.mu), method="mc", utility_se=tuple(se(sel_v)),
                   proxy_se=tuple(se(sel_u)), trials=trials, seed=seed_used(root),
                   notes=("kl: for a continuous proxy the exact KL equals log n - (n-1)/n; Monte Carlo does "
                          "not estimate it",))


def _softplus(x):
    return np.logaddexp(0.0, x)




class _Grid:
    """The proxy's quantiles u(lambda_j) on a uniform lambda grid, with the tail gain there."""

    def __init__(self, model, ns, tails):
        n_min, n_max = int(np.min(ns)), int(np.max(ns))
        self.model = model
        self.notes = []
        right, left = tails if tails is not None else (TailClass(TailKind.LIGHT), TailClass(TailKind.LIGHT))
        self.mean_infinite = not right.moment_finite(1.0)
        lam_lo = -math.log(n_max) - 40.0
        # the left end: weight ~ n e^(-n lambda) against |u| ~ e^(lambda / a) for a left tail of index a
        decay = 1.0
        if left.kind is TailKind.REGULARLY_VARYING:
            decay = max(1.0 - 1.0 / (n_min * left.index), 0.05)
        elif left.kind is TailKind.SUPER_HEAVY:
            decay = 0.05
        lam_hi = min(40.0 / (n_min * decay), 700.0)
        self.lam = np.arange(lam_lo, lam_hi + STEP / 2, STEP)
        self.u, reached = invert(model, self.lam)
        # log P(U >= u) = log sigmoid(lambda) at the lambda the inversion reached
        log_sf = log_sigmoid(reached)
        # E[V] needs the tail gain only where some n >= 2 weighs the row by more than exactly 0 (n = 1
        # needs none; the far left end serves E[U] at small n): integrals for the other rows are wasted,
        # and for a utility without a closed-form partial expectation they cost most of the time
        need = np.zeros(self.lam.size, dtype=bool)
        for n in {int(k) for k in np.ravel(ns) if k >= 2}:
            need |= self._gain_log_weights(n) >= UNDERFLOW
        self.gain = np.zeros(self.lam.size)
        if need.any():
            rel = np.full(int(need.sum()), model.rtol)
            self.gain[need], _, _ = model.tail_gain(self.u[need], LogIntegral(log_sf[need], rel,
                                                                              np.full(rel.size, np.nan), 0))

    def _weights(self, n: int, power: float):
        """log of n (power-1 more factors of sigma) e^(-m softplus) on the grid."""
        return np.log(float(n)) + power * log_sigmoid(self.lam) - (n - (power - 1)) * _softplus(self.lam)

    def proxy_mean(self, n: int) -> float:
        if self.mean_infinite:
            return math.inf
        w = np.exp(self._weights(n, 1.0))
        self._check_ends(w * np.abs(self.u), "E[U]", n)
        return float(STEP * np.sum(w * self.u))

    def _gain_log_weights(self, n: int):
        """log of n (n-1) sigma^2 e^(-(n-1) softplus) on the grid: the weights of the gain in E[V]."""
        return math.log(float(n)) + math.log(float(n - 1)) + 2 * log_sigmoid(self.lam) - (n - 1) * _softplus(self.lam)

    def utility_gain(self, n: int) -> float:
        if n == 1:
            return 0.0
        w = np.exp(self._gain_log_weights(n))
        self._check_ends(w * np.abs(self.gain), "E[V]", n)
        return float(STEP * np.sum(w * self.gain))

    def kl(self, n: int) -> float:
        w = np.exp(self._weights(n, 1.0))
        return float(math.log(n) - (n - 1) * STEP * np.sum(w * _softplus(self.lam)))

    def _check_ends(self, terms, what, n):
        total = np.sum(np.abs(terms))
        if total > 0 and max(terms[0], terms[-1]) > 1e-10 * total:
            self.notes.append(f"n = {n}: the lambda grid truncates {what} at relative {max(terms[0], terms[-1]) / total:.1g}")


def invert(model, lam, iterations: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """u with log P(U >= u) - log P(U <= u) = lam, and the value reached there.

    Works in y = asinh((u - c)/s), where power tails are straight lines: a table of lambda(y)
    brackets every target, monotone cubic interpolation of the table gives a first guess, then
    secant steps on the exact log tails, kept inside the bracket (bisection where a step leaves it)."""
    from scipy.interpolate import PchipInterpolator

    lam = np.asarray(lam, dtype=float)
    c, s = model.center, model.spread
    to_u = lambda y: c + s * np.sinh(y)                                  # noqa: E731
    ys = np.linspace(-4.0, 4.0, 65)
    ls = logit_sf(model, to_u(ys))
    while ls[-1] > lam.min() and ys[-1] < 700:          # extend into the right tail, 0.5 apart
        new = ys[-1] + 0.5 * np.arange(1, 17)
        ys, ls = np.concatenate([ys, new]), np.concatenate([ls, logit_sf(model, to_u(new))])
    while ls[0] < lam.max() and ys[0] > -700:           # and into the left tail
        new = ys[0] - 0.5 * np.arange(16, 0, -1)
        ys, ls = np.concatenate([new, ys]), np.concatenate([logit_sf(model, to_u(new)), ls])
    keep = np.isfinite(ls)
    with np.errstate(invalid="ignore"):              # inf - inf where the table ran past the double range
        keep[1:] &= np.diff(ls) < 0                  # strictly decreasing for the interpolant
    ys, ls = ys[keep], ls[keep]
    idx = np.clip(np.searchsorted(-ls, -lam), 1, ys.size - 1)
    lo, hi = ys[idx - 1], ys[idx]                    # lambda(lo) >= target >= lambda(hi)
    guess = PchipInterpolator(-ls, ys)
    upper = lam <= 0
    y0 = np.clip(guess(-lam), lo, hi)
    f0 = logit_sf(model, to_u(y0), upper) - lam
    slope = guess.derivative()(-lam)                 # dy / d(-lambda)
    y1 = np.clip(y0 + f0 * slope, lo, hi)
    f1 = logit_sf(model, to_u(y1), upper) - lam
    tol = 1e-12 * np.maximum(1.0, np.abs(lam))
    for _ in range(iterations):
        # keep the bracket: lambda decreases in y, so f > 0 means the root lies above
        lo = np.where(f1 > 0, np.maximum(lo, y1), lo)
        hi = np.where(f1 < 0, np.minimum(hi, y1), hi)
        active = (np.abs(f1) > tol) & (hi - lo > 1e-15 * np.maximum(1.0, np.abs(y1)))
        if not active.any():
            break
        i = np.flatnonzero(active)
        with np.errstate(invalid="ignore", divide="ignore"):
            y2 = y1[i] - f1[i] * (y1[i] - y0[i]) / (f1[i] - f0[i])
        outside = ~np.isfinite(y2) | (y2 <= lo[i]) | (y2 >= hi[i])
        y2 = np.where(outside, (lo[i] + hi[i]) / 2, y2)
        f2 = logit_sf(model, to_u(y2), upper[i]) - lam[i]
        y0[i], f0[i] = y1[i], f1[i]
        y1[i], f1[i] = y2, f2
    return to_u(y1), lam + f1


def logit_sf(model, u, upper=None) -> np.ndarray:
    """log P(U >= u) - log P(U <= u), from the integral of the smaller tail. ``upper`` says where
    P(U >= u) <= 1/2 is expected; without it both tails are computed and the smaller is used."""
    u = np.atleast_1d(np.asarray(u, dtype=float))
    out = np.empty(u.size)
    if upper is None:
        sf = model.log_sf(u).log_value
        upper = sf < math.log(0.5)
        sf = sf[upper]
    else:
        upper = np.asarray(upper, dtype=bool)
        sf = model.log_sf(u[upper]).log_value if upper.any() else np.empty(0)
    with np.errstate(divide="ignore"):
        out[upper] = sf - np.log(-np.expm1(sf))
        if (~upper).any():
            cdf = model.log_cdf(u[~upper]).log_value
            out[~upper] = np.log(-np.expm1(cdf)) - cdf
    return out

r"""Tail-index estimators over every number of upper order statistics ``k`` at once.

All estimate the extreme-value index :math:`\xi` (:math:`P(X > x) \approx x^{-1/\xi}` for
:math:`\xi > 0`; :math:`\xi = 0` for exponential-type tails such as the normal, lognormal and
exponential; :math:`\xi < 0` for a finite right end point). The tail index of the mission notes is
:math:`\alpha = 1/\xi`. With :math:`X_{(1)} \ge X_{(2)} \ge \dots` the order statistics and
:math:`L_i = \log X_{(i)}`:

* Hill (1975): :math:`H_k = \frac1k\sum_{i=1}^{k} L_i - L_{k+1}`, standard error :math:`H_k/\sqrt{k}`.
  One sort and one cumulative sum give every ``k``.
* Smoothed Hill (Resnick & Starica 1997): :math:`\bar H_k = \frac{1}{(u-1)k}\sum_{j=k+1}^{uk} H_j`.
  From the Hill process :math:`\sqrt{k}(H_{\lfloor kt\rfloor}-\xi) \to \xi W(t)/t` its variance is
  :math:`\xi^2\,2(u-1-\log u)/((u-1)^2 k)` (0.61 of Hill's at u = 2).
* Pickands (1975): :math:`\frac{1}{\log 2}\log\frac{X_{(k)}-X_{(2k)}}{X_{(2k)}-X_{(4k)}}`, any real
  :math:`\xi`, shift-invariant; variance :math:`\xi^2(2^{2\xi+1}+1)/(2(2^\xi-1)\log 2)^2/k`.
* Moment estimator (Dekkers, Einmahl & de Haan 1989):
  :math:`M^{(r)}_k = \frac1k\sum_{i\le k}(L_i-L_{k+1})^r`,
  :math:`\hat\xi = M^{(1)} + 1 - \frac12\bigl(1 - (M^{(1)})^2/M^{(2)}\bigr)^{-1}`, any real :math:`\xi`;
  variance :math:`(1+\xi^2)/k` for :math:`\xi \ge 0`,
  :math:`(1-\xi)^2(1-2\xi)(1-\xi+6\xi^2)/((1-3\xi)(1-4\xi))/k` for :math:`\xi < 0`.

Hill, smoothed Hill and the moment estimator take logarithms and so use the positive values only;
:func:`alignlab.tails.diagnosis.diagnose` applies them to the excess over the mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from alignlab import _validate as v
from alignlab._progress import ProgressLike
from alignlab._seeding import SeedLike, seed_sequence, seed_used
from alignlab._results import BULK, Result
from alignlab.tails.bootstrap import DoubleBootstrap, double_bootstrap, log_moments
from alignlab.tails.sample_checks import as_sample, excess_over_mean, positive_part


@dataclass(frozen=True)
class TailPath(Result):
    """One estimator over every ``k``: ``xi[i]`` and ``se[i]`` use the ``k[i]`` largest values (per-k
    arrays: kept by ``to_dict``, left out of ``--json``).

    At ``chosen_k``, picked by ``selection`` ("double-bootstrap", "fixed" or "none"), the estimate is
    ``chosen_xi`` +/- ``chosen_se`` and ``tail_index`` = 1/xi (the mission's alpha; infinite for
    xi <= 0). ``seed`` is the double bootstrap's (None when nothing was drawn). ``==`` compares
    everything but the per-k arrays.
    """

    estimator: str
    n: int
    k: np.ndarray = field(metadata=BULK, compare=False, repr=False)
    xi: np.ndarray = field(metadata=BULK, compare=False, repr=False)
    se: np.ndarray = field(metadata=BULK, compare=False, repr=False)
    selection: str = "none"
    chosen_k: int | None = None
    chosen_xi: float | None = None
    chosen_se: float | None = None
    tail_index: float | None = None
    bootstrap: DoubleBootstrap | None = None
    seed: int | None = None

    def _at(self, k: int) -> int:
        i = int(np.searchsorted(self.k, k))
        if i >= self.k.size or self.k[i] != k:
            raise v.ParameterError("k", f"must be one of the path's k ({self.k[0]}..{self.k[-1]}) (got {k})")
        return i

    def at(self, k: int) -> tuple[float, float]:
        """(xi, se) at ``k``."""
        i = self._at(k)
        return float(self.xi[i]), float(self.se[i])

    def _rows(self) -> list[dict]:
        """One row per k: the estimate, its standard error and whether it is the chosen k."""
        return [{"estimator": self.estimator, "k": int(k), "xi": float(xi), "se": float(se),
                 "chosen": bool(k == self.chosen_k)} for k, xi, se in zip(self.k, self.xi, self.se)]


def _path(estimator: str, n: int, ks: np.ndarray, xi: np.ndarray, se: np.ndarray, k, logs: np.ndarray | None,
          seed: SeedLike = 0, bootstrap_samples: int = 500, workers: int | None = None,
          progress: ProgressLike = False, max_work: float | None = None) -> TailPath:
    """The path with its chosen point, for a ``k`` argument of "bootstrap" (the double bootstrap on the
    descending ``logs``, its work bounded by ``max_work``), a whole number, or None (no choice)."""
    if k is None:
        return TailPath(estimator, n, ks, xi, se)
    if isinstance(k, str) and logs is not None:          # Pickands has no bootstrap: its k must be a number
        v.choice("k", k, ("bootstrap",))
        root = seed_sequence(seed)
        db = double_bootstrap(logs, seed=root, samples=bootstrap_samples, workers=workers, progress=progress,
                              max_work=max_work)
        selection, chosen, used = "double-bootstrap", int(min(max(db.k, int(ks[0])), int(ks[-1]))), seed_used(root)
    else:
        selection, chosen, db, used = "fixed", v.integer("k", k, low=int(ks[0]), high=int(ks[-1])), None, None
    i = int(np.searchsorted(ks, chosen))
    chosen_xi = float(xi[i])
    tail_index = 1.0 / chosen_xi if chosen_xi > 0 else math.inf
    return TailPath(estimator, n, ks, xi, se, selection, chosen, chosen_xi, float(se[i]), tail_index, db, used)


def descending_logs(x: np.ndarray, purpose: str) -> np.ndarray:
    """Logs of the positive values of a checked sample (:func:`~alignlab.tails.sample_checks.as_sample`) in
    decreasing order, contiguous (cumulative sums over a reversed view are several times slower)."""
    positive = x if x.min() > 0 else positive_part(x, purpose=purpose)
    logs = np.log(positive)
    np.negative(logs, out=logs)
    logs.sort()
    np.negative(logs, out=logs)
    return logs


def hill(samples, k="bootstrap", *, column: str | None = None, excess: bool = False, seed: SeedLike = 0,
         bootstrap_samples: int = 500, workers: int | None = None, progress: ProgressLike = False,
         max_work: float | None = None) -> TailPath:
    """Hill estimates for every ``k`` < number of positive values, with standard errors ``xi/sqrt(k)``.

    ``samples``: an array, a pandas Series, a DataFrame's ``column``, or a file or data set by name;
    ``excess=True`` uses their excess over the mean, x - mean(x) (``--excess``). ``k``: "bootstrap" picks it by the double bootstrap (``bootstrap_samples`` resamples drawn with
    ``seed``, using ``workers`` CPU cores, default all, which do not change the numbers; ``progress``
    counts resamples; ``max_work`` raises its work limit), an int fixes it, ``None`` gives the path only
    (the fast choice for very large samples: one sort, one cumulative sum).
    """
    x = as_sample(samples, column=column)
    if excess:
        x = excess_over_mean(x)
    return hill_from_logs(descending_logs(x, "the Hill estimator"), x.size, k, seed=seed,
                          bootstrap_samples=bootstrap_samples, workers=workers, progress=progress,
                          max_work=max_work)


def hill_from_logs(logs: np.ndarray, n: int, k="bootstrap", **choice) -> TailPath:
    """:func:`hill` from :func:`descending_logs` of a checked sample of size ``n``."""
    m1 = log_moments(logs, order=1)[0]
    ks = np.arange(1, logs.size)
    return _path("hill", n, ks, m1, m1 / np.sqrt(ks), k, logs, **choice)


def smoothed_hill(samples, k="bootstrap", *, column: str | None = None, u: float = 2.0, seed: SeedLike = 0,
                  bootstrap_samples: int = 500, workers: int | None = None, progress: ProgressLike = False,
                  max_work: float | None = None) -> TailPath:
    """Resnick-Starica smoothed Hill: the mean of Hill over ``k < j <= u k`` (``u`` > 1); ``samples``, ``k``
    and the rest as for :func:`hill`."""
    u = v.real("u", u, low=1.0, low_open=True, high=100.0)
    x = as_sample(samples, column=column)
    logs = descending_logs(x, "the smoothed Hill estimator")
    m1 = log_moments(logs, order=1)[0]
    ks = np.arange(1, int((logs.size - 1) / u) + 1)
    if ks.size < 1:
        raise v.ParameterError("u", f"leaves no k for {logs.size} positive values (got {u})")
    upper = np.floor(u * ks).astype(np.int64)
    csum = np.concatenate([[0.0], np.cumsum(m1)])          # csum[j] = H_1 + ... + H_j
    xi = (csum[upper] - csum[ks]) / (upper - ks)
    factor = math.sqrt(2.0 * (u - 1.0 - math.log(u))) / (u - 1.0)
    return _path("smoothed_hill", x.size, ks, xi, factor * np.abs(xi) / np.sqrt(ks), k, logs, seed=seed,
                 bootstrap_samples=bootstrap_samples, workers=workers, progress=progress, max_work=max_work)


def pickands(samples, k: int | None = None, *, column: str | None = None) -> TailPath:
    """Pickands estimates for ``k`` = 1 .. n/4 (any sign of xi; uses all values, not only positive ones).

    Ties can make a spacing zero; those ``k`` are NaN in the path. ``k`` fixes the chosen point.
    ``samples`` as for :func:`hill`.
    """
    return pickands_from_sample(as_sample(samples, column=column), k)


def pickands_from_sample(x: np.ndarray, k: int | None = None) -> TailPath:
    """:func:`pickands` of a checked sample."""
    desc = np.sort(x)[::-1]
    ks = np.arange(1, x.size // 4 + 1)
    if ks.size < 1:
        raise v.ParameterError("samples", f"Pickands needs at least 4 values (got {x.size})")
    a, b, c = desc[ks - 1], desc[2 * ks - 1], desc[4 * ks - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        xi = np.log((a - b) / (b - c)) / math.log(2.0)
    xi[~np.isfinite(xi)] = np.nan
    return _path("pickands", x.size, ks, xi, np.sqrt(pickands_variance(xi) / ks), k, None)


def pickands_variance(xi: np.ndarray) -> np.ndarray:
    r"""Asymptotic variance times k: :math:`\xi^2(2^{2\xi+1}+1)/(2(2^\xi-1)\log 2)^2`, :math:`3/(4\log^4 2)` at 0."""
    xi = np.asarray(xi, dtype=float)
    ln2 = math.log(2.0)
    small = np.abs(xi) < 1e-8
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(small, 1.0 / ln2, xi / np.expm1(xi * ln2))     # xi / (2^xi - 1)
    return ratio ** 2 * (2.0 ** (2.0 * xi + 1.0) + 1.0) / (4.0 * ln2 ** 2)


def moment(samples, k: int | str | None = None, *, column: str | None = None, seed: SeedLike = 0,
           bootstrap_samples: int = 500, workers: int | None = None, progress: ProgressLike = False,
           max_work: float | None = None) -> TailPath:
    """Dekkers-Einmahl-de Haan moment estimator for every ``k`` (any sign of xi), with standard errors.

    ``k``: None (path only), an int, or "bootstrap" for the Hill double-bootstrap choice (meaningful
    for heavy tails only). ``samples`` and the rest as for :func:`hill`.
    """
    x = as_sample(samples, column=column)
    return moment_from_logs(descending_logs(x, "the moment estimator"), x.size, k, seed=seed,
                            bootstrap_samples=bootstrap_samples, workers=workers, progress=progress,
                            max_work=max_work)


def moment_from_logs(logs: np.ndarray, n: int, k: int | str | None = None, **choice) -> TailPath:
    """:func:`moment` from :func:`descending_logs` of a checked sample of size ``n``."""
    m1, m2 = log_moments(logs, order=2)
    ks = np.arange(1, logs.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        xi = m1 + 1.0 - 0.5 / (1.0 - m1 * m1 / m2)
    xi[~np.isfinite(xi)] = np.nan
    return _path("moment", n, ks, xi, np.sqrt(moment_variance(xi) / ks), k, logs, **choice)


def moment_variance(xi: np.ndarray) -> np.ndarray:
    """Asymptotic variance times k of the moment estimator (Dekkers, Einmahl & de Haan 1989, Thm 3.1)."""
    xi = np.asarray(xi, dtype=float)
    neg = np.minimum(xi, 0.0)
    negative = (1 - neg) ** 2 * (1 - 2 * neg) * (1 - neg + 6 * neg ** 2) / ((1 - 3 * neg) * (1 - 4 * neg))
    return np.where(xi >= 0, 1.0 + xi ** 2, negative)


__all__ = ["TailPath", "hill", "moment", "pickands", "smoothed_hill"]

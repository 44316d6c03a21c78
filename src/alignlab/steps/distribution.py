r"""The task time :math:`S_n = M_1 + \dots + M_n` as a distribution object.

Three ways to get it, one interface (:class:`TaskTime`): ``exact`` (transform inversion, Pareto
and Lomax approaches), ``asymptotic`` (the limit laws of :mod:`alignlab.steps.asymptotic`) and
``mc`` (Monte Carlo, from :func:`alignlab.steps.simulate.simulate`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from alignlab import _validate as v
from alignlab._results import Result
from alignlab.dists.law import Minimum
from alignlab.dists.tails import TailKind
from alignlab.steps.asymptotic import limit_law, standard_ppf
from alignlab.numerics.lomax_sum import LARGE_BETA, LogLomaxSum, LomaxSum, ScaledLomaxSum

METHODS = ("exact", "asymptotic", "mc")
LOG_SPACE_BETA = 0.1      # below this, exact task times are computed in log y (LogLomaxSum), for every n
_LOG_FAR_SCALE = math.log(1e12)
_LOG_HALF_ULP = -54 * math.log(2.0)      # 1 - S rounds to 1 below this S
_LOG_TINY = math.log(1e-320)


@dataclass(frozen=True)
class TaskQuantiles(Result):
    """What ``alignlab steps task`` prints: the mean and the requested quantiles of S_n, keyed by the
    probability (a float; JSON writes keys as strings, ``"0.5"``)."""

    n: int
    method: str
    mean: float
    quantiles: dict[float, float]            # inf (JSON null) where S_n exceeds the double range
    log10_quantiles: dict[float, float]      # always finite
    seed: int | None = None                  # Monte Carlo: the seed that reproduces it
    trials: int | None = None                # Monte Carlo: the number of simulated tasks

    def _rows(self) -> list[dict]:
        """One row per quantile."""
        return [{"n": self.n, "method": self.method, "p": p, "quantile": self.quantiles[p],
                 "log10_quantile": self.log10_quantiles[p], "mean": self.mean, "seed": self.seed,
                 "trials": self.trials} for p in self.quantiles]


class TaskTime:
    """Distribution of the task time S_n for one model and one n."""

    method: str

    def __init__(self, subtask: Minimum, n: int):
        self.subtask = subtask
        self.n = n

    @property
    def mean(self) -> float:
        """E[S_n] = n E[M] (``inf`` below the critical power)."""
        return self.n * self.subtask.mean()

    def cdf(self, x):
        return self._vectorise(self._cdf, x)

    def sf(self, x):
        return self._vectorise(self._sf, x)

    def ppf(self, p):
        p_arr = np.asarray(p, dtype=float)
        for value in p_arr.ravel():
            v.probability("quantile", value)
        return self._vectorise(self._ppf, p_arr)

    def median(self) -> float:
        return float(self.ppf(0.5))

    seed: int | None = None
    trials: int | None = None

    def quantiles(self, ps=(0.1, 0.5, 0.9)) -> TaskQuantiles:
        return self._quantiles(v.probabilities("quantile", ps))

    def _quantiles(self, ps) -> TaskQuantiles:
        return TaskQuantiles(n=self.n, method=self.method, mean=self.mean,
                             quantiles={float(p): float(self._ppf(p)) for p in ps},
                             log10_quantiles={float(p): float(self._log10_ppf(p)) for p in ps},
                             seed=self.seed, trials=self.trials)

    def _log10_ppf(self, p: float) -> float:
        """log10 of the p-quantile, finite where the quantile itself overflows a double."""
        return math.log10(self._ppf(p))

    @staticmethod
    def _vectorise(fn, x):
        arr = np.asarray(x, dtype=float)
        out = np.array([fn(float(val)) for val in arr.ravel()]).reshape(arr.shape)
        return out[()] if out.ndim == 0 else out

    def _cdf(self, x: float) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def _sf(self, x: float) -> float:
        return 1.0 - self._cdf(x)

    def _ppf(self, p: float) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n={self.n}, subtask={self.subtask!r})"


def _snapped_beta(subtask: Minimum) -> float:
    """beta, with a whole beta within 1e-12 taken exactly (it has its own, pole-free series)."""
    beta = subtask.beta
    return float(round(beta)) if round(beta) >= 1 and abs(beta - round(beta)) < 1e-12 else beta


class ExactTaskTime(TaskTime):
    """S_n = n a + c Y_n with Y_n a sum of n unit Lomax(beta): inversion of G(s)^n. The approach time
    is a + c Lomax(alpha) (:attr:`~alignlab.dists.law.Continuous.lomax_form`; ``pareto(b)``: a = c = 1)."""

    method = "exact"

    def __init__(self, subtask: Minimum, n: int):
        super().__init__(subtask, n)
        form = subtask.law.lomax_form
        if form is None:
            raise ValueError("exact task times need a pareto or lomax approach")
        beta = self.beta = _snapped_beta(subtask)
        self.offset, self.c = form[0], form[1]
        if beta < LOG_SPACE_BETA:
            self.log_sum, self.sum, self._law = LogLomaxSum(beta, n), None, None
        else:
            # from LARGE_BETA on in V_n = beta Y_n, which tends to Gamma(n) whatever beta
            total = ScaledLomaxSum(beta, n) if beta >= LARGE_BETA else LomaxSum(beta, n)
            self.log_sum, self.sum, self._law = None, total, limit_law(beta, n)

    def _cdf(self, x):
        if self.n == 1:
            return float(self.subtask.cdf(x))
        far = self._far_tail(x)
        if far is not None:
            return -math.expm1(far)
        if self.log_sum is not None:
            return self._log_cdf_sf(x)[0]
        if self._log_sf_bound(x) < _LOG_HALF_ULP:
            return 1.0                          # S < 2^-54: F is 1 to double precision
        return float(self.sum.cdf((x - self.n * self.offset) / self.c))

    def _sf(self, x):
        if self.n == 1:
            return float(self.subtask.sf(x))
        far = self._far_tail(x)
        if far is not None:
            return math.exp(far)
        if self.log_sum is not None:
            return self._log_cdf_sf(x)[1]
        if self._log_sf_bound(x) < _LOG_TINY:
            return 0.0                          # S underflows
        return float(self.sum.sf((x - self.n * self.offset) / self.c))

    def _log_sf_bound(self, x) -> float:
        r"""log of an upper bound on P(S_n > x), for points far above the bulk where the inversion's contours
        no longer reach (0 where no bound applies). With :math:`y = (x - na)/c` and any truncation t,

        .. math:: P(Y_n > y) \le n(1+t)^{-\beta} + \exp\Bigl(-\frac{k^2}{2(n v + t k/3)}\Bigr),\quad
                  k = y - \frac{n}{\beta-1},\ v = E[Y^2] = \frac{2}{(\beta-1)(\beta-2)},

        the union bound on a term above t plus Bernstein's inequality for the sum of the terms cut at t
        (each within t of its mean, variance at most v, mean at most that of Y); beta > 2. The smallest over
        a grid of t is taken."""
        y = (x - self.n * self.offset) / self.c
        beta = self.beta
        k = y - self.n / (beta - 1.0) if beta > 2 else 0.0
        if not k > 0:
            return 0.0
        v = 2.0 / ((beta - 1.0) * (beta - 2.0))
        log_n, best = math.log(self.n), 0.0
        for t in k / np.geomspace(1.0, 1e4, 41):
            bernstein = -k * k / (2.0 * (self.n * v + t * k / 3.0))
            best = min(best, float(np.logaddexp(log_n - beta * math.log1p(t), bernstein)))
        return best

    def _log_cdf_sf(self, x) -> tuple[float, float]:
        y = (x - self.n * self.offset) / self.c
        return (0.0, 1.0) if not y > 0 else self.log_sum.log_cdf_sf(math.log(y))

    def _far_tail(self, x) -> float | None:
        """log P(S_n > x) far in the right tail, or None closer in; the transform is not inverted out there.

        Far beyond the bulk (y > 1e12 times both n and n^(1/beta), the scales of Y_n's location and
        spread) a sum of subexponential terms exceeds y by one big jump: P(Y_n > y) = n (1 + y)^-beta to
        relative order 1e-12."""
        y = (x - self.n * self.offset) / self.c
        if not y > 0:
            return None
        log_n = math.log(self.n)
        far = math.log(y) > _LOG_FAR_SCALE + log_n * max(1.0, 1.0 / self.beta)
        return log_n - self.beta * math.log1p(y) if far else None

    def pdf(self, x):
        return self._vectorise(self._pdf, x)

    def _pdf(self, x: float) -> float:
        y = (x - self.n * self.offset) / self.c
        if self.log_sum is None:
            return float(self.sum.pdf(y)) / self.c
        if not y > 0:
            return 0.0
        return self.log_sum.evaluate(math.log(y))[2] / (y * self.c)      # density of log Y over y

    def _log_ppf_x(self, p) -> float:
        """log of the p-quantile of S_n = n a + c Y_n, from log Y_n (small beta: any size)."""
        log_tail = math.log(self.c) + self.log_sum.log_ppf(p)
        head = self.n * self.offset
        return float(np.logaddexp(math.log(head), log_tail)) if head > 0 else log_tail

    def _ppf(self, p):
        if self.log_sum is not None:
            log_y = self.log_sum.log_ppf(p) + math.log(self.c)
            try:
                return self.n * self.offset + math.exp(log_y)        # inf when the sum overflows
            except OverflowError:
                return math.inf
        if self.n == 1:
            return float(self.subtask.ppf(p))
        guess = self._guess(p)
        if not math.isfinite(guess):          # beyond the double range: the log10 quantile still exists
            return math.inf
        with np.errstate(over="ignore"):
            value = self.n * self.offset + self.c * self.sum.ppf(p, guess=guess)
        return value if math.isfinite(value) else math.inf

    def _log10_ppf(self, p):
        if self.log_sum is not None:
            return self._log_ppf_x(p) / math.log(10.0)
        value = self._ppf(p)
        if math.isfinite(value):
            return math.log10(value)
        # only below the threshold (beta < 1) and at n where n^(1/beta) leaves the double range: there the
        # stable limit's error, of order 1/n + n^(1 - 1/beta) with n >= 1e20 here, is below double precision
        return AsymptoticTaskTime(self.subtask, self.n)._log10_ppf(p)

    def _guess(self, p: float) -> float:
        """Start Newton from the limit law, kept above a bound every quantile of Y_n respects.

        P(Y_n <= y) <= P(max Y_i <= y) = F(y)^n, so the p-quantile is at least F^{-1}(p^{1/n}).
        """
        try:            # 1 - p^(1/n) = -expm1(log(p) / n), exact for huge n
            lower = math.expm1(-math.log(-math.expm1(math.log(p) / self.n)) / self.beta)
        except OverflowError:
            return math.inf
        if self.beta >= 1.5:
            # the stable limit's scale Gamma(1-beta)^(1/beta) blows up as beta -> 2 while the true spread
            # stays ~sqrt(n log n): start from the mean, around which the law concentrates
            return max(self.n / (self.beta - 1.0), lower)
        try:
            guess = self._law.ppf(p)
        except (ArithmeticError, ValueError, OverflowError):
            guess = lower
        return max(guess, lower) if math.isfinite(guess) else lower


class AsymptoticTaskTime(TaskTime):
    """The limit law with its finite-n normalisation (Pareto/Lomax), or the normal law for
    approaches with finite variance."""

    method = "asymptotic"

    def __init__(self, subtask: Minimum, n: int):
        super().__init__(subtask, n)
        self.check_available(subtask)
        self.offset, self.c = 1.0, 1.0
        form = subtask.law.lomax_form
        if form is not None:
            beta = _snapped_beta(subtask)
            self.offset, self.c = form[0], form[1]
            self._law = limit_law(beta, n)
            self._normal = None
        else:
            self._law = None
            self._normal = stats.norm(n * subtask.mean(), math.sqrt(n * subtask.variance()))

    @staticmethod
    def check_available(subtask: Minimum) -> None:
        """The limit law exists for pareto and lomax approaches and for finite variance."""
        finite_variance = subtask.tail.moment_finite(2.0) and subtask.tail.kind is not TailKind.REGULARLY_VARYING
        if subtask.law.lomax_form is not None and subtask.beta < LOG_SPACE_BETA:
            raise v.ParameterError("method", f"the limit law is computed for q * alpha >= {LOG_SPACE_BETA:g} (got "
                                             f"{subtask.beta:.6g}); below, exact (in log space) covers every n")
        if subtask.law.lomax_form is None and not finite_variance:
            raise v.ParameterError("method", f"the asymptotic law is implemented for pareto and lomax approaches "
                                             f"and for approaches with finite variance, not {subtask.law.name}; "
                                             f"use method='mc'")

    def _cdf(self, x):
        if self._normal is not None:
            return float(self._normal.cdf(x))
        return float(self._law.cdf((x - self.n * self.offset) / self.c))

    def _sf(self, x):
        if self._normal is not None:
            return float(self._normal.sf(x))
        return float(self._law.sf((x - self.n * self.offset) / self.c))

    def _ppf(self, p):
        """The limit law's quantile, kept inside the support: S_n >= n times the least subtask time."""
        with np.errstate(over="ignore"):
            if self._normal is not None:
                value = float(self._normal.ppf(p))
            else:
                value = self.n * self.offset + self.c * self._law.ppf(p)
        return max(value, self.n * self.subtask.law.support[0])

    def _log10_ppf(self, p):
        value = self._ppf(p)
        if math.isfinite(value):
            return math.log10(value)
        # one-sided stable (beta < 1): S_n = n a + c n^(1/beta) X, added in log space
        x = standard_ppf(self._law.beta, self._law.kind, p)
        log_tail = math.log(self.c) + math.log(self.n) / self._law.beta + math.log(x)
        return float(np.logaddexp(math.log(self.n * self.offset), log_tail)) / math.log(10.0)


class EmpiricalTaskTime(TaskTime):
    """The empirical distribution of simulated task times (kept in log space)."""

    method = "mc"

    def __init__(self, subtask: Minimum, n: int, log_task_time: np.ndarray, seed: int | None = None):
        super().__init__(subtask, n)
        self.log_task_time = np.sort(np.asarray(log_task_time, dtype=float))
        self.seed = seed
        self.trials = self.log_task_time.size

    def _cdf(self, x):
        if x <= 0:
            return 0.0
        return float(np.searchsorted(self.log_task_time, math.log(x), side="right") / self.log_task_time.size)

    def _ppf(self, p):
        with np.errstate(over="ignore"):
            return float(np.exp(np.quantile(self.log_task_time, p)))

    def _log10_ppf(self, p):
        return float(np.quantile(self.log_task_time, p)) / math.log(10.0)

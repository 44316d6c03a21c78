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
from alignlab.dists.approach import Lomax, SubtaskTime
from alignlab.dists.tails import TailKind
from alignlab.steps.asymptotic import limit_law
from alignlab.steps.exact import LomaxSum

METHODS = ("exact", "asymptotic", "mc")


@dataclass(frozen=True)
class TaskQuantiles(Result):
    """What ``alignlab steps task`` prints: the mean and the requested quantiles of S_n."""

    n: int
    method: str
    mean: float
    quantiles: dict[str, float]


class TaskTime:
    """Distribution of the task time S_n for one model and one n."""

    method: str

    def __init__(self, subtask: SubtaskTime, n: int):
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

    def quantiles(self, ps=(0.1, 0.5, 0.9)) -> TaskQuantiles:
        ps = v.probabilities("quantile", ps)
        return TaskQuantiles(self.n, self.method, self.mean, {_key(p): float(self.ppf(p)) for p in ps})

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


def _key(p: float) -> str:
    """The quantile as the user wrote it: 0.5 -> "0.5", 0.1 -> "0.1"."""
    return repr(float(p))


class ExactTaskTime(TaskTime):
    """S_n = n + c Y_n with Y_n a sum of n unit Lomax(beta): inversion of G(s)^n (Pareto: c = 1)."""

    method = "exact"

    def __init__(self, subtask: SubtaskTime, n: int):
        super().__init__(subtask, n)
        if not isinstance(subtask.approach, Lomax):
            raise ValueError("exact task times need a Pareto or Lomax approach")
        beta = subtask.beta
        if abs(beta - round(beta)) < 1e-12:
            beta = float(round(beta))     # integer beta has its own (pole-free) series
        self.beta = beta
        self.c = subtask.approach.scale
        self.sum = LomaxSum(beta, n)
        self._law = limit_law(beta, n)

    def _cdf(self, x):
        if self.n == 1:
            return float(self.subtask.cdf(x))
        return float(self.sum.cdf((x - self.n) / self.c))

    def _sf(self, x):
        if self.n == 1:
            return float(self.subtask.sf(x))
        return float(self.sum.sf((x - self.n) / self.c))

    def pdf(self, x):
        return self._vectorise(lambda val: float(self.sum.pdf((val - self.n) / self.c)) / self.c, x)

    def _ppf(self, p):
        if self.n == 1:
            value = float(self.subtask.ppf(p))
        else:
            value = self.n + self.c * self.sum.ppf(p, guess=self._guess(p))
        if not math.isfinite(value):
            log10 = math.log10(self.c) + math.log10(self.n) * max(1.0, 1.0 / self.beta)
            raise v.ParameterError("n", f"the {p} quantile of S_n exceeds the float range (about 10^{log10:.0f}); "
                                        f"StepsModel.simulate works in log space")
        return value

    def _guess(self, p: float) -> float:
        """Start Newton from the limit law, kept above a bound every quantile of Y_n respects.

        P(Y_n <= y) <= P(max Y_i <= y) = F(y)^n, so the p-quantile is at least F^{-1}(p^{1/n}).
        """
        try:
            lower = math.expm1(-math.log1p(-math.exp(math.log(p) / self.n)) / self.beta)
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

    def __init__(self, subtask: SubtaskTime, n: int):
        super().__init__(subtask, n)
        self.c = 1.0
        if isinstance(subtask.approach, Lomax):
            beta = subtask.beta
            if abs(beta - round(beta)) < 1e-12:
                beta = float(round(beta))
            self.c = subtask.approach.scale
            self._law = limit_law(beta, n)
            self._normal = None
        elif subtask.tail.moment_finite(2.0) and subtask.tail.kind is not TailKind.REGULARLY_VARYING:
            self._law = None
            self._normal = stats.norm(n * subtask.mean(), math.sqrt(n * subtask.variance()))
        else:
            raise v.ParameterError("method", f"the asymptotic law is implemented for pareto and lomax approaches "
                                             f"and for approaches with finite variance, not {subtask.approach.family}; "
                                             f"use method='mc'")

    def _cdf(self, x):
        if self._normal is not None:
            return float(self._normal.cdf(x))
        return float(self._law.cdf((x - self.n) / self.c))

    def _sf(self, x):
        if self._normal is not None:
            return float(self._normal.sf(x))
        return float(self._law.sf((x - self.n) / self.c))

    def _ppf(self, p):
        if self._normal is not None:
            return float(self._normal.ppf(p))
        return self.n + self.c * self._law.ppf(p)


class EmpiricalTaskTime(TaskTime):
    """The empirical distribution of simulated task times (kept in log space)."""

    method = "mc"

    def __init__(self, subtask: SubtaskTime, n: int, log_task_time: np.ndarray):
        super().__init__(subtask, n)
        self.log_task_time = np.sort(np.asarray(log_task_time, dtype=float))

    def _cdf(self, x):
        if x <= 0:
            return 0.0
        return float(np.searchsorted(self.log_task_time, math.log(x), side="right") / self.log_task_time.size)

    def _ppf(self, p):
        return float(np.exp(np.quantile(self.log_task_time, p)))

r"""The independent-steps model of cognitive power.

A task of difficulty n is n serial subtasks. A mind of power q knows q approaches to each; an
approach takes time :math:`T \ge 1` with :math:`P(T > t) = t^{-\alpha}` (or another family from
:mod:`alignlab.dists.approach`), and the mind uses the fastest, so a subtask takes
:math:`M = \min(T_1..T_q)` with :math:`P(M > t) = t^{-\beta}`, :math:`\beta = q\alpha`, and the
task takes :math:`S_n = M_1 + \dots + M_n`.

Closed forms for Pareto approaches: mean subtask time :math:`\beta/(\beta-1)` for
:math:`\beta > 1` (infinite otherwise), median :math:`2^{1/\beta}`, variance finite only for
:math:`\beta > 2`; critical power :math:`Q_c = 1/\alpha`, second threshold :math:`Q_2 = 2/\alpha`;
efficiency (optimal time 1 over mean time) :math:`1 - 1/\beta`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from alignlab import _validate as v
from alignlab._random import SeedLike
from alignlab._results import Result
from alignlab.dists.approach import ApproachTime, Lomax, SubtaskTime, approach_time
from alignlab.dists.tails import TailKind
from alignlab.steps.distribution import (METHODS, AsymptoticTaskTime, EmpiricalTaskTime, ExactTaskTime,
                                         TaskTime)
from alignlab.steps.simulate import MAX_SAMPLES, Simulation, simulate_log_task_times, summarize

REGIMES = ("stuck", "boundary", "linear-heavy", "linear-gaussian")
DEFAULT_MC_TRIALS = 20_000
_BOUNDARY_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Description(Result):
    """What ``alignlab steps describe`` prints."""

    approach: str
    tail: str
    alpha: float | None
    q: float
    beta: float | None
    critical_q: float | None
    critical_q_reason: str
    variance_q: float | None
    mean_subtask_time: float
    median_subtask_time: float
    regime: str
    efficiency: float


@dataclass(frozen=True)
class Horizon(Result):
    """The largest task length solved within ``budget`` with probability at least ``p``."""

    budget: float
    p: float
    horizon: int
    success_at_horizon: float
    method: str


class StepsModel:
    """A mind of power ``q`` facing serial subtasks whose approaches take Pareto(``alpha``) time.

    >>> m = StepsModel(alpha=0.5, q=3)
    >>> m.beta, m.critical_q, m.regime
    (1.5, 2.0, 'linear-heavy')
    >>> round(m.mean_subtask_time, 6)
    3.0

    ``approach`` may name another family (``"frechet"``, ``"lognormal(sigma=1)"``, ...; see
    :mod:`alignlab.dists.approach`). ``alpha`` fills the tail index of the regularly varying ones.
    ``q`` may be any real >= 1 for the analytic functions; explicit simulation needs it whole.
    """

    def __init__(self, alpha: float | None = None, q: float = 1.0, approach: str | ApproachTime = "pareto"):
        if alpha is not None:
            alpha = v.real("alpha", alpha, low=0.0, low_open=True)
        self.q = v.real("q", q, low=1.0)
        if isinstance(approach, str) and approach.strip().lower() == "pareto" and alpha is None:
            raise v.ParameterError("alpha", "is required for Pareto approaches: a finite number > 0")
        self.approach = approach_time(approach, alpha)
        self.subtask_time = SubtaskTime(self.approach, self.q)

    def __repr__(self) -> str:
        return f"StepsModel(q={self.q:g}, approach={self.approach.spec()!r})"

    # -- closed-form facts --------------------------------------------------------------------
    @property
    def alpha(self) -> float | None:
        """Tail index of the approach time (None for families without one)."""
        return self.approach.tail_index

    @property
    def beta(self) -> float | None:
        """Tail index q * alpha of the subtask time."""
        return self.subtask_time.beta

    @property
    def critical_q(self) -> float | None:
        """Power at which the mean subtask time becomes finite: 1/alpha; None without a threshold."""
        return 1.0 / self.alpha if self.alpha is not None else None

    @property
    def critical_q_reason(self) -> str:
        kind = self.approach.tail.kind
        if kind is TailKind.REGULARLY_VARYING:
            return f"regularly varying approach time (index {self.alpha:g}): the mean is finite iff q * alpha > 1"
        if kind is TailKind.SUPER_HEAVY:
            return "super-heavy approach time: the mean subtask time is infinite for every finite q"
        return f"{kind.value} approach time: every moment is finite for every q >= 1, so there is no threshold"

    @property
    def variance_q(self) -> float | None:
        """Power at which the variance becomes finite (Gaussian fluctuations return): 2/alpha."""
        return 2.0 / self.alpha if self.alpha is not None else None

    @property
    def mean_subtask_time(self) -> float:
        return self.subtask_time.mean()

    @property
    def median_subtask_time(self) -> float:
        return self.subtask_time.median()

    @property
    def regime(self) -> str:
        """``stuck`` (mean infinite), ``boundary`` (beta = 1), ``linear-heavy`` (mean finite, variance
        infinite) or ``linear-gaussian`` (Gaussian fluctuations; from beta = 2 on)."""
        kind = self.subtask_time.tail.kind
        if kind is TailKind.SUPER_HEAVY:
            return "stuck"
        if kind is not TailKind.REGULARLY_VARYING:
            return "linear-gaussian"
        beta = self.beta
        if abs(beta - 1.0) <= _BOUNDARY_TOLERANCE:
            return "boundary"
        if beta < 1:
            return "stuck"
        if beta < 2:
            return "linear-heavy"
        return "linear-gaussian"

    @property
    def efficiency(self) -> float:
        """Optimal subtask time (1) over the mean subtask time; 0 when the mean is infinite."""
        mean = self.mean_subtask_time
        return 0.0 if math.isinf(mean) else 1.0 / mean

    def describe(self) -> Description:
        return Description(
            approach=self.approach.spec(), tail=str(self.approach.tail), alpha=self.alpha, q=self.q,
            beta=self.beta, critical_q=self.critical_q, critical_q_reason=self.critical_q_reason,
            variance_q=self.variance_q, mean_subtask_time=self.mean_subtask_time,
            median_subtask_time=self.median_subtask_time, regime=self.regime, efficiency=self.efficiency)

    # -- the task time ------------------------------------------------------------------------
    @property
    def has_exact(self) -> bool:
        return isinstance(self.approach, Lomax)

    def task_time(self, n: int, method: str = "auto", *, trials: int = DEFAULT_MC_TRIALS,
                  seed: SeedLike = 0) -> TaskTime:
        """Distribution of S_n: ``exact`` (Pareto, Lomax), ``asymptotic`` or ``mc``; ``auto`` picks exact
        where available, else Monte Carlo with ``trials`` and ``seed``."""
        n = v.integer("n", n, low=1)
        if method == "auto":
            method = "exact" if self.has_exact else "mc"
        v.choice("method", method, METHODS)
        if method == "exact":
            if not self.has_exact:
                raise v.ParameterError("method", f"exact is available for pareto and lomax approaches, not "
                                                 f"{self.approach.family}; use mc or asymptotic")
            return ExactTaskTime(self.subtask_time, n)
        if method == "asymptotic":
            return AsymptoticTaskTime(self.subtask_time, n)
        sim = self.simulate(n, trials, seed)
        return EmpiricalTaskTime(self.subtask_time, n, sim.log_task_time)

    def simulate(self, n: int, trials: int, seed: SeedLike = None, *, explicit: bool = False,
                 quantiles=(0.1, 0.5, 0.9), threads: int | None = None, progress: bool | None = None,
                 max_samples: float = MAX_SAMPLES, backend: str = "numpy") -> Simulation:
        """Monte Carlo task times; explicit mode draws all q approaches per subtask (q must be whole).
        ``backend``: ``numpy``, ``torch`` (CUDA if present) or ``auto`` (torch on CUDA, else numpy)."""
        n = v.integer("n", n, low=1)
        trials = v.integer("trials", trials, low=1)
        v.probabilities("quantile", quantiles)
        logs = simulate_log_task_times(self.subtask_time, n, trials, seed, explicit=explicit, threads=threads,
                                       progress=progress, max_samples=max_samples, backend=backend)
        return summarize(logs, n, trials, seed, explicit, quantiles)

    def success_probability(self, n: int, budget: float, method: str = "auto", **kwargs) -> float:
        """P(S_n <= budget). Every subtask takes at least 1, so a budget below n gives 0."""
        n = v.integer("n", n, low=1)
        budget = v.real("budget", budget, low=0.0, allow_inf=True)
        if budget < n:
            return 0.0
        if math.isinf(budget):
            return 1.0
        return float(self.task_time(n, method, **kwargs).cdf(budget))

    def horizon(self, budget: float, p: float = 0.5, method: str = "auto", **kwargs) -> Horizon:
        """The largest n with P(S_n <= budget) >= p (0 when even one subtask fails), by bisection:
        the success probability falls as n grows because S_n grows with n."""
        budget = v.real("budget", budget, low=1.0)
        p = v.probability("p", p)
        method = "exact" if method == "auto" and self.has_exact else ("mc" if method == "auto" else method)

        def ok(n: int) -> bool:
            return self.success_probability(n, budget, method, **kwargs) >= p

        if not ok(1):
            return Horizon(budget, p, 0, self.success_probability(1, budget, method, **kwargs), method)
        lo, hi = 1, int(math.floor(budget))        # S_n >= n, so n <= budget
        if ok(hi):
            lo = hi
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if ok(mid):
                lo = mid
            else:
                hi = mid
        return Horizon(budget, p, lo, self.success_probability(lo, budget, method, **kwargs), method)

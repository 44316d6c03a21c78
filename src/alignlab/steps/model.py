r"""The independent-steps model of cognitive power.

A task of difficulty n is n serial subtasks. A mind of power q knows q approaches to each; an
approach takes time :math:`T \ge 1` with :math:`P(T > t) = t^{-\alpha}` (or another family from
:mod:`alignlab.dists`), and the mind uses the fastest, so a subtask takes
:math:`M = \min(T_1..T_q)` with :math:`P(M > t) = t^{-\beta}`, :math:`\beta = q\alpha`, and the
task takes :math:`S_n = M_1 + \dots + M_n`.

Closed forms for Pareto approaches: mean subtask time :math:`\beta/(\beta-1)` for
:math:`\beta > 1` (infinite otherwise), median :math:`2^{1/\beta}`, variance finite only for
:math:`\beta > 2`; critical power :math:`Q_c = 1/\alpha`, second threshold :math:`Q_2 = 2/\alpha`;
efficiency (optimal time 1 over mean time) :math:`1 - 1/\beta`.
"""

from __future__ import annotations

import contextlib
import math
import sys
from dataclasses import dataclass

from alignlab import _validate as v
from alignlab._seeding import SeedLike, seed_sequence, seed_used
from alignlab._results import Result
from alignlab.dists.law import Continuous
from alignlab.dists.roles import approach as approach_law
from alignlab.dists.tails import TailKind
from alignlab.numerics.laplace import LaplaceInversionError
from alignlab.steps.distribution import (LOG_SPACE_BETA, METHODS, AsymptoticTaskTime, EmpiricalTaskTime,
                                         ExactTaskTime, TaskQuantiles, TaskTime)
from alignlab.steps.simulate import MAX_SAMPLES, Simulation, check_budget, simulate_log_task_times, summarize

REGIMES = ("stuck", "boundary", "linear-heavy", "linear-gaussian")
BETA_RANGE = (1e-300, sys.float_info.max)   # q * alpha for task-time distributions: every finite value from 1e-300
N_MAX = 1e300
SIMULATION_BETA_RANGE = (1e-4, 1e6)   # log M = E / beta in float32: relative precision 6e-8 of log M
EXACT_N_MAX = 10 ** 12            # exact inversion checked against mpmath up to here; beyond, see _exact_reliable
DEFAULT_MC_TRIALS = 20_000
QUANTILES = (0.1, 0.5, 0.9)       # the quantiles reported unless others are asked for
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
    """The largest task length solved within ``budget`` with probability at least ``p``. ``method`` says how
    the success probabilities were computed; Monte Carlo (``mc``) records its ``seed`` and ``trials``."""

    budget: float
    p: float
    horizon: int
    success_at_horizon: float
    method: str                     # exact, asymptotic, auto (exact where checked, the limit law beyond) or mc
    seed: int | None = None         # Monte Carlo: the seed that reproduces it
    trials: int | None = None       # Monte Carlo: simulated tasks per success probability


def _exact_reliable(beta: float, n: int) -> bool:
    """Whether exact inversion is right at (beta, n). Below the threshold (beta < 1) S_n spreads over
    decades, which the Talbot contour resolves while its scale n^(1/beta) stays below 1e200 (room for
    extreme quantiles); past that (n >= 10^(200 beta), at least 1e20 for beta >= 0.1) the stable
    limit's relative error, of order 1/n + n^(1 - 1/beta) (the first from (1 - psi)^n against
    exp(-n psi), the second from the linear term of psi), is below 1e-18. Above it, inversion is
    checked against mpmath up to n = 1e12 and holds while the relative spread of S_n around n E[M]
    (n^(1/beta - 1), or n^-1/2 from beta = 2 on) exceeds 1e-12; past that the limit law's error is of
    the spread's order, below 1e-12 relative."""
    if beta < LOG_SPACE_BETA:
        return True                     # in log space: no scale limit, no limit law
    log10_n = math.log10(n)
    if beta < 1:
        return log10_n / beta < 200.0
    if n <= EXACT_N_MAX:
        return True
    spread_log10 = log10_n * (1.0 / beta - 1.0) if beta < 2 else -0.5 * log10_n
    return spread_log10 > -12.0


def _quantile(quantile):
    """The probabilities asked for: :data:`QUANTILES` when none (None) were."""
    return QUANTILES if quantile is None else quantile


@contextlib.contextmanager
def _inversion_errors(n, param: str = "n"):
    """A transform that cannot be inverted to the checked accuracy is the input's edge, said in one line."""
    try:
        yield
    except LaplaceInversionError as err:
        raise v.ParameterError(param, f"the task-time distribution at n = {n:.3g} could not be computed to the "
                                      f"checked accuracy ({err}); this corner of the domain is refused") from None


class StepsModel:
    """A mind of power ``q`` facing serial subtasks whose approaches take Pareto(``alpha``) time.

    >>> m = StepsModel(alpha=0.5, q=3)
    >>> m.beta, m.critical_q, m.regime
    (1.5, 2.0, 'linear-heavy')
    >>> round(m.mean_subtask_time, 6)
    3.0

    ``approach`` may name another law on [1, inf) in the one distribution language
    (``"invweibull(c=0.5, loc=1)"``, ``"lognorm(s=1, loc=1)"``, ...; ``alignlab dists list``).
    ``alpha`` fills the tail-index shape of a power-law family (``pareto`` -> ``b``).
    ``q`` may be any real >= 1 for the analytic functions; explicit simulation needs it whole.
    """

    def __init__(self, alpha: float | None = None, q: float = 1.0, approach: str | Continuous = "pareto"):
        if alpha is not None:
            alpha = v.real("alpha", alpha, low=0.0, low_open=True)
        self.q = v.real("q", q, low=1.0)
        self.approach = approach_law(approach, alpha)
        self.subtask_time = self.approach.min_of(self.q)

    def __repr__(self) -> str:
        return f"StepsModel(q={self.q:g}, approach={self.approach.spec!r})"

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
            approach=self.approach.spec, tail=str(self.approach.tail), alpha=self.alpha, q=self.q,
            beta=self.beta, critical_q=self.critical_q, critical_q_reason=self.critical_q_reason,
            variance_q=self.variance_q, mean_subtask_time=self.mean_subtask_time,
            median_subtask_time=self.median_subtask_time, regime=self.regime, efficiency=self.efficiency)

    # -- the task time ------------------------------------------------------------------------
    @property
    def has_exact(self) -> bool:
        return self.approach.lomax_form is not None

    def task_time(self, n: int, method: str = "auto", *, trials: int = DEFAULT_MC_TRIALS,
                  seed: SeedLike = 0) -> TaskTime:
        """Distribution of S_n: ``exact`` (Pareto, Lomax), ``asymptotic`` or ``mc``; ``auto`` picks exact
        where available, else Monte Carlo with ``trials`` and ``seed``."""
        n, method = self._check_task(n, method)
        if method == "mc":
            trials = v.integer("trials", trials, low=1)
            check_budget(n, trials)
        return self._task_time(n, method, trials, seed_sequence(seed))

    def task_quantiles(self, n: int, quantile=None, method: str = "auto", *,
                       trials: int = DEFAULT_MC_TRIALS, seed: SeedLike = 0, quantiles=None) -> TaskQuantiles:
        """The mean and the quantiles of S_n at the probabilities ``quantile`` (one or a list, default 0.1, 0.5,
        0.9; what ``alignlab steps task --quantile`` prints), every argument checked before any work starts.
        (``quantiles`` is the old spelling of ``quantile``.)"""
        quantile = _quantile(v.renamed("quantiles", "quantile", quantile, quantiles))
        n, method = self._check_task(n, method)
        ps = v.probabilities("quantile", quantile)
        if method == "mc":
            trials = v.integer("trials", trials, low=1)
            check_budget(n, trials)
        with _inversion_errors(n):
            return self._task_time(n, method, trials, seed_sequence(seed))._quantiles(ps)

    def _check_task(self, n, method: str) -> tuple[int, str]:
        n = v.integer("n", n, low=1, high=int(N_MAX))
        beta = self.beta
        if beta is not None and not BETA_RANGE[0] <= beta <= BETA_RANGE[1]:
            raise v.ParameterError("alpha", f"q * alpha must be finite and at least {BETA_RANGE[0]:g} for task "
                                            f"times, the range where they are checked (got {beta:.6g})")
        if method == "auto":
            method = ("exact" if _exact_reliable(beta, n) else "asymptotic") if self.has_exact else "mc"
        v.choice("method", method, METHODS)
        if method == "exact" and not self.has_exact:
            raise v.ParameterError("method", f"exact is available for pareto and lomax approaches, not "
                                             f"{self.approach.name}; use method='mc' or method='asymptotic'")
        if method == "exact" and not _exact_reliable(beta, n):
            raise v.ParameterError("n", f"exact inversion is checked for n up to {EXACT_N_MAX:.0e} and, above the "
                                        f"threshold, while S_n/n is not concentrated beyond double precision; at "
                                        f"n = {n:.3g} with q * alpha = {beta:g} use method='asymptotic' (as method='auto' "
                                        f"does)")
        if method == "asymptotic":
            AsymptoticTaskTime.check_available(self.subtask_time)
        if method == "mc":
            self._check_simulation_beta()
        return n, method

    def _check_simulation_beta(self) -> None:
        beta = self.beta
        if beta is not None and not SIMULATION_BETA_RANGE[0] <= beta <= SIMULATION_BETA_RANGE[1]:
            raise v.ParameterError("alpha", f"q * alpha must be in [{SIMULATION_BETA_RANGE[0]:g}, "
                                            f"{SIMULATION_BETA_RANGE[1]:g}] for simulation (got {beta:.6g})")

    def _task_time(self, n: int, method: str, trials: int, root) -> TaskTime:
        """The task time for checked arguments (see :meth:`task_time`)."""
        if method == "exact":
            return ExactTaskTime(self.subtask_time, n)
        if method == "asymptotic":
            return AsymptoticTaskTime(self.subtask_time, n)
        logs = simulate_log_task_times(self.subtask_time, n, trials, root)
        return EmpiricalTaskTime(self.subtask_time, n, logs, seed_used(root))

    def simulate(self, n: int, trials: int, seed: SeedLike = 0, *, explicit: bool = False,
                 quantile=None, workers: int | None = None, progress=False,
                 max_work: float | None = None, backend: str = "numpy", threads: int | None = None,
                 max_samples: float | None = None, quantiles=None) -> Simulation:
        """Monte Carlo task times; explicit mode draws all q approaches per subtask (q must be whole).
        ``backend``: ``numpy``, ``torch`` (CUDA if present) or ``auto`` (torch on CUDA, else numpy);
        ``workers``: CPU cores the simulation may use (default: all; the numbers do not depend on it);
        ``progress``: ``False``, ``True`` or ``callable(done, total, description)``; ``max_work`` raises the
        limit of :data:`~alignlab.steps.simulate.MAX_SAMPLES` draws on purpose. The result's ``seed``
        reproduces it. ``quantile``: the probabilities summarised, one or a list (default 0.1, 0.5, 0.9).
        (``threads``, ``max_samples``
        and ``quantiles`` are the old spellings of ``workers``, ``max_work`` and ``quantile``.)"""
        workers = v.renamed("threads", "workers", workers, threads)
        quantile = _quantile(v.renamed("quantiles", "quantile", quantile, quantiles))
        max_work = v.renamed("max_samples", "max_work", max_work, max_samples)
        n = v.integer("n", n, low=1, high=int(N_MAX))
        trials = v.integer("trials", trials, low=1)
        ps = v.probabilities("quantile", quantile)
        if workers is not None:
            workers = v.integer("workers", workers, low=1, high=1024)
        if explicit and self.q != int(self.q):
            raise v.ParameterError("q", f"must be a whole number for explicit simulation (got {self.q:g})")
        self._check_simulation_beta()
        check_budget(n, trials, max_work, draws_per_subtask=int(self.q) if explicit else 1)
        root = seed_sequence(seed)
        logs = simulate_log_task_times(self.subtask_time, n, trials, root, explicit=explicit, threads=workers,
                                       progress=progress, backend=backend)
        return summarize(logs, n, trials, seed_used(root), explicit, ps)

    def success_probability(self, n: int, budget: float, method: str = "auto", *,
                            trials: int = DEFAULT_MC_TRIALS, seed: SeedLike = 0) -> float:
        """P(S_n <= budget). Every subtask takes at least its least time, so a budget below n times it gives 0."""
        n, method = self._check_task(n, method)
        budget = v.real("budget", budget, low=0.0, allow_inf=True)
        if method == "mc":
            trials = v.integer("trials", trials, low=1)
            check_budget(n, trials)
        with _inversion_errors(n):
            return self._success(n, budget, method, trials, seed_sequence(seed))

    def _success(self, n: int, budget: float, method: str, trials: int, root) -> float:
        if budget < n * self.approach.support[0]:
            return 0.0
        if math.isinf(budget):
            return 1.0
        if method == "auto":
            method = "exact" if _exact_reliable(self.beta, n) else "asymptotic"
        return float(self._task_time(n, method, trials, root).cdf(budget))

    def horizon(self, budget: float, p: float = 0.5, method: str = "auto", *, trials: int = DEFAULT_MC_TRIALS,
                seed: SeedLike = 0) -> Horizon:
        """The largest n with P(S_n <= budget) >= p (0 when even one subtask fails), by bisection:
        the success probability falls as n grows because S_n grows with n. ``auto`` uses exact inversion
        where it is checked and the limit law beyond (pareto, lomax), else Monte Carlo with ``trials``
        simulated tasks per probability, drawn with ``seed`` (the same draws at every n: the bisection
        compares common random numbers). The result says which method ran, and for Monte Carlo its seed
        and trials."""
        budget = v.real("budget", budget, low=1.0, high=1.8e308)
        p = v.probability("p", p)
        self._check_task(1, method)
        if method == "auto":
            method = "auto" if self.has_exact else "mc"
        if method == "mc":
            trials = v.integer("trials", trials, low=1)
            if budget * trials > MAX_SAMPLES:
                raise v.ParameterError("budget", f"a Monte Carlo horizon simulates tasks of up to budget = "
                                                 f"{budget:.3g} subtasks, {trials} times: {budget * trials:.3g} "
                                                 f"samples exceed the limit of {MAX_SAMPLES:.3g}; use a smaller "
                                                 f"budget, fewer trials, or a pareto/lomax approach (exact)")
        if method in ("exact", "asymptotic"):
            self._check_task(max(1, int(budget)), method)
        root = seed_sequence(seed)

        def success(n: int, strict: bool = False) -> float:
            with _inversion_errors(n, "budget"):
                try:
                    return self._success(n, budget, method, trials, root)
                except LaplaceInversionError:
                    # far above the bulk the inversion may not reach; the bisection only asks whether
                    # success >= p, which a lower bound can settle (the reported value is never a bound)
                    lower = None if strict else self._success_lower_bound(n, budget)
                    if lower is None or lower < p:
                        raise
                    return lower

        top = int(math.floor(budget / self.approach.support[0]))     # S_n >= n * least time
        drawn = {"seed": seed_used(root), "trials": trials} if method == "mc" else {}
        if success(1) < p:
            return Horizon(budget=budget, p=p, horizon=0, success_at_horizon=success(1),
                           method="exact" if method == "auto" else method, **drawn)
        lo, hi = 1, max(1, top)
        if success(hi) >= p:
            lo = hi
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if success(mid) >= p:
                lo = mid
            else:
                hi = mid
        used = method if method != "auto" else ("exact" if _exact_reliable(self.beta, lo) else "asymptotic")
        return Horizon(budget=budget, p=p, horizon=lo, success_at_horizon=success(lo, strict=True), method=used,
                       **drawn)

    def _success_lower_bound(self, n: int, budget: float) -> float | None:
        """A lower bound on P(S_n <= budget) from the first two moments, or None: Cantelli,
        P(S_n - E S_n >= k) <= V / (V + k^2) with V = n Var M (finite variance), and Markov on the excess
        over the least time, P(S_n - n a > y) <= n (E M - a) / y (finite mean)."""
        least = n * self.approach.support[0]
        mean = self.subtask_time.mean()
        if not math.isfinite(mean) or budget <= n * mean:
            return None
        bounds = [1.0 - n * (mean - self.approach.support[0]) / (budget - least)]
        variance = self.subtask_time.variance()
        if math.isfinite(variance):
            k = budget - n * mean
            bounds.append(1.0 - n * variance / (n * variance + k * k))
        return max(bounds)

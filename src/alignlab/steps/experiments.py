r"""The experiments behind claims S1-S5, each returning a result object that plots and the report use.

* :func:`phase_diagram` - the regime over (alpha, q): stuck below :math:`q = 1/\alpha`, Gaussian
  above :math:`q = 2/\alpha` (S1).
* :func:`growth_curves` - median time per subtask, median(S_n)/n, against n, with the theoretical
  log-log slope :math:`1/\beta - 1` below the threshold and the fitted one (S2, S3).
* :func:`efficiency_curves` - efficiency :math:`1 - 1/(q\alpha)` against q (S4).
* :func:`family_study` - the threshold question for non-power-law approach times (S5): the mean
  subtask time by quadrature at each q, and Monte Carlo growth of median(S_n)/n.
* :func:`success_curves` - :math:`P(S_n \le B)` against n and the 50% horizon ("beyond the note").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np

from alignlab import _validate as v
from alignlab._seeding import SeedLike, block_sequence, seed_sequence, seed_used
from alignlab._results import Result
from alignlab.steps.model import StepsModel
from alignlab.steps.simulate import check_budget, simulate_log_partial_sums


@dataclass(frozen=True)
class PhaseDiagram(Result):
    alphas: tuple[float, ...]
    qs: tuple[float, ...]
    regime: tuple[tuple[str, ...], ...]     # regime[i][j] for alphas[i], qs[j]

    def _rows(self) -> list[dict]:
        """One row per (alpha, q)."""
        return [{"alpha": a, "q": q, "regime": r} for a, row in zip(self.alphas, self.regime)
                for q, r in zip(self.qs, row)]


def phase_diagram(alphas=None, qs=None) -> PhaseDiagram:
    """Regime of the Pareto model on a grid of (alpha, q)."""
    alphas = np.geomspace(0.05, 2.0, 80) if alphas is None else np.asarray(alphas, dtype=float)
    qs = np.linspace(1.0, 20.0, 96) if qs is None else np.asarray(qs, dtype=float)
    grid = tuple(tuple(StepsModel(float(a), float(q)).regime for q in qs) for a in alphas)
    return PhaseDiagram(tuple(map(float, alphas)), tuple(map(float, qs)), grid)


@dataclass(frozen=True)
class GrowthCurve(Result):
    """median(S_n)/n against n for one q, with the slope theory predicts on log-log axes."""

    q: float
    beta: float | None
    regime: str
    n: tuple[int, ...]
    median_per_subtask: tuple[float, ...]        # inf where it exceeds the float range
    log10_median_per_subtask: tuple[float, ...]  # always finite
    mean_per_subtask: float
    theory_slope: float | None
    fitted_slope: float
    method: str

    def _rows(self) -> list[dict]:
        """One row per n."""
        return [{"q": self.q, "beta": self.beta, "regime": self.regime, "method": self.method, "n": n,
                 "median_per_subtask": m, "log10_median_per_subtask": lm, "mean_per_subtask": self.mean_per_subtask,
                 "theory_slope": self.theory_slope, "fitted_slope": self.fitted_slope}
                for n, m, lm in zip(self.n, self.median_per_subtask, self.log10_median_per_subtask)]

    def median_per_subtask_at(self, n: float) -> float:
        """median(S_n)/n at the grid point nearest ``n`` (on a log scale)."""
        return self.median_per_subtask[_nearest(self.n, n)]

    def n_near(self, n: float) -> int:
        return self.n[_nearest(self.n, n)]


@dataclass(frozen=True)
class GrowthCurves(Result):
    approach: str
    curves: tuple[GrowthCurve, ...]
    seed: int | None = None          # the seed of the Monte Carlo curves (None when every curve is exact)
    trials: int | None = None        # Monte Carlo tasks per curve (None when every curve is exact)

    def _rows(self) -> list[dict]:
        """One row per (q, n)."""
        return [{"approach": self.approach, **row, "seed": self.seed if c.method == "mc" else None,
                 "trials": self.trials if c.method == "mc" else None} for c in self.curves for row in c._rows()]

    def curve(self, q: float) -> GrowthCurve:
        """The curve of power ``q``."""
        return next(c for c in self.curves if c.q == q)


def _nearest(grid, value: float) -> int:
    """Index of the grid point nearest ``value`` on a log scale."""
    return int(np.argmin(np.abs(np.log(np.asarray(grid, dtype=float)) - math.log(value))))


def theory_slope(beta: float | None) -> float | None:
    """Log-log slope of median(S_n)/n in n: 1/beta - 1 below the threshold, 0 above it, None at
    beta = 1 (growth like log n, slope 1/log n -> 0) or without a tail index."""
    if beta is None or beta == 1:
        return None
    return 1.0 / beta - 1.0 if beta < 1 else 0.0


def fitted_slope(log_n, log_values, upper_fraction: float = 0.5) -> float:
    """Least-squares slope of log(values) on log(n) over the upper part of the n range
    (natural logs of both)."""
    ln = np.asarray(log_n, dtype=float)
    lv = np.asarray(log_values, dtype=float)
    keep = ln >= ln.min() + (1 - upper_fraction) * (ln.max() - ln.min())
    if keep.sum() < 2:
        keep[:] = True
    return float(np.polyfit(ln[keep], lv[keep], 1)[0])


def n_grid(n_min: float, n_max: float, points: int) -> np.ndarray:
    """``points`` whole n from ``n_min`` to ``n_max`` on a log scale (Python ints: n may exceed int64)."""
    n_min = v.integer("n", n_min, low=1, high=int(1e300))       # as the model: the double 1e300
    n_max = v.integer("n", n_max, low=1, high=int(1e300))
    if n_max <= n_min:
        raise v.ParameterError("n", f"needs its least value below its largest: a curve has at least two points "
                                    f"(got {n_min} and {n_max})")
    points = v.integer("points", points, low=2, high=1000)
    ns = sorted({int(round(x)) for x in np.geomspace(float(n_min), float(n_max), points)})
    return np.array(ns, dtype=object if ns[-1] > 2 ** 62 else np.int64)


def growth_curves(alpha: float | None, q=None, n_min: int = 1, n_max: int = 10 ** 12, points: int = 25,
                  approach: str = "pareto", method: str = "auto", trials: int = 2000,
                  seed: SeedLike = 0, qs=None) -> GrowthCurves:
    """median(S_n)/n on a log grid of n for each q (exact where available, else Monte Carlo with ``trials``
    simulated tasks per q, drawn with ``seed``; the result records both when any curve used them). ``q``:
    one power or a list (``alignlab steps curve --q``; ``qs`` is its old spelling)."""
    q = v.renamed("qs", "q", q, qs)
    powers = () if q is None else (q,) if isinstance(q, Real) else tuple(q)
    qs = [v.real("q", x, low=1.0) for x in powers]
    if not qs:
        raise v.ParameterError("q", "needs at least one value >= 1")
    ns = n_grid(n_min, n_max, points)
    models = [StepsModel(alpha, q, approach) for q in qs]
    for model in models:                              # every argument checked before any work
        n_top, use = model._check_task(ns[-1], method)
        if use == "mc":
            check_budget(n_top, v.integer("trials", trials, low=1))
    curves = []
    root = seed_sequence(seed)
    log_ns = np.log(np.asarray(ns, dtype=float))
    for i, (q, model) in enumerate(zip(qs, models)):
        use = model._check_task(ns[-1], method)[1]
        if use == "mc":
            logs = simulate_log_partial_sums(model.subtask_time, [int(n) for n in ns], trials, block_sequence(root, i))
            log_medians = np.median(logs, axis=0) - log_ns
        else:
            log_medians = np.array([model.task_quantiles(int(n), (0.5,), method).log10_quantiles[0.5]
                                    for n in ns]) * math.log(10.0) - log_ns
            use = "exact" if all(model._check_task(int(n), method)[1] == "exact" for n in ns) else use
        with np.errstate(over="ignore"):
            medians = np.exp(log_medians)
        curves.append(GrowthCurve(q, model.beta, model.regime, tuple(int(x) for x in ns),
                                  tuple(float(x) for x in medians), tuple(float(x) for x in log_medians / np.log(10)),
                                  model.mean_subtask_time, theory_slope(model.beta), fitted_slope(log_ns, log_medians),
                                  use))
    used_mc = any(c.method == "mc" for c in curves)
    return GrowthCurves(StepsModel(alpha, qs[0], approach).approach.spec, tuple(curves),
                        seed_used(root) if used_mc else None, int(trials) if used_mc else None)


@dataclass(frozen=True)
class EfficiencyCurves(Result):
    alphas: tuple[float, ...]
    qs: tuple[float, ...]
    efficiency: tuple[tuple[float, ...], ...]   # efficiency[i][j] for alphas[i], qs[j]

    def _rows(self) -> list[dict]:
        """One row per (alpha, q)."""
        return [{"alpha": a, "q": q, "efficiency": e} for a, row in zip(self.alphas, self.efficiency)
                for q, e in zip(self.qs, row)]


def efficiency_curves(alphas=(0.25, 0.5, 1.0), qs=None) -> EfficiencyCurves:
    """Efficiency 1 / E[M] = 1 - 1/(q alpha) above the threshold, 0 below it."""
    qs = np.linspace(1.0, 40.0, 391) if qs is None else np.asarray(qs, dtype=float)
    eff = tuple(tuple(StepsModel(float(a), float(q)).efficiency for q in qs) for a in alphas)
    return EfficiencyCurves(tuple(map(float, alphas)), tuple(map(float, qs)), eff)


def q_for_efficiency(alpha: float, target: float) -> float:
    r"""The power reaching efficiency ``target``: :math:`1 - 1/(q\alpha) = e \Rightarrow q = 1/(\alpha(1-e))`."""
    return 1.0 / (alpha * (1.0 - target))


DEFAULT_FAMILIES = (
    "pareto(b=0.5)",
    "lomax(c=0.5, loc=1, scale=3)",
    "invweibull(c=0.5, loc=1)",
    "fisk(c=0.5, loc=1)",
    "lognorm(s=2, loc=1)",
    "weibull_min(c=0.3, loc=1)",
    "logcauchy(sigma=1, loc=1)",
    "logpareto(a=1)",
)


def log10_max_bound(model: StepsModel, ns) -> np.ndarray:
    r"""log10 of a lower bound on median(S_n)/n from the largest subtask alone, for any n (even 1e30).

    :math:`S_n \ge \max_i M_i` and :math:`P(\max_i M_i \le t) = F_M(t)^n`, so
    :math:`\mathrm{median}(S_n) \ge F_M^{-1}(2^{-1/n})`, computed from
    :math:`\log P(M > t) = \log(1 - 2^{-1/n})` in log space.
    """
    ns = np.asarray(ns, dtype=float)
    log_sf = np.log(-np.expm1(-math.log(2.0) / ns))
    return (np.asarray(model.subtask_time.log_isf_log(log_sf)) - np.log(ns)) / math.log(10.0)


@dataclass(frozen=True)
class FamilyResult(Result):
    """One approach family: its tail, threshold, mean subtask time per q, Monte Carlo growth to
    ``n_max`` and, far beyond, the largest-subtask lower bound on median(S_n)/n."""

    approach: str
    tail: str
    critical_q: float | None
    verdict: str                       # "threshold at q=...", "no threshold", "no q escapes"
    mean_qs: tuple[float, ...]
    mean_subtask_time: tuple[float, ...]
    growth: GrowthCurves
    bound_n: tuple[float, ...]
    log10_bound_per_subtask: tuple[tuple[float, ...], ...]   # one row per growth q

    @property
    def family(self) -> str:
        """The family name of the approach spec (``lognorm`` for ``lognorm(s=2, loc=1)``)."""
        return self.approach.split("(")[0]

    def _rows(self) -> list[dict]:
        """One row per power q of the means: E[M] there, and the family's tail and verdict."""
        return [{"approach": self.approach, "tail": self.tail, "critical_q": self.critical_q, "verdict": self.verdict,
                 "q": q, "mean_subtask_time": m} for q, m in zip(self.mean_qs, self.mean_subtask_time)]

    def mean_at(self, q: float) -> float:
        """E[M] at power ``q`` (one of ``mean_qs``)."""
        return self.mean_subtask_time[self.mean_qs.index(q)]

    def bound_at(self, q: float, n: float) -> float:
        """log10 of the largest-subtask lower bound on median(S_n)/n at power ``q`` (a growth q) and n."""
        return self.log10_bound_per_subtask[[c.q for c in self.growth.curves].index(q)][_nearest(self.bound_n, n)]


@dataclass(frozen=True)
class FamilyStudy(Result):
    families: tuple[FamilyResult, ...]

    def _rows(self) -> list[dict]:
        """One row per (family, q) of the means."""
        return [row for f in self.families for row in f._rows()]

    def family(self, name: str) -> FamilyResult:
        """The result of the family ``name`` (``lognorm``, ``logcauchy``, ...)."""
        return next(f for f in self.families if f.family == name)


def family_study(families=DEFAULT_FAMILIES, mean_qs=(1.0, 1.5, 1.9, 2.0, 2.1, 3.0, 4.0, 8.0),
                 growth_qs=(1.0, 2.0, 4.0, 8.0), n_max: int = 10 ** 4, points: int = 13, trials: int = 400,
                 seed: SeedLike = 0, bound_n_max: float = 1e30) -> FamilyStudy:
    """Does a threshold exist for each family, and where? Means by quadrature, growth by Monte Carlo."""
    out = []
    root = seed_sequence(seed)
    for i, spec in enumerate(families):
        base = StepsModel(q=1.0, approach=spec)
        means = tuple(StepsModel(q=q, approach=spec).mean_subtask_time for q in mean_qs)
        if base.critical_q is not None:
            verdict = f"threshold at q = {base.critical_q:g}"
        elif math.isinf(means[-1]):
            verdict = "no finite q escapes"
        else:
            verdict = "no threshold: finite mean at every q"
        growth = growth_curves(None, growth_qs, 1, n_max, points, approach=spec, method="mc", trials=trials,
                               seed=block_sequence(root, i))
        bound_n = np.geomspace(1.0, bound_n_max, 31)
        bounds = tuple(tuple(float(x) for x in log10_max_bound(StepsModel(q=q, approach=spec), bound_n))
                       for q in growth_qs)
        out.append(FamilyResult(base.approach.spec, str(base.approach.tail), base.critical_q, verdict,
                                tuple(mean_qs), means, growth, tuple(float(x) for x in bound_n), bounds))
    return FamilyStudy(tuple(out))


@dataclass(frozen=True)
class SuccessCurve(Result):
    q: float
    n: tuple[int, ...]
    success: tuple[float, ...]
    horizon: int


@dataclass(frozen=True)
class SuccessCurves(Result):
    alpha: float
    budget: float
    p: float
    curves: tuple[SuccessCurve, ...]

    def _rows(self) -> list[dict]:
        """One row per (q, n)."""
        return [{"alpha": self.alpha, "budget": self.budget, "q": c.q, "n": n, "success": s, "horizon": c.horizon}
                for c in self.curves for n, s in zip(c.n, c.success)]


def success_curves(alpha: float, qs, budget: float, p: float = 0.5, points: int = 40) -> SuccessCurves:
    """P(S_n <= budget) on a log grid of n up to the budget, and the horizon at level p."""
    budget = v.real("budget", budget, low=1.0)
    ns = n_grid(1, int(budget), points)
    curves = []
    for q in qs:
        model = StepsModel(alpha, q)
        success = tuple(model.success_probability(int(n), budget) for n in ns)
        curves.append(SuccessCurve(float(q), tuple(int(x) for x in ns), success, model.horizon(budget, p).horizon))
    return SuccessCurves(float(alpha), budget, p, tuple(curves))


@dataclass(frozen=True)
class RunningMeans(Result):
    """Sample means of the subtask time over growing sample sizes, below and above the threshold."""

    alpha: float
    qs: tuple[float, ...]
    sizes: tuple[int, ...]
    means: tuple[tuple[float, ...], ...]
    exact_means: tuple[float, ...]

    def _rows(self) -> list[dict]:
        """One row per (q, sample size)."""
        return [{"alpha": self.alpha, "q": q, "size": size, "mean": m, "exact_mean": exact}
                for q, row, exact in zip(self.qs, self.means, self.exact_means) for size, m in zip(self.sizes, row)]

    def mean_at(self, q: float, size: float) -> float:
        """The sample mean at power ``q`` after the sample size nearest ``size``."""
        return self.means[self.qs.index(q)][_nearest(self.sizes, size)]

    def exact_mean(self, q: float) -> float:
        return self.exact_means[self.qs.index(q)]


def running_means(alpha: float = 0.5, qs=(1.5, 1.9, 2.5, 4.0), max_size: int = 10 ** 7,
                  seed: SeedLike = 0) -> RunningMeans:
    """Sample mean of M over 10..max_size draws: it settles above 1/alpha and drifts upward below."""
    sizes = np.unique(np.round(np.geomspace(10, max_size, 25)).astype(np.int64))
    means = []
    for i, q in enumerate(qs):
        model = StepsModel(alpha, q)
        logs = simulate_log_partial_sums(model.subtask_time, sizes, 1, block_sequence(seed_sequence(seed), i))[0]
        means.append(tuple(float(x) for x in np.exp(logs) / sizes))
    return RunningMeans(float(alpha), tuple(map(float, qs)), tuple(int(x) for x in sizes), tuple(means),
                        tuple(StepsModel(alpha, q).mean_subtask_time for q in qs))

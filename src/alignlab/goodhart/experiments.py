r"""The experiments behind claims G1-G7 of the report, each returning a result object that the
plots and the report use.

* :func:`heavy_error` (G1) - heavy-tailed error, light utility: :math:`E[V \mid U \ge t]` back to
  :math:`E[V]` for t up to 1e100, with a Monte Carlo check where simulation reaches.
* :func:`light_error` (G2) - light-tailed error: unbounded growth; both normal against the closed form.
* :func:`tail_race` (G3) - two regularly varying tails (gain ~ t^(1+a-b)) and exponential error
  (constant gain): fitted slopes against theory.
* :func:`kl_construction` (G4) - the construction on a ``t(df=3)`` base with mass t^-0.8.
* :func:`bon_synthetic` (G5) - best-of-n from 1 to 1e9, exact, with Monte Carlo to 65,536.
* :func:`dependence_study` (G6) - the dependence counterexample, by conditioning and by the KL tilt.
* :func:`gao_fits` (G7) - Gao et al.'s forms fitted to the G5 curves.

Experiments that simulate take ``seed`` (default 0, the report's numbers; None: fresh entropy) and
record the integer they used. Results name their curves by the specs they were computed for (``Curves.curve``), so
the report reads them by name.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._progress import ProgressLike, tracker
from alignlab._seeding import SeedLike, seed_sequence, seed_used
from alignlab._results import Result
from alignlab.goodhart.best_of_n import MAX_N, MAX_N_SIMULATED, BestOfN, check_simulation
from alignlab.goodhart.conditioning import ConditionalUtility, PointConditional
from alignlab.goodhart.construction import Construction, construct
from alignlab.goodhart.dependence import counterexample
from alignlab.goodhart.fits import GaoFit, fit_best_of_n
from alignlab.goodhart.montecarlo import MAX_COUNT
from alignlab.goodhart.proxy import Proxy
from alignlab.goodhart.regime import Regime
from alignlab.goodhart.tilt import Tilt

NORMAL = "norm(0, 1)"
WEIBULL = "weibull_min(c=2)"
LEVY = "levy"
HEAVY_ERRORS = ("t(df=3)", "lognorm(s=1)", LEVY)                         # G1
RACES = (("t(df=1.5)", "t(df=2.2)"), ("t(df=1.5)", "t(df=3)"), ("t(df=3)", "t(df=2.2)"),
         ("expon(scale=1)", NORMAL), ("laplace(scale=0.5)", NORMAL))      # G3: (error, utility)
BON_ERRORS = (NORMAL, "t(df=3)", "t(df=5)", "lognorm(s=1)", LEVY)       # G5
BON_UTILITIES = (NORMAL, "t(df=10, scale=2)")


def base_seed(seed: SeedLike) -> int:
    """The integer an experiment adds offsets to for the seeds of its Monte Carlo runs (``seed + i``:
    seed 0 gives the report's numbers); fresh entropy for None."""
    used = seed_used(seed_sequence(seed))
    if used is None:
        raise v.ParameterError("seed", "must be an integer, a Generator or None for an experiment "
                                       "(got a spawned SeedSequence)")
    return used


@dataclass(frozen=True)
class Curve(Result):
    """E[V | U >= t] against t for one (error, utility) pair, with the regime and a Monte Carlo check."""

    error: str
    utility: str
    exact: ConditionalUtility
    regime: Regime
    mc: ConditionalUtility | None = None
    mc_exact: tuple[float, ...] | None = None        # the quadrature at the Monte Carlo thresholds
    closed_form: tuple[float, ...] | None = None     # where one exists (both normal)
    point: PointConditional | None = None            # E[V | U = u] (both normal)
    point_closed_form: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Curves(Result):
    """The curves of one experiment; ``seed`` is the base of their Monte Carlo seeds (None: no draws)."""

    curves: tuple[Curve, ...]
    seed: int | None = None

    def _rows(self) -> list[dict]:
        """One row per (curve, threshold, method): the quadrature's curve and the Monte Carlo points."""
        return [{"error": c.error, "utility": c.utility, **row} for c in self.curves
                for part in (c.exact, c.mc) if part is not None for row in part._rows()]

    def curve(self, error: str, utility: str | None = None) -> Curve:
        """The curve of ``error`` (and ``utility``, where one error is paired with several)."""
        found = [c for c in self.curves if c.error == error and utility in (None, c.utility)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} curves for error {error!r}, utility {utility!r}")
        return found[0]


def _curve(error: str, utility: str, t, mc_t=None, samples: int = 400_000, seed: int = 0,
           decades: int = 12) -> Curve:
    proxy = Proxy(error, utility)
    mc = mc_exact = None
    if mc_t is not None:
        mc = proxy.conditional_utility(mc_t, method="mc", samples=samples, seed=seed)
        mc_exact = proxy.conditional_utility(mc_t).conditional_utility
    return Curve(error, utility, proxy.conditional_utility(t), proxy.regime(decades), mc, mc_exact)


def heavy_error(errors=HEAVY_ERRORS, utility: str = NORMAL, seed: SeedLike = 0) -> Curves:
    """G1: E[V | U >= t] for t from 0.3 to 1e100 (ten points per decade to 1e4, then one per decade)
    and heavy-tailed errors; Monte Carlo of error ``i`` with seed ``seed + i``."""
    t = np.unique(np.concatenate([10.0 ** np.arange(-0.5, 4.01, 0.1), 10.0 ** np.arange(0, 101, 1.0)]))
    mc_t = np.array([1.0, 2.0, 3.0, 5.0, 10.0, 20.0])
    base = base_seed(seed)
    return Curves(tuple(_curve(e, utility, t, mc_t, seed=base + i) for i, e in enumerate(errors)), base)


def light_error(utility: str = NORMAL, seed: SeedLike = 0) -> Curves:
    """G2: normal error against the closed forms E[V | U >= t] = E[V] + Var(V)/sd(U) phi(z)/(1 - Phi(z))
    and E[V | U = u] = E[V] + (u - E[U]) Var(V)/(Var(V) + Var(X)), and a light non-normal error
    (Weibull, shape 2). Monte Carlo (normal error only) with seed ``seed + 10``."""
    from scipy import special

    base = base_seed(seed)
    t = np.concatenate([np.linspace(-5, 50, 56), 10.0 ** np.arange(2, 4.01, 0.25)])
    normal = _curve(NORMAL, utility, t, np.array([0.0, 1.0, 2.0, 3.0, 4.0]), seed=base + 10)
    z = t / np.sqrt(2.0)
    closed = (1 / np.sqrt(2.0)) * np.exp(-z * z / 2 - 0.5 * np.log(2 * np.pi) - special.log_ndtr(-z))
    u = np.array([-20.0, -3.0, 0.0, 1.0, 5.0, 30.0, 100.0])
    normal = dataclasses.replace(normal, closed_form=tuple(closed), point_closed_form=tuple(u / 2),
                                 point=Proxy(NORMAL, utility).conditional_utility_at(u))
    weibull = _curve(WEIBULL, utility, 10.0 ** np.arange(0, 3.01, 0.25))
    return Curves((normal, weibull), base)


def tail_race(races=RACES) -> Curves:
    """G3: power laws racing (a = 1.5 against b = 2.2 and b = 3), V heavier than X, and exponential
    error with normal utility (constant gain lambda sigma^2 = 1); ``races`` are (error, utility) pairs."""
    t = 10.0 ** np.arange(0, 12.01, 0.5)
    return Curves(tuple(_curve(e, u, t) for e, u in races))


def kl_construction(base: str = "t(df=3)", mass_exponent: float = 0.8) -> Construction:
    """G4: mean up, KL down, over t from 1.5 to 1e4."""
    t = np.concatenate([[1.5, 2.0, 3.0, 5.0], 10.0 ** np.arange(1, 4.01, 0.25)])
    return construct(base, t, mass_exponent=mass_exponent)


@dataclass(frozen=True)
class BonCase(Result):
    error: str
    utility: str
    exact: BestOfN
    mc: BestOfN
    peak_n: int               # n with the largest exact E[V]
    peak_utility: float


@dataclass(frozen=True)
class BonSynthetic(Result):
    """Best-of-n for every (error, utility) pair; ``seed`` is the base of the Monte Carlo seeds."""

    cases: tuple[BonCase, ...]
    trials: int
    seed: int

    def _rows(self) -> list[dict]:
        """One row per (case, method, n): the exact curve and the Monte Carlo points."""
        return [{"error": c.error, "utility_law": c.utility, **row} for c in self.cases
                for part in (c.exact, c.mc) for row in part._rows()]


def bon_synthetic(errors=BON_ERRORS, utilities=BON_UTILITIES, n_max: float = 1e9, mc_max: int = 65536,
                  trials: int = 100, seed: SeedLike = 0, progress: ProgressLike = False,
                  max_work: float | None = None) -> BonSynthetic:
    """G5: best-of-n for every (utility, error) pair: exact for n = 1..n_max (four points per
    decade), Monte Carlo with ``trials`` trials for n = 1, 2, 4, ..., mc_max (pair ``(i, j)`` with
    seed ``seed + 100 i + j``). ``progress`` counts pairs. The draws of all pairs together are bounded
    before any starts (``max_work`` raises the limit)."""
    n_max = v.integer("n_max", n_max, low=2, high=MAX_N)
    mc_max = v.integer("mc_max", mc_max, low=2, high=MAX_N_SIMULATED)
    trials = v.integer("trials", trials, low=2, high=MAX_COUNT)
    base = base_seed(seed)
    n_mc = 2 ** np.arange(0, int(np.log2(mc_max)) + 1)
    check_simulation(None, n_mc, trials, max_work, runs=len(errors) * len(utilities))
    n_exact = np.unique(np.concatenate([np.round(10.0 ** np.arange(0, np.log10(n_max) + 1e-9, 0.25)), n_mc])
                        ).astype(np.int64)
    cases = []
    with tracker(progress, len(utilities) * len(errors), "best-of-n, synthetic proxies") as bar:
        for i, u in enumerate(utilities):
            for j, e in enumerate(errors):
                bar.update(bar.done, f"best-of-n: X ~ {e}, V ~ {u}")
                proxy = Proxy(e, u)
                exact = proxy.best_of_n(n_exact)
                mc = proxy.best_of_n(n_mc, method="mc", trials=trials, seed=base + 100 * i + j,
                                     max_work=math.inf)          # all pairs' draws were checked above
                k = int(np.argmax(exact.utility))
                cases.append(BonCase(e, u, exact, mc, int(exact.n[k]), float(exact.utility[k])))
                bar.advance()
    return BonSynthetic(tuple(cases), trials, base)


@dataclass(frozen=True)
class DependenceStudy(Result):
    """The counterexample against the same error made independent of V (X ~ N(0, 4))."""

    dependent: ConditionalUtility
    independent: ConditionalUtility
    mc: ConditionalUtility
    regime: Regime
    tilt_dependent: Tilt
    tilt_independent: Tilt

    def _rows(self) -> list[dict]:
        """One row per (case, threshold) of the conditioning: dependent, independent, dependent by Monte Carlo."""
        return [{"case": name, **row} for name, part in (("dependent", self.dependent),
                                                         ("independent", self.independent), ("dependent", self.mc))
                for row in part._rows()]


def dependence_study(samples: int = 200_000, seed: SeedLike = 0) -> DependenceStudy:
    """G6: conditioning (quadrature, and Monte Carlo with ``samples`` draws from ``seed``) and the KL tilt
    for the dependence counterexample and its independent twin."""
    t = np.concatenate([np.linspace(0, 10, 21), 10.0 ** np.arange(1.25, 4.01, 0.25)])
    dep = Proxy(utility=NORMAL, dependence=counterexample())
    ind = Proxy("norm(0, 2)", NORMAL)
    beta = 10.0 ** np.arange(0.5, -1.51, -0.25)
    return DependenceStudy(dep.conditional_utility(t), ind.conditional_utility(t),
                           dep.conditional_utility([0.0, 1.0, 2.0, 3.0, 4.0], method="mc", samples=samples,
                                                   seed=seed),
                           dep.regime(decades=4), dep.tilt(beta), ind.tilt(beta))


@dataclass(frozen=True)
class GaoCase(Result):
    """Both of Gao et al.'s forms fitted to one best-of-n curve: ``bon`` is d (a - b d), ``rl`` d (a - b log d)."""

    error: str
    utility: str
    bon: GaoFit
    rl: GaoFit


@dataclass(frozen=True)
class GaoFits(Result):
    """Gao et al.'s forms fitted to each best-of-n curve of G5."""

    cases: tuple[GaoCase, ...]


def gao_fits(bon: BonSynthetic) -> GaoFits:
    return GaoFits(tuple(GaoCase(c.error, c.utility, *fit_best_of_n(c.exact)) for c in bon.cases))

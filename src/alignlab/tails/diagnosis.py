r"""``diagnose``: are these samples heavy-tailed, and what does that mean for optimising against them?

The figures (:func:`alignlab.tails.plots.plot_diagnosis`) are those Kwa, Thomas & Garriga-Alonso
(2024) used on reward-model outputs, plus two: histogram, normal QQ plot, exponential QQ plot of
the excess over the mean, mean-excess plot, Hill plot with 95% bands, and the generalized Pareto
shape by threshold.

**Verdict.** "Heavy" here means heavier than exponential, the sense in which their theorem makes
optimisation catastrophic. The exponential QQ plot of the excesses over a threshold is straight
exactly when the generalized Pareto shape :math:`\xi` of those excesses is 0, so the verdict tests
:math:`\xi` at the 90%, 95% and 98% quantiles (:mod:`alignlab.tails.peaks_over_threshold`, thresholds with at least
30 excesses):

* a threshold says *heavy* when the 95% interval of :math:`\xi` lies above 0;
* it says *light* when the interval lies below 0.1 (a tail no heavier than a tenth power: within
  this precision exponential or lighter), or when :math:`\hat\xi \le -1/2` (a bounded tail);
* the verdict is ``heavy`` when at least two thresholds say heavy and none says light; ``light``
  when at least one says light and none says heavy; otherwise ``ambiguous`` (the thresholds
  disagree, or none is precise enough).

Calibration (10 seeds each): from n = 10,000 on, normal, exponential, uniform and Gumbel samples
are called light and Pareto, Student-t (3 and 5 degrees of freedom), Frechet, lognormal and
Weibull(0.5) samples heavy; Student-t(10), with :math:`\xi = 0.1`, is called light. Below
n = 3,000 most heavy samples other than Pareto are ``ambiguous`` and a Student-t(5) is sometimes
called light: the verdict is weak there.

Hill, moment and Pickands estimates and the power-law-versus-exponential test of the excess are
reported as evidence; Hill alone cannot show a light tail (it is positive at every finite k).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from alignlab._progress import ProgressLike
from alignlab._seeding import SeedLike, seed_sequence, seed_used
from alignlab._results import BULK, Result
from alignlab._validate import ParameterError
from alignlab.tails.estimators import (TailPath, descending_logs, hill_from_logs, moment_from_logs,
                                      pickands_from_sample)
from alignlab.tails.likelihood_ratio import Comparison, compare
from alignlab.tails.peaks_over_threshold import ThresholdFit, threshold_fit
from alignlab.tails.power_law import PowerLawFit, power_law_of_sorted
from alignlab.tails.sample_checks import MIN_TAIL, as_sample, excess_over_mean, mean_sd, power_of_two

LEVELS = (0.90, 0.95, 0.98)
MIN_EXCESSES = 30
LIGHT_XI = 0.1
QQ_POINTS = 2000

IMPLICATIONS = {
    "heavy": "Heavier-than-exponential error is the condition of Kwa et al. (2024): if the true utility V is "
             "lighter-tailed and independent of the error X, E[V | X + V >= t] -> E[V] as t grows, so hard "
             "optimisation (conditioning, best-of-n, or KL-regularised RL) selects for reward error and buys "
             "no true utility; a KL penalty does not prevent it.",
    "light": "Exponential-or-lighter error: with independent, unbounded V of finite mean, optimising the proxy "
             "harder keeps raising E[V | X + V >= t] (without bound for strictly lighter-than-exponential X, a "
             "constant gain lambda * Var(V) for exponential X), so the catastrophic-Goodhart mechanism does not "
             "apply; dependence between X and V can still defeat this.",
    "ambiguous": "The tail cannot be settled at this sample size or the estimators disagree: treat hard "
                 "optimisation against this signal as at risk of catastrophic Goodhart, and collect more "
                 "samples from the upper tail before relying on it.",
}


@dataclass(frozen=True, eq=False)
class FigureData(Result):
    """What the diagnosis figures draw, thinned so that a large sample does not make a large result.

    ``normal_qq``: normal quantiles and standardised sample quantiles; ``exponential_qq``: exponential
    quantiles and the positive excess over the mean divided by its mean; ``mean_excess``: thresholds
    ``u``, E[X - u | X > u] and its standard error; ``histogram``: bin edges and counts."""

    normal_qq: tuple[np.ndarray, np.ndarray]
    exponential_qq: tuple[np.ndarray, np.ndarray]
    mean_excess: tuple[np.ndarray, np.ndarray, np.ndarray]
    histogram: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Diagnosis(Result):
    """Verdict, the evidence behind it, and what the diagnosis figures draw (``figure_data``: kept by
    ``to_dict``, left out of ``--json``). ``hill`` is on the excess over the mean, with the
    double-bootstrap ``k`` drawn with ``seed``; ``moment`` and ``pickands`` are at that ``k``."""

    verdict: str
    n: int
    mean: float
    sd: float
    hill: TailPath
    moment: TailPath
    pickands: TailPath
    thresholds: tuple[ThresholdFit, ...]
    evidence: tuple[str, ...]
    implication: str
    power_law_of_excess: PowerLawFit | None = None
    versus_exponential: Comparison | None = None
    seed: int | None = None
    figure_data: FigureData | None = field(default=None, metadata=BULK, compare=False, repr=False)

    def _rows(self) -> list[dict]:
        """One row per threshold of the verdict: its GPD shape, 95% interval and vote."""
        rows = []
        for fit in self.thresholds:
            lo, hi = fit.interval()
            rows.append({"verdict": self.verdict, "n": self.n, "level": fit.level, "threshold": fit.threshold,
                         "excesses": fit.k, "xi": fit.xi, "se": fit.se, "ci_low": lo, "ci_high": hi,
                         "vote": vote(fit)})
        return rows


def diagnose(samples, *, column: str | None = None, seed: SeedLike = 0, bootstrap_samples: int = 500,
             workers: int | None = None, progress: ProgressLike = False, max_work: float | None = None) -> Diagnosis:
    """Diagnose the upper tail of ``samples`` (any real numbers; the tail of interest is the upper one): an
    array, a pandas Series, a DataFrame's ``column``, or a file or data set by name (``"starling-llama"``).

    ``seed``, ``bootstrap_samples``, ``workers`` (CPU cores, default all; they do not change the numbers),
    ``progress`` and ``max_work`` go to the double bootstrap for Hill's ``k``."""
    x = as_sample(samples, column=column)
    levels = [level for level in LEVELS if round((1 - level) * x.size) >= MIN_EXCESSES]
    if len(levels) < 2:
        raise ParameterError("samples", f"a tail verdict needs at least {MIN_EXCESSES} values above the 95% "
                                        f"quantile, so n >= {math.ceil(MIN_EXCESSES / 0.05)} (got {x.size})")
    mean, sd = mean_sd(x)
    excess = excess_over_mean(x, mean)
    fits = tuple(f for f in (threshold_fit(x, level, MIN_EXCESSES) for level in levels) if f is not None)
    if len(fits) < 2:
        raise ParameterError("samples", f"a tail verdict needs at least {MIN_EXCESSES} distinct excesses over the "
                                        f"90% and 95% quantiles, but ties leave fewer ({np.unique(x).size} distinct "
                                        f"values of {x.size})")
    root = seed_sequence(seed)
    logs = descending_logs(excess, "the Hill estimator")
    h = hill_from_logs(logs, x.size, "bootstrap", seed=root, bootstrap_samples=bootstrap_samples, workers=workers,
                       progress=progress, max_work=max_work)
    mom = moment_from_logs(logs, x.size, k=min(h.chosen_k, logs.size - 1))
    pick = pickands_from_sample(x, k=max(1, min(h.chosen_k, x.size // 4)))
    verdict, votes = _verdict(fits)
    excess_fit, versus = _power_law_of_excess(excess)
    evidence = _evidence(fits, votes, h, mom, pick, excess_fit, versus)
    return Diagnosis(verdict, int(x.size), mean, sd, h, mom, pick, fits, evidence, IMPLICATIONS[verdict],
                     excess_fit, versus, seed_used(root), _figure_data(x, excess))


def vote(fit: ThresholdFit) -> str:
    """What one threshold says: ``heavy`` (95% interval of xi above 0), ``light`` (interval below
    :data:`LIGHT_XI`, or xi <= -1/2) or ``neither``."""
    lo, hi = fit.interval()
    return "heavy" if lo > 0 else "light" if (hi < LIGHT_XI or fit.xi <= -0.5) else "neither"


def _verdict(fits) -> tuple[str, list[str]]:
    votes = [vote(f) for f in fits]
    heavy, light = votes.count("heavy"), votes.count("light")
    if heavy >= 2 and light == 0:
        return "heavy", votes
    if light >= 1 and heavy == 0:
        return "light", votes
    return "ambiguous", votes


def _power_law_of_excess(excess: np.ndarray) -> tuple[PowerLawFit | None, Comparison | None]:
    """CSN fit of the positive excess and its test against the exponential (None when too few points)."""
    positive = np.sort(excess[excess > 0])
    fit = power_law_of_sorted(positive, False, MIN_TAIL) if positive.size >= MIN_TAIL else None
    if fit is None:
        return None, None
    return fit, compare(fit=fit, alternatives=("exponential",))["exponential"]


def _evidence(fits, votes, h, mom, pick, excess_fit, versus) -> tuple[str, ...]:
    lines = []
    for f, vote in zip(fits, votes):
        lo, hi = f.interval()
        ci = f"95% CI [{lo:.3f}, {hi:.3f}]" if math.isfinite(f.se) else "bounded tail (xi <= -1/2)"
        meaning = {"heavy": "heavier than exponential", "light": "exponential or lighter",
                   "neither": "undecided"}[vote]
        lines.append(f"GPD shape of the {f.k} excesses over the {f.level:.0%} quantile ({f.threshold:.4g}): "
                     f"xi = {f.xi:.3f}, {ci}: {meaning}")
    lines.append(f"Hill on the positive excess over the mean: xi = {h.chosen_xi:.3f} +/- {h.chosen_se:.3f} at "
                 f"k = {h.chosen_k} ({h.selection}); Hill is positive for every tail at finite k, so only a "
                 f"stable plateau would indicate a power law")
    lines.append(f"moment (DEdH) estimator at the same k: xi = {mom.chosen_xi:.3f} +/- {mom.chosen_se:.3f}")
    if pick.chosen_xi is not None and math.isfinite(pick.chosen_xi):
        lines.append(f"Pickands at k = {pick.chosen_k}: xi = {pick.chosen_xi:.3f} +/- {pick.chosen_se:.3f}")
    if excess_fit is not None and versus is not None:
        verdict = {"power_law": "the power law fits better", "exponential": "the exponential fits better",
                   "neither": "neither fits significantly better",
                   "undecided": "the comparison is degenerate"}[versus.favours]
        p = "n/a" if versus.p_value is None else f"{versus.p_value:.3g}"
        lines.append(f"power law (alpha = {excess_fit.alpha:.3f}, {excess_fit.n_tail} points above "
                     f"{excess_fit.xmin:.4g}) against exponential on the same excess: R = "
                     f"{versus.loglikelihood_ratio:.2f}, p = {p}: {verdict}")
    return tuple(lines)


def _figure_data(x: np.ndarray, excess: np.ndarray) -> FigureData:
    ordered = np.sort(x)
    n = x.size
    idx = _thin(n)
    probs = (idx + 0.5) / n
    mean, sd = mean_sd(ordered)
    z = (ordered - mean) / sd
    pos = np.sort(excess[excess > 0])
    pidx = _thin(pos.size)
    levels = np.linspace(0.5, 0.995, 60)
    u = np.quantile(x, levels)
    me, me_se = np.full(u.size, np.nan), np.full(u.size, np.nan)
    for i, t in enumerate(u):
        above = x[x > t] - t
        if above.size > 1:
            m, sd_above = mean_sd(above)
            me[i], me_se[i] = m, sd_above / math.sqrt(above.size - 1)
        elif above.size:
            me[i] = float(above[0])
    # binned in units of a power of two near the largest value (exact, and the range stays finite for
    # values near 1e308), and no more bins than the doubles between the extremes can separate
    scale = power_of_two(ordered)
    scaled = ordered / scale
    separable = float(scaled[-1] - scaled[0]) / (16 * np.finfo(float).eps)
    counts, edges = np.histogram(scaled, bins=int(max(1.0, min(100.0, max(10.0, math.sqrt(n)), separable))))
    edges = edges * scale
    return FigureData(normal_qq=(stats.norm.ppf(probs), z[idx]),
                      exponential_qq=(-np.log1p(-(pidx + 0.5) / pos.size), pos[pidx] / pos.mean()),
                      mean_excess=(u, me, me_se), histogram=(edges, counts))


def _thin(size: int) -> np.ndarray:
    """Indices for a QQ plot: every point in the top and bottom 100, evenly spaced between."""
    if size <= QQ_POINTS:
        return np.arange(size)
    middle = np.linspace(100, size - 101, QQ_POINTS - 200).astype(np.int64)
    return np.unique(np.concatenate([np.arange(100), middle, np.arange(size - 100, size)]))

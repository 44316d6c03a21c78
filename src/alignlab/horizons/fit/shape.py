r"""How fast success falls per doubling of the task length, estimated without a parametric curve.

For a success curve p(t), the **per-doubling shape** is

.. math:: k_2(t) = \log_2 \frac{\log p(2t)}{\log p(t)}:

1 for a constant hazard (:math:`p = e^{-\lambda t}`), k for a Weibull of shape k, and at least 1 at every t
for every steps curve whose number of subtasks is proportional to t (i.i.d. subtask times give
:math:`p(2t) \le p(t)^2`; docs/horizons.md, "The superadditivity bound"). Below 1, success falls more
slowly per doubling than under a constant hazard.

**Estimate** (:func:`doubling_shape`), per agent: its runs in doubling bins of task length,
:math:`[2^j, 2^{j+1})` minutes; in bin j the weighted success rate :math:`\hat p_j`, Kish's effective number
of runs :math:`n_j` and the weighted geometric mean length :math:`\bar t_j`. With the cumulative hazard
:math:`H_j = -\ln \hat p_j`, a constant per-doubling shape means
:math:`\log_2 H_j = c + k_2 \log_2 \bar t_j`, and :math:`k_2` is the weighted least-squares slope over the
bins with :math:`0 < \hat p_j < 1` and :math:`n_j \ge` :data:`MIN_RUNS`, weighted by the inverse of the
delta-method variance :math:`\mathrm{Var}\,\ln H_j \approx (1 - p_j)/(n_j\,p_j \ln^2 p_j)` (rates near 1,
whose hazard is poorly measured, weigh little). It needs :data:`MIN_BINS` such bins. Between adjacent
bins, ``pairs`` gives the local slope :math:`\Delta\log_2 H / \Delta\log_2 \bar t`. No curve is assumed:
the bins' rates are the data, and the slope only summarises how their hazards grow.

**Interval**: METR's hierarchical bootstrap (:mod:`alignlab.horizons.hierarchy`), draw b from
``block_generator(seed, b)`` (the same resamples as :func:`~alignlab.horizons.fit_horizons` with that
seed); every draw is binned and fitted again, and the 95% percentile interval is taken over the draws
that still have :data:`MIN_BINS` usable bins (``draws`` counts them); with fewer than
:data:`MIN_DRAW_SHARE` of the draws there is no interval (the slope rests on bins that resampling
empties).

Across tasks of different lengths, a k2 below 1 does not say why: it is what a falling hazard in time
spent gives, and also what tasks that differ in difficulty beyond their length give (a mixture of
constant hazards), or work that grows more slowly than the human length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._limits import check_work
from alignlab._seeding import seed_sequence, seed_used
from alignlab._results import Result
from alignlab.horizons._names import names
from alignlab.horizons.fit.data import AgentData, agent_data
from alignlab.horizons.hierarchy import Hierarchy, multiplicities
from alignlab.horizons.intervals import interval
from alignlab.horizons.runs import WEIGHTS, Runs, load_runs, run_weights

MIN_RUNS = 5.0              # effective runs a bin needs to count
MIN_BINS = 3                # usable bins a slope needs
MIN_DRAW_SHARE = 0.5        # an interval needs this share of the draws to have a slope
MAX_DRAWS = 1e6             # bootstrap draws x agents unless max_work says more
_CHUNK = 200


@dataclass(frozen=True, kw_only=True)
class AgentShape(Result):
    """One agent's per-doubling shape (module docstring): ``k2`` with its 95% interval ``k2_ci`` from
    ``draws`` bootstrap draws; the usable doubling bins (their geometric mean ``minutes``, ``success`` rate
    and effective ``runs``) and the local slope between adjacent ones (``pairs``); ``note`` says why there
    is no estimate."""

    agent: str
    k2: float | None
    k2_ci: tuple[float, float] | None
    minutes: tuple[float, ...]
    success: tuple[float, ...]
    runs: tuple[float, ...]
    pairs: tuple[float, ...]
    draws: int
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class ShapeResult(Result):
    """Every agent's per-doubling shape from a runs file, with the weights, draws and seed used."""

    runs_file: str
    weights: str
    bootstrap: int
    seed: int | None
    agents: tuple[AgentShape, ...]

    def agent(self, name: str) -> AgentShape:
        for a in self.agents:
            if a.agent == name:
                return a
        raise KeyError(name)

    def _rows(self) -> list[dict]:
        """``to_pandas()``: one row per agent: ``agent``, ``k2``, ``k2_low``, ``k2_high``, ``bins``, ``draws``."""
        nan = float("nan")
        return [{"agent": a.agent, "k2": nan if a.k2 is None else a.k2, "k2_low": a.k2_ci[0] if a.k2_ci else nan,
                 "k2_high": a.k2_ci[1] if a.k2_ci else nan, "bins": len(a.minutes), "draws": a.draws}
                for a in self.agents]


def doubling_shape(runs, *, agent=None, weights: str = "invsqrt", bootstrap: int = 1000, seed=0,
                   max_work: float | None = None, columns: dict | None = None) -> ShapeResult:
    """The per-doubling shape k2 of ``agent`` (a name or a list; default every agent) of ``runs`` (a
    :class:`Runs`, a path, a shipped data set's name or a DataFrame, read with ``columns``), with a
    hierarchical bootstrap interval of ``bootstrap`` draws (module docstring)."""
    if not isinstance(runs, Runs):
        runs = load_runs(runs, columns=columns)
    weights = v.choice("weights", weights, WEIGHTS)
    bootstrap = v.integer("bootstrap", bootstrap, low=0, high=1_000_000)
    chosen = names("agent", agent)
    if chosen is not None:
        runs = runs.select(chosen)
    check_work("bootstrap", float(bootstrap) * len(runs.agents), MAX_DRAWS, "draws x agents", max_work)
    root = seed_sequence(seed)
    data, _ = agent_data(runs, run_weights(runs, weights))
    hierarchy = Hierarchy.of(runs.family, runs.task, runs.agent)
    draws = np.zeros((len(data), bootstrap))
    for a in range(0, bootstrap, _CHUNK):
        chunk = range(a, min(a + _CHUNK, bootstrap))
        mult = multiplicities(hierarchy, root, chunk)
        for i, agent_ in enumerate(data):
            draws[i, chunk.start:chunk.stop] = _slopes(agent_, mult[:, agent_.position])[0]
    return ShapeResult(runs_file=runs.source, weights=weights, bootstrap=bootstrap, seed=seed_used(root),
                       agents=tuple(_summary(a, draws[i]) for i, a in enumerate(data)))


def _summary(agent: AgentData, draws: np.ndarray) -> AgentShape:
    k2, bins = _slopes(agent, np.ones((1, agent.score.size)))
    minutes, success, runs = bins
    log_t, log_h = np.log2(minutes), np.log2(-np.log(success))
    pairs = tuple((np.diff(log_h) / np.diff(log_t)).tolist())
    kept = draws[~np.isnan(draws)]
    note = ci = None
    if np.isnan(k2[0]):
        note = (f"{minutes.size} doubling bins with a success rate strictly between 0 and 1 and at least "
                f"{MIN_RUNS:g} effective runs; a slope needs {MIN_BINS}")
    elif draws.size and kept.size < MIN_DRAW_SHARE * draws.size:
        note = (f"no interval: only {kept.size} of {draws.size} bootstrap draws keep {MIN_BINS} usable doubling "
                f"bins")
    else:
        ci = interval(kept)
    return AgentShape(agent=agent.name, k2=None if np.isnan(k2[0]) else float(k2[0]),
                      k2_ci=ci, minutes=tuple(minutes.tolist()),
                      success=tuple(success.tolist()), runs=tuple(runs.tolist()), pairs=pairs, draws=int(kept.size),
                      note=note)


def _slopes(agent: AgentData, factor: np.ndarray):
    """k2 for each row of per-run multipliers ``factor`` (D, R) (NaN where fewer than MIN_BINS bins are
    usable), and the usable bins of the first row: (minutes, success, effective runs)."""
    log_t = np.log2(agent.minutes[agent.cell])
    first = math.floor(log_t.min())
    which = np.floor(log_t).astype(int) - first
    bins = int(which.max()) + 1
    w = factor * agent.weight                                                   # (D, R)
    total = _per_bin(w, which, bins)
    wins = _per_bin(w * agent.score, which, bins)
    squares = _per_bin(w * w, which, bins)
    centre = _per_bin(w * log_t, which, bins)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = wins / total
        n = total ** 2 / squares
        t = centre / total
        usable = (total > 0) & (p > 0) & (p < 1) & (n >= MIN_RUNS)
        lp = np.log(np.where(usable, p, 0.5))
        y = np.log2(-lp)
        weight = np.where(usable, n * p * lp ** 2 / (1.0 - p), 0.0)             # 1 / Var(ln H), delta method
    sw = weight.sum(axis=1)
    mean_t = (weight * np.where(usable, t, 0.0)).sum(axis=1) / np.where(sw > 0, sw, 1.0)
    mean_y = (weight * np.where(usable, y, 0.0)).sum(axis=1) / np.where(sw > 0, sw, 1.0)
    dt_ = np.where(usable, t - mean_t[:, None], 0.0)
    sxx = (weight * dt_ ** 2).sum(axis=1)
    sxy = (weight * dt_ * np.where(usable, y - mean_y[:, None], 0.0)).sum(axis=1)
    slope = np.where((usable.sum(axis=1) >= MIN_BINS) & (sxx > 0), sxy / np.where(sxx > 0, sxx, 1.0), np.nan)
    keep = usable[0]
    return slope, (np.exp2(t[0, keep]), p[0, keep], n[0, keep])


def _per_bin(values: np.ndarray, which: np.ndarray, bins: int) -> np.ndarray:
    """Row by row, the sum of ``values`` (D, R) in each bin."""
    rows = values.shape[0]
    index = (which + bins * np.arange(rows)[:, None]).ravel()
    return np.bincount(index, values.ravel(), minlength=rows * bins).reshape(rows, bins)

"""The frozen results of :func:`alignlab.horizons.fit_horizons` (their ``to_json`` is ``fit --json``), the
success they predict, and their tables."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from alignlab._results import BULK, Result
from alignlab.horizons.fit.data import Binned
from alignlab.horizons.intervals import QUANTILES


@dataclass(frozen=True, kw_only=True)
class CurveFit(Result):
    """One curve fitted to one agent.

    ``params`` by name (see :mod:`alignlab.horizons.fit.curves`); ``loglik`` the weighted log-likelihood
    under the chosen weights; ``aic`` = 2k - 2 L' and ``bic`` = k log n_eff - 2 L', with
    L' = loglik * n_eff / (sum of weights) the log-likelihood on the scale of n_eff, Kish's effective
    number of runs (the number of runs with ``--weights none``). Horizons in minutes (None where the
    curve does not fall through the level); ``*_ci`` 95% percentile intervals over the bootstrap
    (None without it; an unbounded end is ``inf``); ``extrapolated`` says which horizon lies outside the
    agent's range of task lengths; ``converged`` is False when the optimiser stopped without reaching a
    maximum, and ``note`` says why or which parameters ended on a bound of the curve's domain.

    Cross-validation: ``cv_loglik`` is the held-out log-likelihood summed over the leave-one-task-family-out
    folds (None without cross-validation), each fold fitted as if its task family did not exist;
    ``cv_folds`` counts the folds scored, ``cv_skipped`` names the task families whose fold could not be
    fitted (the other families' runs all fail or all succeed) and ``fold_loglik`` holds each scored fold's
    held-out log-likelihood by task family. ``cv_at_limit`` and ``bootstrap_at_limit`` count the folds and
    bootstrap draws whose fit was still moving when the optimiser's iterations ran out (the goal is none);
    ``bootstrap_draws`` counts the draws fitted (a draw in which the agent's runs all fail or all succeed
    has no fit).

    ``p50_draws`` and ``param_draws`` keep every bootstrap draw in draw order (NaN where a draw could not
    be fitted, inf where its horizon does not exist): draw b is the same resample of families, tasks and
    runs for every agent, so trends carry them jointly, and :meth:`success_interval` reads them. They are
    per-draw data, left out of ``--json`` and kept by :func:`~alignlab.horizons.save_fit`."""

    curve: str
    params: dict[str, float | None]
    loglik: float | None = None
    aic: float | None = None
    bic: float | None = None
    p50_minutes: float | None = None
    p80_minutes: float | None = None
    p50_ci: tuple[float, float] | None = None
    p80_ci: tuple[float, float] | None = None
    params_ci: dict[str, tuple[float, float]] | None = None
    cv_loglik: float | None = None
    cv_folds: int | None = None
    cv_skipped: tuple[str, ...] = ()
    cv_at_limit: int = 0
    bootstrap_draws: int = 0
    bootstrap_at_limit: int = 0
    extrapolated: dict[str, bool] = field(default_factory=lambda: {"p50": False, "p80": False})
    converged: bool = False
    note: str | None = None
    fold_loglik: dict[str, float] | None = field(default=None, metadata=BULK)
    p50_draws: tuple[float, ...] | None = field(default=None, compare=False, metadata=BULK)
    param_draws: dict[str, tuple[float, ...]] | None = field(default=None, compare=False, metadata=BULK)

    @property
    def fitted(self) -> bool:
        return self.loglik is not None

    def success(self, minutes) -> np.ndarray:
        """The fitted curve's success probability at ``minutes`` (a number or an array of task lengths);
        NaN where the agent has no fit."""
        from alignlab.horizons.fit.curves import CURVES
        t = _minutes(minutes)
        if not self.fitted:
            return np.full(t.shape, np.nan)
        curve = CURVES[self.curve]
        theta = curve.theta({k: float(v) for k, v in self.params.items()})
        return curve.success(theta[None], t.ravel())[0].reshape(t.shape)

    def success_interval(self, minutes) -> np.ndarray | None:
        """The 95% interval (..., 2) of the success probability at ``minutes`` over the bootstrap draws
        (percentiles, draws that could not be fitted left out); None without draws."""
        from alignlab.horizons.fit.curves import CURVES
        if not self.param_draws:
            return None
        t = _minutes(minutes)
        curve = CURVES[self.curve]
        values = np.array([self.param_draws[p] for p in curve.param_names], dtype=float).T     # (B, k)
        values = values[~np.isnan(values).any(axis=1)]
        if not values.shape[0]:
            return None
        theta = np.stack([curve.theta(dict(zip(curve.param_names, row))) for row in values])
        p = curve.success(theta, t.ravel())                                                    # (B, M)
        low, high = np.quantile(p, QUANTILES, axis=0, method="inverted_cdf")
        return np.stack([low, high], axis=-1).reshape(t.shape + (2,))


def _minutes(minutes) -> np.ndarray:
    from alignlab import _validate as v
    t = np.asarray(minutes, dtype=float)
    for x in t.ravel():
        v.real("minutes", x, low=0.0, low_open=True)
    return t


def __getattr__(name: str):
    if name == "FamilyFit":
        warnings.warn("FamilyFit is deprecated: use CurveFit (a curve is fitted; 'family' means a task family)",
                      DeprecationWarning, stacklevel=2)
        return CurveFit
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class CurveValues(Result):
    """Every fitted curve at the agent's distinct task lengths (ascending)."""

    minutes: tuple[float, ...]
    success: dict[str, tuple[float, ...]]


@dataclass(frozen=True, kw_only=True)
class AgentHorizons(Result):
    """Every curve fitted to one agent. ``successes`` is the sum of scores; ``tasks`` and ``families``
    count the distinct tasks and task families it ran; ``best_bic`` and ``best_cv`` name the curve with
    the smallest BIC and the largest held-out log-likelihood; ``note`` says why there are no fits.
    ``loglik_scale`` (n_eff / sum of weights) turns a log-likelihood under the chosen weights into nats
    on the scale of the effective number of runs."""

    agent: str
    runs: int
    successes: float
    tasks: int
    families: int
    minutes_range: tuple[float, float]
    fits: dict[str, CurveFit]
    best_bic: str | None = None
    best_cv: str | None = None
    curve: CurveValues | None = None
    note: str | None = None
    binned: Binned | None = field(default=None, metadata=BULK)
    loglik_scale: float | None = field(default=None, metadata=BULK)

    def nats(self, loglik: float | None) -> float | None:
        """A log-likelihood under the chosen weights in nats on the scale of the effective number of runs."""
        return None if loglik is None or self.loglik_scale is None else loglik * self.loglik_scale


@dataclass(frozen=True, kw_only=True)
class HorizonsResult(Result):
    """Every agent of a runs file. ``penalty`` is the logistic's C (None: no penalty); ``bootstrap`` the
    number of hierarchical bootstrap draws, ``cv`` the cross-validation (``family`` or ``none``); ``seed``
    reproduces the bootstrap."""

    runs_file: str
    weights: str
    penalty: float | None
    agents: tuple[AgentHorizons, ...]
    bootstrap: int
    cv: str
    seed: int | None

    def agent(self, name: str) -> AgentHorizons:
        """The result of the agent called ``name``."""
        for a in self.agents:
            if a.agent == name:
                return a
        raise KeyError(name)

    @property
    def curves(self) -> tuple[str, ...]:
        """The curves fitted, in the order they were asked for."""
        return tuple(self.agents[0].fits) if self.agents else ()

    def _rows(self) -> list[dict]:
        """``to_pandas()``: one row per agent and curve (columns ``agent``, ``curve``): every parameter with its
        interval (``<param>``, ``<param>_low``, ``<param>_high``; NaN where the curve has no such parameter),
        ``p50_minutes`` and ``p80_minutes`` with theirs, ``loglik``, ``aic``, ``bic``, ``cv_loglik`` (also in
        nats on the effective-run scale, ``cv_nats``), ``converged`` and the optimiser's ``cv_at_limit`` and
        ``bootstrap_at_limit``."""
        rows = []
        for a in self.agents:
            for name, fit in a.fits.items():
                row = {"agent": a.agent, "curve": name}
                for key in ("p50", "p80"):
                    ci = getattr(fit, f"{key}_ci") or (None, None)
                    row.update({f"{key}_minutes": getattr(fit, f"{key}_minutes"), f"{key}_low": ci[0],
                                f"{key}_high": ci[1]})
                for p, value in fit.params.items():
                    ci = (fit.params_ci or {}).get(p) or (None, None)
                    row.update({p: value, f"{p}_low": ci[0], f"{p}_high": ci[1]})
                row.update(loglik=fit.loglik, aic=fit.aic, bic=fit.bic, cv_loglik=fit.cv_loglik,
                           cv_nats=a.nats(fit.cv_loglik), converged=fit.converged, cv_at_limit=fit.cv_at_limit,
                           bootstrap_at_limit=fit.bootstrap_at_limit)
                rows.append(row)
        return rows

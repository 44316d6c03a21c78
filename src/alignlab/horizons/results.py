"""The frozen results of :func:`alignlab.horizons.fit_horizons` (their ``to_json`` is ``fit --json``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from alignlab._results import BULK, Result


@dataclass(frozen=True)
class FamilyFit(Result):
    """One curve family fitted to one agent.

    ``params`` by name (see :mod:`alignlab.horizons.families`); ``loglik`` the weighted log-likelihood
    under the chosen weights; ``aic`` = 2k - 2 L' and ``bic`` = k log n_eff - 2 L', with
    L' = loglik * n_eff / (sum of weights) the log-likelihood on the scale of n_eff, Kish's effective
    number of runs (the number of runs with ``--weights none``). Horizons in minutes (None where the
    curve does not fall through the level); ``*_ci`` 95% percentile intervals over the bootstrap
    (None without it; an unbounded end is ``inf``); ``cv_loglik`` the held-out log-likelihood summed
    over the leave-one-task-family-out folds (None without cross-validation); ``extrapolated`` says
    which horizon lies outside the agent's range of task lengths; ``converged`` is False when the
    optimiser stopped without reaching a maximum, and ``note`` says why or which parameters ended on
    a bound of the family's domain. ``p50_draws`` and ``param_draws`` keep every bootstrap draw in
    draw order (NaN where a draw could not be fitted, inf where its horizon does not exist): draw b is
    the same resample of families, tasks and runs for every agent, so trends carry them jointly. They
    are per-draw data, left out of ``--json``."""

    params: dict[str, float | None]
    loglik: float | None
    aic: float | None
    bic: float | None
    p50_minutes: float | None
    p80_minutes: float | None
    p50_ci: tuple[float, float] | None
    p80_ci: tuple[float, float] | None
    params_ci: dict[str, tuple[float, float]] | None
    cv_loglik: float | None
    extrapolated: dict[str, bool]
    converged: bool
    note: str | None = None
    p50_draws: tuple[float, ...] | None = field(default=None, compare=False, metadata=BULK)
    param_draws: dict[str, tuple[float, ...]] | None = field(default=None, compare=False, metadata=BULK)


@dataclass(frozen=True)
class Curve(Result):
    """Every fitted curve at the agent's distinct task lengths (ascending)."""

    minutes: tuple[float, ...]
    success: dict[str, tuple[float, ...]]


@dataclass(frozen=True)
class Binned(Result):
    """The agent's weighted success rate in bins of task length (equal widths in log minutes), with its
    standard error: what the plots draw the curves over. ``minutes`` is the weighted geometric mean
    length of each bin."""

    edges: tuple[float, ...]
    minutes: tuple[float, ...]
    success: tuple[float, ...]
    stderr: tuple[float, ...]
    runs: tuple[int, ...]


@dataclass(frozen=True)
class AgentHorizons(Result):
    """Every family fitted to one agent. ``successes`` is the sum of scores; ``tasks`` and ``families``
    count the distinct tasks and task families it ran; ``best_bic`` and ``best_cv`` name the family with
    the smallest BIC and the largest held-out log-likelihood; ``note`` says why there are no fits.
    ``loglik_scale`` (n_eff / sum of weights) turns a log-likelihood under the chosen weights into nats
    on the scale of the effective number of runs."""

    agent: str
    runs: int
    successes: float
    tasks: int
    families: int
    minutes_range: tuple[float, float]
    fits: dict[str, FamilyFit]
    best_bic: str | None
    best_cv: str | None
    curve: Curve
    note: str | None = None
    binned: Binned | None = field(default=None, metadata=BULK)
    loglik_scale: float | None = field(default=None, metadata=BULK)


@dataclass(frozen=True)
class HorizonsResult(Result):
    """Every agent of a runs file. ``penalty`` is the logistic's C (None: no penalty); ``bootstrap`` the
    number of hierarchical bootstrap draws, ``cv`` the cross-validation (``family`` or ``none``);
    ``seed`` reproduces the bootstrap."""

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

"""The frozen results of :func:`alignlab.horizons.joint.fit_joint` (their ``to_json`` is ``joint --json``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from alignlab._results import BULK, Result


@dataclass(frozen=True)
class Estimate(Result):
    """A parameter: its maximum-likelihood ``value``, its 95% interval ``ci`` and the 95% percentile interval
    over the hierarchical bootstrap (``ci_bootstrap``, None without it). ``ci_method`` says how ``ci`` was
    found: ``"wald"``, from the observed information on the scale named in ``scale`` (log for positive
    parameters, log log for a budget B > 1, the parameter itself otherwise; None where the information is
    singular, or where the parameter moves with one at an end of its range, where a Wald interval is not
    valid), or ``"profile"``, the profile-likelihood interval of a shared parameter whose estimate lies at
    an end of its range (one end is that end)."""

    value: float
    ci: tuple[float, float] | None = None
    ci_bootstrap: tuple[float, float] | None = None
    scale: str = "identity"
    ci_method: str = "wald"


@dataclass(frozen=True)
class AgentFit(Result):
    """One agent under one model: ``params`` by name; horizons in minutes where success falls through 50%
    and 80%, ``typical`` for a task of average difficulty for its length (z = 0), ``marginal`` for a task
    drawn at random at that length (z integrated out); None where the curve does not fall through the
    level; ``*_ci`` 95% bootstrap intervals (None without it). ``identified``: for the parameters whose
    identification the model states (steps-joint: ``beta``), whether the data pin it down: its 95% interval
    (bootstrap where drawn, else Wald) narrower than a factor of
    :data:`~alignlab.horizons.joint.summary.IDENTIFIED_FACTOR` (None without an interval)."""

    agent: str
    runs: int
    params: dict[str, Estimate]
    p50_typical: float | None
    p80_typical: float | None
    p50_marginal: float | None
    p80_marginal: float | None
    p50_typical_ci: tuple[float, float] | None = None
    p80_typical_ci: tuple[float, float] | None = None
    p50_marginal_ci: tuple[float, float] | None = None
    p80_marginal_ci: tuple[float, float] | None = None
    identified: dict[str, bool | None] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskEffect(Result):
    """A task's posterior mean and SD of z (larger: harder), and the mean in doublings of task length
    ("harder than its length says by X doublings"). irt-2pl adds its ``discrimination``."""

    task: str
    family: str
    minutes: float
    z_mean: float
    z_sd: float
    doublings: float
    discrimination: float | None = None


@dataclass(frozen=True)
class Test(Result):
    """A likelihood-ratio test of a nested hypothesis: ``statistic`` = 2 (log L - log L0), ``df`` the
    parameters it fixes; ``boundary``: the value lies on the edge of the parameter's range (a spread of
    0), where the statistic follows the mixture chi2_0 / 2 + chi2_df / 2 (Self and Liang 1987)."""

    hypothesis: str
    parameter: str
    loglik_null: float
    statistic: float
    df: int
    p_value: float
    boundary: bool


@dataclass(frozen=True)
class Score(Result):
    """Held-out log predictive probability of one kind of cross-validation: ``nats`` summed over the
    held-out runs, ``nats_per_run`` its mean, ``nats_per_run_weighted`` the mean under METR's invsqrt
    weights; ``runs`` held out; ``folds``; ``agents``: per-agent details (agent cross-validation: the
    calibrated p50 beside the full fit's); ``note`` what was left out and why."""

    nats: float
    runs: int
    nats_per_run: float
    nats_per_run_weighted: float
    folds: int
    agents: tuple[dict, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Calibration(Result):
    """Predicted against observed success in bins of predicted probability (held-out cells when the
    cells cross-validation ran, else in sample): per bin the runs, mean predicted and observed rate."""

    source: str
    predicted: tuple[float, ...]
    observed: tuple[float, ...]
    runs: tuple[int, ...]


@dataclass(frozen=True)
class Curves(Result):
    """Every agent's typical and marginal success curve on a grid of task lengths (for the figures), and
    its observed success per task (pooled over runs)."""

    minutes: tuple[float, ...]
    typical: dict[str, tuple[float, ...]]
    marginal: dict[str, tuple[float, ...]]
    observed: dict[str, tuple[tuple[float, float, int], ...]]


@dataclass(frozen=True)
class ModelFit(Result):
    """One model fitted to all agents and tasks. ``shared`` parameters, ``agents``, ``tasks`` (empty for the
    per-agent baselines); ``loglik`` the marginal log-likelihood under the fit's weights, ``aic`` and
    ``bic`` (k = ``parameters``, n = runs); ``quadrature_nodes`` per task and ``quadrature_error`` (nats,
    measured by doubling them); ``tests`` of nested hypotheses; ``cv`` by kind; ``converged`` and a note."""

    model: str
    shared: dict[str, Estimate]
    agents: tuple[AgentFit, ...]
    tasks: tuple[TaskEffect, ...]
    loglik: float
    aic: float
    bic: float
    parameters: int
    runs: int
    quadrature_nodes: int
    quadrature_error: float
    converged: bool
    tests: tuple[Test, ...] = ()
    cv: dict[str, Score] = field(default_factory=dict)
    calibration: Calibration | None = None
    note: str | None = None
    curves: Curves | None = field(default=None, metadata=BULK)
    theta: tuple[float, ...] | None = field(default=None, metadata=BULK)

    def agent(self, name: str) -> AgentFit:
        for a in self.agents:
            if a.agent == name:
                return a
        raise KeyError(name)


@dataclass(frozen=True)
class Bin(Result):
    minutes_low: float
    minutes_high: float
    runs: int
    predicted: float
    observed: float


@dataclass(frozen=True)
class NewAgent(Result):
    """An agent of another runs file: calibrated on ``calibration_tasks`` of its tasks, the rest predicted
    (``nats_per_run``), beside METR's logistic fitted on the same tasks (``baseline_nats_per_run``), with
    predicted and observed success per doubling of task length."""

    agent: str
    runs: int
    nats_per_run: float
    baseline_nats_per_run: float
    bins: tuple[Bin, ...]
    unknown_tasks: int = 0


@dataclass(frozen=True)
class NewAgents(Result):
    """The ``--new-agents`` test of one model: the other file, the number of calibration tasks, the agents."""

    file: str
    model: str
    calibration_tasks: int
    agents: tuple[NewAgent, ...]


@dataclass(frozen=True)
class JointResult(Result):
    """Every requested model fitted to the runs file, the per-agent baselines (``logistic``, METR's
    unpenalised, and ``weibull``) and the held-out tests. ``weights`` are the fit's; ``left_out`` names
    agents that could not be fitted and why; ``seed`` reproduces the bootstrap, folds and calibration
    tasks."""

    runs_file: str
    weights: str
    agents: tuple[str, ...]
    models: dict[str, ModelFit]
    baselines: dict[str, ModelFit]
    bootstrap: int
    folds: int
    calibration_tasks: int
    seed: int | None
    left_out: dict[str, str] = field(default_factory=dict)
    new_agents: NewAgents | None = None

    def to_pandas(self, table: str = "agents"):
        """One table as a pandas DataFrame: ``agents`` (a row per model and agent), ``tasks`` (per model and
        task), ``shared`` (per model and shared parameter) or ``cv`` (per model or baseline and kind)."""
        import pandas as pd
        return pd.DataFrame(self._rows(table))

    def _rows(self, table: str = "agents") -> list[dict]:
        from alignlab import _validate as v
        v.choice("table", table, ("agents", "tasks", "shared", "cv"))
        rows = []
        fits = {**self.models, **self.baselines}
        for name, fit in fits.items():
            if table == "agents":
                for a in fit.agents:
                    row = {"model": name, "agent": a.agent, "runs": a.runs}
                    row.update({p: e.value for p, e in a.params.items()})
                    row.update({k: getattr(a, k) for k in ("p50_typical", "p80_typical", "p50_marginal",
                                                           "p80_marginal")})
                    row.update({f"{p}_identified": v for p, v in a.identified.items()})
                    rows.append(row)
            elif table == "tasks":
                rows += [{"model": name, **t.to_dict()} for t in fit.tasks]
            elif table == "shared":
                rows += [{"model": name, "parameter": p, "value": e.value,
                          "ci_low": e.ci[0] if e.ci else None, "ci_high": e.ci[1] if e.ci else None,
                          "ci_method": e.ci_method}
                         for p, e in fit.shared.items()]
            else:
                rows += [{"model": name, "kind": k, "nats_per_run": s.nats_per_run,
                          "nats_per_run_weighted": s.nats_per_run_weighted, "nats": s.nats, "runs": s.runs}
                         for k, s in fit.cv.items()]
        return rows

r"""From a fitted model to its result: parameters with Wald and bootstrap intervals, horizons, task
effects, information criteria.

**Wald intervals.** Each public parameter v is a function of theta; on its scale g (log for positive
parameters and the spreads s, sigma, whose sign is immaterial; log log for a budget B > 1; v itself
otherwise) the delta method gives :math:`\mathrm{se}(g) = \sqrt{\nabla g^T \Sigma \nabla g}` with
:math:`\Sigma` the inverse observed information, and the interval is :math:`g^{-1}(g \pm 1.96\,\mathrm{se})`.
**Bootstrap intervals** are the 2.5% and 97.5% percentiles over the draws (a horizon that does not
exist in a draw counts as +inf). AIC = 2k - 2 log L and BIC = k log n - 2 log L with k the free
parameters and n the runs.
"""

from __future__ import annotations

import math

import numpy as np

from alignlab.horizons.joint import horizons as hz
from alignlab.horizons.joint.results import AgentFit, Curves, Estimate, ModelFit, TaskEffect

Z95 = 1.959963984540054
_STEP = 1e-6
_CURVE_POINTS = 60
_SCALES = {
    "identity": (lambda v: v, lambda g: g),
    "log": (lambda v: math.log(v), math.exp),
    "abs": (lambda v: math.log(abs(v)) if v != 0 else -math.inf, math.exp),
    "loglog": (lambda v: math.log(math.log(v)) if v > 1 else -math.inf, lambda g: math.exp(math.exp(min(g, 6.5)))),
}


def _flat(model, theta, agents) -> dict:
    per, shared = model.public(theta, agents)
    out = {("shared", k): v for k, v in shared.items() if k not in dict(model.fixed)}
    for i, row in enumerate(per):
        out.update({(i, k): v for k, v in row.items()})
    return out


def wald(model, theta, covariance, agents, bound=None) -> dict:
    """{(owner, name): (lo, hi) or None} for every public parameter (owner: agent index or "shared"); None
    too for a parameter that moves with an entry of theta at an end of its range (``bound``, a mask over
    theta: :func:`at_bounds`), where a Wald interval is not valid."""
    values = _flat(model, theta, agents)
    if covariance is None:
        return {key: None for key in values}
    free = np.flatnonzero(np.diag(covariance) > 0)
    bound = np.zeros(theta.size, dtype=bool) if bound is None else bound
    grads = {key: np.zeros(theta.size) for key in values}
    for i in free:
        h = _STEP * (1.0 + abs(theta[i]))
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        v_up, v_down = _flat(model, up, agents), _flat(model, down, agents)
        for key in values:
            forward, _ = _SCALES[model.scales.get(key[1], "identity")]
            try:
                grads[key][i] = (forward(v_up[key]) - forward(v_down[key])) / (2 * h)
            except (ValueError, OverflowError):
                grads[key][i] = np.nan
    out = {}
    for key, v in values.items():
        forward, inverse = _SCALES[model.scales.get(key[1], "identity")]
        g = grads[key]
        if (g[bound] != 0).any():
            out[key] = None
            continue
        var = float(g @ covariance @ g)
        try:
            centre = forward(v)
        except ValueError:
            centre = math.nan
        if not (math.isfinite(var) and math.isfinite(centre)) or var < 0:
            out[key] = None
            continue
        se = math.sqrt(var)
        out[key] = (_end(inverse, centre - Z95 * se), _end(inverse, centre + Z95 * se))
    return out


def _end(inverse, g: float) -> float:
    """An interval's end on the parameter's own scale: every inverse of ``_SCALES`` increases, so one that
    overflows a double (an interval that wide on the log scale) is unbounded above."""
    try:
        return float(inverse(g))
    except OverflowError:
        return math.inf


def percentile(values) -> tuple[float, float] | None:
    values = np.asarray(values, dtype=float)
    values = np.where(np.isnan(values), np.inf, values)
    if values.size == 0:
        return None
    lo, hi = np.quantile(values, [0.025, 0.975], method="inverted_cdf")
    return float(lo), float(hi)


def draws_public(model, thetas: np.ndarray, agents: int) -> dict:
    """{(owner, name): values over the draws} and, per draw, the four horizons (D, A, 4)."""
    flat = [_flat(model, t, agents) for t in thetas]
    keys = flat[0].keys() if flat else ()
    return {k: np.array([f[k] for f in flat]) for k in keys}


def draw_horizons(model, theta, agents) -> np.ndarray:
    """(A, 4): p50 and p80 typical, then marginal (NaN where the curve does not fall through the level)."""
    return np.concatenate([hz.horizons(model, theta, agents, False), hz.horizons(model, theta, agents, True)], axis=1)


IDENTIFIED = ("beta",)      # per-agent parameters whose identification a fit states (steps-joint's beta)
IDENTIFIED_FACTOR = 4.0     # identified: the 95% interval is narrower than this factor


def identified(estimate) -> bool | None:
    """Whether a positive parameter is identified: its 95% interval, bootstrap where drawn, else Wald, is
    narrower than a factor of :data:`IDENTIFIED_FACTOR` (None without an interval)."""
    ci = estimate.ci_bootstrap or estimate.ci
    if ci is None or not ci[0] > 0:
        return None if ci is None else False
    return bool(ci[1] / ci[0] < IDENTIFIED_FACTOR)


def identified_sentence(parameter: str, good, agents: int, bootstrap: bool) -> str:
    """"beta identified (its 95% ... interval narrower than a factor of 4) for k of A agents (names)", as the
    table of ``horizons joint`` and H10's evidence print it."""
    kind = "bootstrap" if bootstrap else "Wald"
    caveat = "" if bootstrap else "; Wald, valid only where no parameter sits at an end of its range"
    return (f"{parameter} identified (its 95% {kind} interval narrower than a factor of {IDENTIFIED_FACTOR:g}"
            f"{caveat}) for {len(good)} of {agents} agents" + (f" ({', '.join(good)})" if good else ""))


def summarise(fitted, cells, name: str, *, boot_thetas=None, boot_horizons=None, tests=(), cv=None,
              calibration=None, note=None, profiles=None) -> ModelFit:
    """The :class:`ModelFit` of ``fitted`` (a :class:`~alignlab.horizons.joint.fitting.Fitted`); ``profiles``:
    {shared parameter: its profile-likelihood interval}, for those at an end of their range
    (:func:`~alignlab.horizons.joint.fitting.profile_interval`)."""
    model, theta, agents = fitted.model, fitted.theta, cells.n_agents
    values = _flat(model, theta, agents)
    bound = at_bounds(model, theta, cells)
    intervals = wald(model, theta, fitted.covariance, agents, bound)
    intervals.update({("shared", k): ci for k, ci in (profiles or {}).items()})
    boot = draws_public(model, boot_thetas, agents) if boot_thetas is not None and len(boot_thetas) else {}

    def estimate(key):
        method = "profile" if key[0] == "shared" and key[1] in (profiles or {}) else "wald"
        return Estimate(float(values[key]), intervals.get(key),
                        percentile(boot[key]) if key in boot else None, model.scales.get(key[1], "identity"),
                        method)

    horizons = draw_horizons(model, theta, agents)
    has_boot = boot_horizons is not None and len(boot_horizons)
    agent_fits = []
    runs_per_agent = np.bincount(cells.agent, cells.runs, agents)
    for a, agent in enumerate(cells.agents):
        h = [None if not np.isfinite(x) else float(x) for x in horizons[a]]
        cis = [percentile(boot_horizons[:, a, i]) if has_boot else None for i in range(4)]
        params = {k: estimate((a, k)) for k in model.agent_params}
        agent_fits.append(AgentFit(agent, int(runs_per_agent[a]), params, h[0], h[1], h[2], h[3], *cis,
                                   identified={k: identified(params[k]) for k in IDENTIFIED if k in params}))
    shared = {k[1]: estimate(k) for k in values if k[0] == "shared"}
    tasks = ()
    if dict(model.fixed).get("s", dict(model.fixed).get("sigma")) != 0.0:
        mean, sd = fitted.integral.posterior()
        rate = model.doublings_per_z(theta, agents)
        discrimination = np.exp(model.task_block(theta, agents)) if model.task_params else None
        tasks = tuple(TaskEffect(str(cells.task_names[j]), str(cells.task_family[j]), float(cells.minutes[j]),
                                 float(mean[j]), float(sd[j]), float(mean[j] * rate),
                                 None if discrimination is None else float(discrimination[j]))
                      for j in range(cells.n_tasks))
    k = int(model.free(agents, cells.n_tasks).sum())
    n = int(cells.runs.sum())
    notes = [] if note is None else [note]
    if fitted.quadrature_error > 1e-6:
        notes.append(f"quadrature error {fitted.quadrature_error:.2g} nats with {fitted.nodes} nodes per task")
    if len(fitted.starts) > 1:
        best = max(fitted.starts)
        reached = sum(1 for x in fitted.starts if x > best - 0.01)
        notes.append(f"best of {len(fitted.starts)} starts ({reached} reached it within 0.01 nats; their climbs "
                     f"ended at {', '.join(f'{x:.2f}' for x in fitted.starts)} on the base nodes)")
    if fitted.covariance is None:
        notes.append("the observed information is not positive definite: no Wald intervals")
    at_bound = _bound_names(model, bound, cells)
    if at_bound:
        notes.append("at the end of its range: " + ", ".join(at_bound) + " (no Wald interval for what moves with "
                     "it" + ("; profile-likelihood interval for " + ", ".join(profiles) if profiles else "") + ")")
    return ModelFit(name, shared, tuple(agent_fits), tasks, fitted.loglik, 2 * k - 2 * fitted.loglik,
                    k * math.log(n) - 2 * fitted.loglik, k, n, fitted.nodes, fitted.quadrature_error,
                    fitted.converged, tuple(tests), dict(cv or {}), calibration, "; ".join(notes) or None,
                    _curves(model, theta, cells), tuple(float(t) for t in theta))


def at_bounds(model, theta, cells) -> np.ndarray:
    """Which free entries of theta lie at an end of their range (within 1e-6), a mask over theta."""
    bounds = model.bounds(cells.n_agents, cells.n_tasks, cells.minutes)
    hit = np.isclose(theta, bounds[:, 0], atol=1e-6) | np.isclose(theta, bounds[:, 1], atol=1e-6)
    return hit & model.free(cells.n_agents, cells.n_tasks)


def _bound_names(model, bound, cells) -> list[str]:
    hit = np.flatnonzero(bound)
    names = []
    ka = len(model.agent_params)
    for i in hit:
        if i < cells.n_agents * ka:
            names.append(f"{model.agent_params[i % ka]} of {cells.agents[i // ka]}")
        elif i < cells.n_agents * ka + len(model.shared_params):
            names.append(model.shared_params[i - cells.n_agents * ka])
    return names[:6]


def _curves(model, theta, cells) -> Curves:
    minutes = np.exp(np.linspace(np.log(cells.minutes.min()), np.log(cells.minutes.max()), _CURVE_POINTS))
    typical = hz.curves(model, theta, cells.n_agents, minutes, False)
    marginal = hz.curves(model, theta, cells.n_agents, minutes, True)
    observed = {}
    for a, agent in enumerate(cells.agents):
        mine = cells.agent == a
        total = cells.s_raw[mine] + cells.f_raw[mine]
        observed[agent] = tuple((float(cells.minutes[j]), float(s / n), int(r)) for j, s, n, r in
                                zip(cells.task[mine], cells.s_raw[mine], total, cells.runs[mine]))
    return Curves(tuple(minutes.tolist()), {a: tuple(typical[i].tolist()) for i, a in enumerate(cells.agents)},
                  {a: tuple(marginal[i].tolist()) for i, a in enumerate(cells.agents)}, observed)

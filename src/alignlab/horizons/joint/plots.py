"""Figures of a :class:`~alignlab.horizons.joint.results.JointResult` (drawn, never computed): each draws on
the Axes given as ``ax=`` (one per agent for :func:`plot_curves`) or a new figure, and returns the Figure."""

from __future__ import annotations

import numpy as np

from alignlab._figures import axes_on
from alignlab.horizons.plots import agent_panels


def _pick(result, model):
    if model is not None:
        return model, result.models[model]
    with_tasks = [n for n, f in result.models.items() if f.tasks]
    name = "steps-joint" if "steps-joint" in with_tasks else (with_tasks or list(result.models))[0]
    return name, result.models[name]


def plot_tasks(result, model: str | None = None, ax=None):
    """Caterpillar: every task's difficulty beyond its length (posterior mean of z in doublings of task
    length, +-1 posterior SD) against its length."""
    name, fit = _pick(result, model)
    fig, ax = axes_on(ax, figsize=(8, 4.5))
    if fit.tasks:
        minutes = np.array([t.minutes for t in fit.tasks])
        mean = np.array([t.doublings for t in fit.tasks])
        rate = np.array([t.doublings / t.z_mean if t.z_mean else 0.0 for t in fit.tasks])
        sd = np.abs(np.array([t.z_sd for t in fit.tasks]) * rate)
        ax.errorbar(minutes, mean, yerr=sd, fmt="o", ms=3, lw=0.8, alpha=0.8)
    ax.axhline(0.0, color="grey", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("task length (human minutes)")
    ax.set_ylabel("harder than its length says (doublings)")
    ax.set_title(f"{name}: task effects (posterior mean +- SD)")
    return fig


def plot_curves(result, model: str | None = None, ax=None):
    """Every agent's typical (z = 0, solid) and marginal (z integrated, dashed) success curve, over its
    observed success per task: a panel per agent (``ax``: one Axes per agent)."""
    name, fit = _pick(result, model)
    curves = fit.curves
    agents = list(curves.typical) if curves else []
    fig, axes, own = agent_panels(ax, len(agents), 3, (4, 3))
    for i, agent in enumerate(agents):
        a = axes[i]
        obs = np.array(curves.observed[agent])
        if obs.size:
            a.scatter(obs[:, 0], obs[:, 1], s=4 + obs[:, 2], alpha=0.4, color="grey")
        a.plot(curves.minutes, curves.typical[agent], lw=1.5, label="typical task")
        a.plot(curves.minutes, curves.marginal[agent], lw=1.5, ls="--", label="task at random")
        a.set_xscale("log")
        a.set_ylim(-0.03, 1.03)
        a.set_title(agent, fontsize=9)
        if i == 0:
            a.legend(fontsize=7)
    if own:
        fig.suptitle(f"{name}: success against task length (minutes)")
    return fig


def plot_calibration(result, ax=None):
    """Predicted against observed success for every model (held-out cells where they were scored)."""
    fig, ax = axes_on(ax, figsize=(5, 5))
    for name, fit in {**result.models, **{f"{k} (per agent)": f for k, f in result.baselines.items()}}.items():
        c = fit.calibration
        if c is None or not c.predicted:
            continue
        ax.plot(c.predicted, c.observed, "o-", ms=3, lw=1, label=f"{name} ({c.source})")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8)
    ax.set_xlabel("predicted success")
    ax.set_ylabel("observed success")
    ax.legend(fontsize=7)
    return fig

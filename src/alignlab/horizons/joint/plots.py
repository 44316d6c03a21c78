"""Figures of a :class:`~alignlab.horizons.joint.results.JointResult` (drawn, never computed)."""

from __future__ import annotations

import math

import numpy as np

from alignlab._figures import figure


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
    fig, ax = figure(figsize=(8, 4.5)) if ax is None else (ax.figure, ax)
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
    observed success per task."""
    name, fit = _pick(result, model)
    curves = fit.curves
    agents = list(curves.typical) if curves else []
    cols = 3
    rows = max(1, math.ceil(len(agents) / cols))
    if ax is None:
        fig, axes = figure(rows, cols, figsize=(4 * cols, 3 * rows), squeeze=False)
        axes = axes.ravel()
    else:
        fig, axes = ax.figure, [ax] * max(1, len(agents))
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
    for a in list(axes)[len(agents):]:
        a.set_visible(False)
    fig.suptitle(f"{name}: success against task length (minutes)")
    return fig


def plot_calibration(result, ax=None):
    """Predicted against observed success for every model (held-out cells where they were scored)."""
    fig, ax = figure(figsize=(5, 5)) if ax is None else (ax.figure, ax)
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

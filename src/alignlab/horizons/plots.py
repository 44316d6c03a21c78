"""Figures for agent time horizons. Each function takes result objects and returns a Matplotlib Figure;
nothing here fits or computes a curve."""

from __future__ import annotations

import math

import numpy as np

from alignlab._figures import figure
from alignlab.horizons.experiments import StepsRegimes
from alignlab.horizons.results import AgentHorizons, HorizonsResult

COLORS = {"logistic": "#1f77b4", "exponential": "#d62728", "weibull": "#2ca02c", "steps": "#9467bd",
          "steps-mixed": "#ff7f0e"}


def _draw_agent(ax, agent: AgentHorizons, legend: bool = True) -> None:
    binned = agent.binned
    if binned is not None:
        ax.errorbar(binned.minutes, binned.success, yerr=np.array(binned.stderr) * 1.96, fmt="o", color="black",
                    ms=4, capsize=2, label="weighted runs (95%)", zorder=3)
    minutes = np.array(agent.curve.minutes)
    for name, success in agent.curve.success.items():
        fit = agent.fits[name]
        cv = "" if fit.cv_loglik is None else f", CV {fit.cv_loglik:.4g}"
        ax.plot(minutes, success, color=COLORS.get(name), lw=1.6, label=f"{name}{cv}")
    ax.set_xscale("log")
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("task length (human minutes)")
    ax.set_ylabel("success probability")
    best = f" (best CV: {agent.best_cv})" if agent.best_cv else ""
    ax.set_title(f"{agent.agent}{best}" if not agent.note else f"{agent.agent}: no fit", fontsize=9)
    if legend:
        ax.legend(fontsize=7, loc="lower left")


def plot_agent(agent: AgentHorizons):
    """Binned success with 95% error bars and every fitted curve, for one agent."""
    fig, ax = figure(figsize=(7, 4.4))
    _draw_agent(ax, agent)
    return fig


def plot_agents(result: HorizonsResult):
    """One panel per agent (binned success and every fitted curve)."""
    agents = [a for a in result.agents if not a.note]
    cols = min(4, max(1, len(agents)))
    rows = max(1, math.ceil(len(agents) / cols))
    fig, axes = figure(rows, cols, figsize=(3.3 * cols, 2.8 * rows), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        if i < len(agents):
            _draw_agent(ax, agents[i], legend=False)
            ax.set_xlabel("")
            ax.set_ylabel("")
        else:
            ax.set_visible(False)
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, [label.split(",")[0] for label in labels], loc="lower center", ncol=6, fontsize=8)
    fig.supxlabel("task length (human minutes)", y=0.06, fontsize=9)
    fig.supylabel("success probability", fontsize=9)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def plot_summary(result: HorizonsResult):
    """p50 by agent and family with its bootstrap interval (log scale)."""
    agents = [a for a in result.agents if not a.note]
    families = list(agents[0].fits) if agents else []
    fig, ax = figure(figsize=(8, 0.45 * max(len(agents), 4) + 1.2))
    offsets = np.linspace(-0.3, 0.3, max(len(families), 1))
    for j, name in enumerate(families):
        ys, xs, lo, hi = [], [], [], []
        for i, agent in enumerate(agents):
            fit = agent.fits[name]
            if fit.p50_minutes is None:
                continue
            ys.append(i + offsets[j])
            xs.append(fit.p50_minutes)
            ci = fit.p50_ci or (fit.p50_minutes, fit.p50_minutes)
            lo.append(fit.p50_minutes - ci[0])
            hi.append(min(ci[1], 1e6) - fit.p50_minutes)
        ax.errorbar(xs, ys, xerr=[lo, hi], fmt="o", ms=3.5, capsize=2, color=COLORS.get(name), label=name)
    ax.set_yticks(range(len(agents)), [a.agent for a in agents], fontsize=8)
    ax.set_xscale("log")
    if agents:
        # a decade beyond the task lengths measured: horizons further out are extrapolations anyway
        ax.set_xlim(0.1 * min(a.minutes_range[0] for a in agents), 10 * max(a.minutes_range[1] for a in agents))
    ax.set_xlabel("50% horizon (human minutes)")
    draws = f"{result.bootstrap} bootstrap draws" if result.bootstrap else "no bootstrap"
    ax.set_title(f"50% time horizon by agent and family (95% intervals, {draws})", fontsize=10)
    ax.legend(fontsize=7, loc="best")
    ax.grid(axis="x", alpha=0.3)
    return fig


def plot_regimes(regimes: StepsRegimes):
    """What the steps model predicts: success against the number of subtasks for beta on both sides of
    1 (left), and the failure probability on log-log axes against the one-slow-subtask line (right)."""
    fig, (left, right) = figure(1, 2, figsize=(10, 4.2))
    for i, curve in enumerate(regimes.curves):
        color = f"C{i}"
        n, p = np.array(curve.n), np.array(curve.success)
        left.plot(n, p, color=color, lw=1.8, label=fr"$\beta$ = {curve.beta:g}")
        left.plot(n, curve.constant_hazard, color=color, lw=0.9, ls="--")
        if curve.cliff is not None:
            left.axvline(curve.cliff, color=color, lw=0.9, ls=":")
        failure = np.clip(1.0 - p, 1e-12, None)
        right.plot(n, failure, color=color, lw=1.8, label=fr"$\beta$ = {curve.beta:g}")
        right.plot(n, np.minimum(n * regimes.budget ** -curve.beta, 1.0), color=color, lw=0.9, ls="--")
    left.set_xscale("log")
    left.set_xlabel("task length n (subtasks)")
    left.set_ylabel("success P(S_n <= B)")
    left.set_title(f"budget B = {regimes.budget:g}: dashed, constant hazard; dotted, cliff B(beta-1)/beta",
                   fontsize=8)
    left.legend(fontsize=8)
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_ylim(1e-8, 2)
    right.set_xlabel("task length n (subtasks)")
    right.set_ylabel("failure 1 - P(S_n <= B)")
    right.set_title("short tasks: one slow subtask, failure ~ n B^-beta (dashed)", fontsize=8)
    return fig

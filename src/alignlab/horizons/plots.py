"""Figures for agent time horizons and their trends. Each function takes result objects, draws on the
Axes given as ``ax=`` (one Axes; a sequence of Axes, one per panel, for the figures of several panels)
or on a new figure, and returns the Matplotlib Figure; nothing here fits or computes a curve."""

from __future__ import annotations

import math

import numpy as np

from alignlab._figures import axes_on, panels
from alignlab.horizons.experiments import StepsRegimes
from alignlab.horizons.fit.results import AgentHorizons, HorizonsResult
from alignlab.horizons.fit.shape import ShapeResult
from alignlab.horizons.trend.results import TrendResult

COLORS = {"logistic": "#1f77b4", "exponential": "#d62728", "weibull": "#2ca02c", "steps": "#9467bd",
          "steps-mixed": "#ff7f0e"}


def agent_panels(ax, count: int, cols: int, size: tuple[float, float]):
    """``(fig, axes, own)`` for ``count`` panels: a new figure of up to ``cols`` panels a row, each ``size``
    inches (``own``: the plot may set the figure's legend, titles and layout; panels beyond ``count`` are
    hidden), or the ``count`` Axes given as ``ax`` (flat, in order)."""
    if ax is None:
        cols = min(cols, max(1, count))
        rows = max(1, math.ceil(count / cols))
        fig, axes, own = panels(None, rows, cols, figsize=(size[0] * cols, size[1] * rows))
    else:
        fig, axes, own = panels(ax, 1, max(1, count), figsize=None)
    axes = axes.ravel()
    for extra in axes[count:]:
        extra.set_visible(False)
    return fig, axes, own


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


def plot_agent(agent: AgentHorizons, ax=None):
    """Binned success with 95% error bars and every fitted curve, for one agent."""
    fig, ax = axes_on(ax, figsize=(7, 4.4))
    _draw_agent(ax, agent)
    return fig


def plot_agents(result: HorizonsResult, ax=None):
    """One panel per agent with a fit (binned success and every fitted curve); ``ax``: one Axes per such
    agent."""
    agents = [a for a in result.agents if not a.note]
    fig, axes, own = agent_panels(ax, len(agents), 4, (3.3, 2.8))
    for agent, panel in zip(agents, axes):
        _draw_agent(panel, agent, legend=not own)
        if own:
            panel.set_xlabel("")
            panel.set_ylabel("")
    if own and agents:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, [label.split(",")[0] for label in labels], loc="lower center", ncol=6, fontsize=8)
        fig.supxlabel("task length (human minutes)", y=0.06, fontsize=9)
        fig.supylabel("success probability", fontsize=9)
        fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def plot_summary(result: HorizonsResult, ax=None):
    """p50 by agent and curve with its bootstrap interval (log scale)."""
    agents = [a for a in result.agents if not a.note]
    curves = list(agents[0].fits) if agents else []
    fig, ax = axes_on(ax, figsize=(8, 0.45 * max(len(agents), 4) + 1.2))
    offsets = np.linspace(-0.3, 0.3, max(len(curves), 1))
    for j, name in enumerate(curves):
        ys, xs, lo, hi = [], [], [], []
        for i, agent in enumerate(agents):
            fit = agent.fits[name]
            if fit.p50_minutes is None:
                continue
            ys.append(i + offsets[j])
            xs.append(fit.p50_minutes)
            ci = fit.p50_ci or (fit.p50_minutes, fit.p50_minutes)
            lo.append(ci[0])
            hi.append(min(ci[1], 1e6))
        ax.errorbar(xs, ys, xerr=_bars(np.array(xs), np.array(lo), np.array(hi)), fmt="o", ms=3.5, capsize=2,
                    color=COLORS.get(name), label=name)
    ax.set_yticks(range(len(agents)), [a.agent for a in agents], fontsize=8)
    ax.set_xscale("log")
    if agents:
        # a decade beyond the task lengths measured: horizons further out are extrapolations anyway
        ax.set_xlim(0.1 * min(a.minutes_range[0] for a in agents), 10 * max(a.minutes_range[1] for a in agents))
    ax.set_xlabel("50% horizon (human minutes)")
    draws = f"{result.bootstrap} bootstrap draws" if result.bootstrap else "no bootstrap"
    ax.set_title(f"50% time horizon by agent and curve (95% intervals, {draws})", fontsize=10)
    ax.legend(fontsize=7, loc="best")
    ax.grid(axis="x", alpha=0.3)
    return fig


def plot_regimes(regimes: StepsRegimes, ax=None):
    """What the steps model predicts: success against the number of subtasks for beta on both sides of
    1 (left), and the failure probability on log-log axes against the one-slow-subtask line (right);
    ``ax``: the two Axes."""
    fig, axes, _ = panels(ax, 1, 2, figsize=(10, 4.2))
    left, right = axes[0]
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


def plot_shape(shape: ShapeResult, ax=None):
    """Each agent's cumulative hazard -ln p in doubling bins of task length on log-log axes (its slope is the
    per-doubling shape k2), with a line of slope 1 (a constant hazard) through each agent's first bin."""
    fig, ax = axes_on(ax, figsize=(8, 5))
    for i, agent in enumerate(a for a in shape.agents if a.minutes):
        t, hazard = np.array(agent.minutes), -np.log(np.array(agent.success))
        label = agent.agent + (f": k2 {agent.k2:.2f}" if agent.k2 is not None else "")
        ax.plot(t, hazard, "o-", color=f"C{i % 10}", ms=3.5, lw=1.2, label=label)
        ax.plot(t, hazard[0] * t / t[0], color=f"C{i % 10}", lw=0.8, ls="--")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("task length (human minutes; doubling bins)")
    ax.set_ylabel("cumulative hazard -ln p")
    ax.set_title("Per-doubling shape of success (dashed: slope 1, a constant hazard)", fontsize=9)
    ax.legend(fontsize=6, ncol=2, loc="lower right")
    ax.grid(alpha=0.25)
    return fig


# -- trends of the horizon against release date ------------------------------------------------------
TREND_COLORS = {"exponential": "#1f77b4", "accelerating": "#d62728", "broken": "#2ca02c", "steps": "#9467bd"}
MILESTONES = ((60, "1 hour"), (480, "work day"), (2400, "work week"), (10000, "work month"))


def _dates(days):
    """Day numbers (:mod:`alignlab.horizons.dates`) as dates Matplotlib can place."""
    import datetime as dt
    return [dt.date.fromordinal(int(round(d))) for d in days]


def _bars(y, low, high):
    """Error bars from an interval; a bootstrap interval need not hold the point estimate (a bar of 0 then)."""
    return [np.maximum(y - low, 0.0), np.maximum(high - y, 0.0)]


def _draw_trend(ax, result: TrendResult, title: str | None = None) -> None:
    """p50 of every model (95% interval; hollow: held out) and every trend with its 95% band, log scale."""
    import datetime as dt
    held = set(result.trends.exponential.holdout.models)
    p50 = np.array([m.p50_minutes for m in result.models])
    floor = p50.min() / 30                                 # intervals reaching far below every p50 are cut here
    for mine, face in ((False, "black"), (True, "white")):
        chosen = [m for m in result.models if (m.model in held) == mine]
        if not chosen:
            continue
        x = [dt.date.fromisoformat(m.release_date) for m in chosen]
        y = np.array([m.p50_minutes for m in chosen])
        ci = np.array([m.p50_ci or (m.p50_minutes, m.p50_minutes) for m in chosen], dtype=float)
        ax.errorbar(x, y, yerr=_bars(y, np.maximum(ci[:, 0], floor), ci[:, 1]), fmt="o", ms=4.5, color="black",
                    mfc=face, capsize=2, lw=0.8, zorder=3, label="held out" if mine else "models (95%)")
    trends = result.trends
    for name, trend in (("exponential", trends.exponential), ("accelerating", trends.accelerating),
                        ("broken", trends.broken), ("steps", trends.steps)):
        curve = None if trend is None else trend.curve
        if curve is None:
            continue
        x = _dates(curve.days)
        label = (f"exponential: doubling every {trend.doubling_days:.0f} days" if name == "exponential" else
                 f"accelerating: {trend.acceleration:+.2f} doublings/yr per year" if name == "accelerating" else
                 f"broken at {trend.break_date}: {trend.doubling_days_before:.0f} / {trend.doubling_days_after:.0f} "
                 f"days (p = {trend.p_value:.2g})" if name == "broken" else "steps model along the beta trend")
        ax.plot(x, np.exp2(curve.value), color=TREND_COLORS[name], lw=1.6, label=label)
        if curve.low is not None:
            ax.fill_between(x, np.exp2(curve.low), np.exp2(curve.high), color=TREND_COLORS[name], alpha=0.12, lw=0)
    top = max(p50.max() * 30, 2 * MILESTONES[-1][0])
    for minutes, text in MILESTONES:
        ax.axhline(minutes, color="grey", lw=0.6, ls=":")
        ax.text(1.0, minutes, f" {text}", transform=ax.get_yaxis_transform(), fontsize=7, va="center", color="grey")
    ax.set_yscale("log")
    ax.set_ylim(floor, top)
    ax.set_xlabel("release date")
    ax.set_ylabel("50% horizon (human minutes)")
    ax.set_title(title or _trend_title(result), fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.25)


def _trend_title(result: TrendResult) -> str:
    src = result.source
    where = f"METR published, suite {src.suite}" if src.kind == "published" else f"{src.curve} fits to runs"
    filters = "".join(f for f, on in ((", frontier", src.frontier_only), (f", since {src.since}", src.since)) if on)
    return f"{where}{filters}: {len(result.models)} models, {src.bootstrap} bootstrap draws"


def plot_trend(result: TrendResult, ax=None):
    """p50 against release date with intervals, every trend with its 95% band, and the held-out models."""
    fig, ax = axes_on(ax, figsize=(8, 4.8))
    _draw_trend(ax, result)
    return fig


def plot_trends(results, titles=None, ax=None):
    """Several trend results side by side (one panel each; ``ax``: one Axes per result)."""
    results = list(results)
    fig, axes, own = panels(ax, 1, len(results), figsize=(6.2 * len(results), 4.8))
    for i, (panel, result) in enumerate(zip(axes[0], results)):
        _draw_trend(panel, result, titles[i] if titles else None)
    if own:
        fig.tight_layout()
    return fig


def plot_beta(result: TrendResult, ax=None):
    """Each agent's beta (steps curve; 95% interval; grey: not identified) against release date, the
    critical threshold beta = 1 and beta = 2, and the trend in beta with its band where it is identified."""
    import datetime as dt
    steps = result.trends.steps
    fig, ax = axes_on(ax, figsize=(8, 4.4))
    for identified, color, face in ((False, "grey", "white"), (True, TREND_COLORS["steps"], TREND_COLORS["steps"])):
        chosen = [a for a in steps.agents if a.identified == identified and a.beta is not None]
        if not chosen:
            continue
        x = [dt.date.fromisoformat(a.release_date) for a in chosen]
        y = np.array([a.beta for a in chosen])
        ci = np.array([a.beta_ci or (a.beta, a.beta) for a in chosen], dtype=float)
        ax.errorbar(x, y, yerr=_bars(y, ci[:, 0], ci[:, 1]), fmt="o", ms=5, color=color, mfc=face, capsize=2,
                    lw=0.9, zorder=3, label="identified (95%)" if identified else "not identified (95%)")
    ax.axhline(1.0, color="black", lw=1.0, ls="--", label="critical threshold, beta = 1 (finite mean)")
    ax.axhline(2.0, color="black", lw=0.8, ls=":", label="beta = 2 (finite variance)")
    if steps.beta_curve is not None:
        x = _dates(steps.beta_curve.days)
        ax.plot(x, steps.beta_curve.value, color=TREND_COLORS["steps"], lw=1.6,
                label=f"trend: {steps.beta_per_year:+.2f} per year")
        if steps.beta_curve.low is not None:
            ax.fill_between(x, steps.beta_curve.low, steps.beta_curve.high, color=TREND_COLORS["steps"], alpha=0.12,
                            lw=0)
    else:
        ax.text(0.02, 0.97, f"no trend: beta identified for {steps.identified} of {len(steps.agents)} agents",
                transform=ax.transAxes, fontsize=8, va="top")
    ax.set_ylim(0, 4.3)
    ax.set_xlabel("release date")
    ax.set_ylabel(f"beta ({steps.steps_curve or 'steps'} fit)")
    ax.set_title(f"Steps-model beta against release date ({steps.steps_curve})", fontsize=9)
    ax.legend(fontsize=7, loc="center left")
    ax.grid(alpha=0.25)
    return fig

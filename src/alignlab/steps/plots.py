"""Figures for the steps model. Each function takes a result object, draws on ``ax`` (an Axes; for the
family study, one per family) or on a new figure, and returns the Figure; nothing here computes the
model."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from alignlab._figures import axes_on, panels
from alignlab.steps.experiments import (EfficiencyCurves, FamilyStudy, GrowthCurves, PhaseDiagram,
                                        RunningMeans, SuccessCurves)
from alignlab.steps.model import REGIMES

_REGIME_COLORS = ("#d1495b", "#2e2e2e", "#edae49", "#00798c")


def plot_phase_diagram(pd: PhaseDiagram, ax=None):
    alphas, qs = np.array(pd.alphas), np.array(pd.qs)
    codes = np.array([[REGIMES.index(r) for r in row] for row in pd.regime])
    fig, ax = axes_on(ax, figsize=(7, 4.6))
    ax.pcolormesh(alphas, qs, codes.T, cmap=ListedColormap(_REGIME_COLORS), vmin=-0.5, vmax=3.5, shading="nearest")
    a = np.linspace(alphas.min(), alphas.max(), 400)
    ax.plot(a, 1 / a, color="white", lw=2, label=r"$Q_c = 1/\alpha$ (mean finite above)")
    ax.plot(a, 2 / a, color="white", lw=2, ls="--", label=r"$Q_2 = 2/\alpha$ (Gaussian above)")
    ax.set_xscale("log")
    ax.set_ylim(qs.min(), qs.max())
    ax.set_xlabel(r"approach tail index $\alpha$")
    ax.set_ylabel("cognitive power Q")
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in _REGIME_COLORS]
    leg1 = ax.legend(handles, REGIMES, loc="upper right", title="regime", framealpha=0.9)
    ax.add_artist(leg1)
    ax.legend(loc="lower left", framealpha=0.9)
    ax.set_title("Regime of the independent-steps model")
    return fig


def plot_growth_curves(gc: GrowthCurves, title: str | None = None, ax=None):
    fig, ax = axes_on(ax, figsize=(7, 4.6))
    for curve in gc.curves:
        n = np.array(curve.n, dtype=float)
        med = 10.0 ** np.array(curve.log10_median_per_subtask)
        label = f"Q={curve.q:g} ({curve.regime}), fitted slope {curve.fitted_slope:.3f}"
        line, = ax.plot(n, med, marker="o", ms=3, label=label)
        if curve.theory_slope is not None and curve.theory_slope > 0:
            ref = med[-1] * (n / n[-1]) ** curve.theory_slope
            ax.plot(n, ref, ls=":", color=line.get_color(), lw=1.5,
                    label=fr"theory slope $1/\beta-1$ = {curve.theory_slope:.3f}")
        if math.isfinite(curve.mean_per_subtask):
            ax.axhline(curve.mean_per_subtask, color=line.get_color(), lw=0.8, ls="--")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("task length n (subtasks)")
    ax.set_ylabel("median time per subtask, median(S_n)/n")
    ax.set_title(title or f"Median time per subtask ({gc.approach}; dashed: mean)")
    ax.legend(fontsize=7)
    return fig


def plot_efficiency(ec: EfficiencyCurves, ax=None):
    fig, ax = axes_on(ax, figsize=(7, 4.2))
    qs = np.array(ec.qs)
    for a, eff in zip(ec.alphas, ec.efficiency):
        line, = ax.plot(qs, eff, label=fr"$\alpha$={a:g}")
        ax.axvline(1 / a, color=line.get_color(), ls=":", lw=1)
    ax.axhline(0.9, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("cognitive power Q")
    ax.set_ylabel("efficiency = 1 / mean subtask time")
    ax.set_ylim(0, 1)
    ax.set_title(r"Efficiency $1 - 1/(Q\alpha)$: diminishing returns above $Q_c$ (dotted)")
    ax.legend()
    return fig


def plot_family_study(fs: FamilyStudy, ax=None):
    """One panel per family, four to a row; ``ax``: one Axes per family (any sequence), or None for a new
    figure."""
    k = len(fs.families)
    cols = 4 if ax is None else k
    rows = math.ceil(k / cols)
    fig, axes, own = panels(ax, rows, cols, figsize=(4.0 * cols, 3.3 * rows))
    for ax, fam in zip(axes.ravel(), fs.families):
        for curve, bound in zip(fam.growth.curves, fam.log10_bound_per_subtask):
            line, = ax.plot(curve.n, curve.log10_median_per_subtask, marker="o", ms=2.5,
                            label=f"Q={curve.q:g}: MC slope {curve.fitted_slope:.2f}")
            ax.plot(fam.bound_n, np.maximum(bound, -1.0), ls="--", lw=1, color=line.get_color())
        ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=1.0)   # super-heavy bounds reach 10^(10^29)
        ax.set_ylim(bottom=-1.0)
        ax.set_title(f"{fam.approach}\n{fam.verdict}", fontsize=8)
        ax.legend(fontsize=6)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[k:]:
        ax.axis("off")
    if own:
        fig.supxlabel("task length n")
        fig.supylabel("log10 median(S_n)/n (symlog axis): MC (dots), largest-subtask bound (dashed)")
        fig.tight_layout()
    return fig


def plot_success_curves(sc: SuccessCurves, ax=None):
    fig, ax = axes_on(ax, figsize=(7, 4.2))
    for curve in sc.curves:
        line, = ax.plot(curve.n, curve.success, label=f"Q={curve.q:g}: {sc.p:.0%} horizon n={curve.horizon}")
        if curve.horizon > 0:
            ax.axvline(curve.horizon, color=line.get_color(), ls=":", lw=1)
    ax.axhline(sc.p, color="grey", lw=0.8, ls="--")
    ax.set_xscale("log")
    ax.set_xlabel("task length n")
    ax.set_ylabel(f"P(S_n <= {sc.budget:g})")
    ax.set_title(fr"Success within a time budget B={sc.budget:g} ($\alpha$={sc.alpha:g}, exact)")
    ax.legend(fontsize=8)
    return fig


def plot_running_means(rm: RunningMeans, ax=None):
    fig, ax = axes_on(ax, figsize=(7, 4.2))
    for q, means, exact in zip(rm.qs, rm.means, rm.exact_means):
        label = f"Q={q:g}: " + ("E[M] infinite" if math.isinf(exact) else f"E[M]={exact:.3g}")
        line, = ax.plot(rm.sizes, means, marker="o", ms=3, label=label)
        if math.isfinite(exact):
            ax.axhline(exact, color=line.get_color(), ls="--", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of subtasks sampled")
    ax.set_ylabel("sample mean of the subtask time")
    ax.set_title(fr"Running mean of M ($\alpha$={rm.alpha:g}, $Q_c$={1 / rm.alpha:g})")
    ax.legend(fontsize=8)
    return fig

"""Figures for tail diagnostics. Each function takes result objects, draws on ``ax`` (an Axes; for the
six-panel diagnosis, six of them) or on a new figure, and returns the Figure; nothing here estimates
anything."""

from __future__ import annotations

import numpy as np

from alignlab._figures import axes_on, panels
from alignlab.tails.diagnosis import Diagnosis
from alignlab.tails.estimators import TailPath
from alignlab.tails.experiments import Recovery
from alignlab.tails.power_law import PowerLawFit

_VERDICT_COLORS = {"heavy": "#d1495b", "light": "#00798c", "ambiguous": "#edae49"}


def plot_hill(path: TailPath, ax=None, title: str | None = None, k_range: tuple[int, int] | None = None):
    """Estimate against k (log axis) with a 95% band; the chosen k marked."""
    _, ax = axes_on(ax, figsize=(7, 4.2))
    k, xi, se = path.k, path.xi, path.se
    if k_range is not None:
        keep = (k >= k_range[0]) & (k <= k_range[1])
        k, xi, se = k[keep], xi[keep], se[keep]
    if k.size > 4000:       # thin for drawing only
        idx = np.unique(np.geomspace(1, k.size, 4000).astype(np.int64) - 1)
        k, xi, se = k[idx], xi[idx], se[idx]
    ax.plot(k, xi, color="#2e2e2e", lw=1.2, label=f"{path.estimator.replace('_', ' ')}")
    ax.fill_between(k, xi - 1.96 * se, xi + 1.96 * se, color="#2e2e2e", alpha=0.18, lw=0, label="95% band")
    if path.chosen_k is not None:
        ax.axvline(path.chosen_k, color="#d1495b", ls="--", lw=1)
        ax.plot([path.chosen_k], [path.chosen_xi], "o", color="#d1495b",
                label=f"k = {path.chosen_k} ({path.selection}): xi = {path.chosen_xi:.3f}")
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("k (number of upper order statistics)")
    ax.set_ylabel(r"extreme-value index $\xi$ (tail index $1/\xi$)")
    finite = xi[np.isfinite(xi)]
    if finite.size:
        lo, hi = np.quantile(finite, [0.02, 0.98])
        pad = 0.25 * (hi - lo + 1e-9)
        ax.set_ylim(lo - pad, hi + pad)
    ax.set_title(title or f"{path.estimator.replace('_', ' ').capitalize()} plot (n = {path.n})")
    ax.legend(fontsize=7)
    return ax.figure


def plot_power_law(fit: PowerLawFit, ax=None, title: str | None = None):
    """Empirical P(X >= x) of the whole sample on log-log axes with the fitted power law above xmin."""
    _, ax = axes_on(ax, figsize=(6.4, 4.4))
    # log axes need a decade of room above the largest value: data near 1e308 are drawn in units of 10^k
    k = max(0, int(np.ceil(np.log10(fit.data[-1]))) - 300)
    unit = 10.0 ** k
    data = fit.data / unit
    n = data.size
    idx = np.unique(np.geomspace(1, n, min(n, 3000)).astype(np.int64) - 1)
    ax.loglog(data[idx], (n - idx) / n, ".", ms=2.5, color="#2e2e2e", label="data")
    xs = np.geomspace(fit.xmin / unit, data[-1], 200)
    frac = fit.n_tail / n
    ax.loglog(xs, frac * (xs / (fit.xmin / unit)) ** (-fit.tail_index), color="#d1495b", lw=1.6,
              label=f"power law: alpha = {fit.alpha:.3f} +/- {fit.sigma:.3f}, xmin = {fit.xmin:.4g}")
    ax.axvline(fit.xmin / unit, color="#d1495b", ls=":", lw=1)
    ax.set_xlabel("x" if k == 0 else f"x / 1e{k}")
    ax.set_ylabel("P(X >= x)")
    extra = "" if fit.p_value is None else f", bootstrap p = {fit.p_value:.3f}"
    ax.set_title(title or f"Power-law fit (KS = {fit.ks:.4f}, n_tail = {fit.n_tail}{extra})")
    ax.legend(fontsize=7)
    return ax.figure


def plot_diagnosis(d: Diagnosis, title: str | None = None, ax=None):
    """The six panels of a diagnosis: histogram, normal QQ, exponential QQ of the excess, mean excess,
    Hill plot with band, generalized Pareto shape by threshold. ``ax``: six Axes to draw them on (a 2 x 3
    array or any sequence, in that order; the figure's title and layout are then yours to set), or None
    for a new figure with both."""
    fig, axes, own = panels(ax, 2, 3, figsize=(15, 8.4))
    edges, counts = d.figure_data.histogram
    axes[0, 0].stairs(counts, edges, fill=True, color="#8fb3c6")
    axes[0, 0].set_title("histogram")
    axes[0, 0].set_yscale("log")
    axes[0, 0].set_xlabel("value")

    theory, sample = d.figure_data.normal_qq
    _qq(axes[0, 1], theory, sample, "normal quantile", "standardised sample quantile", "normal QQ plot")

    theory, sample = d.figure_data.exponential_qq
    _qq(axes[0, 2], theory, sample, "exponential quantile", "excess over mean / its mean",
        "exponential QQ plot of the excess over the mean\n(bends up: heavier; down: lighter than exponential)")

    u, me, me_se = d.figure_data.mean_excess
    ax = axes[1, 0]
    ax.plot(u, me, color="#2e2e2e")
    ax.fill_between(u, me - 1.96 * me_se, me + 1.96 * me_se, color="#2e2e2e", alpha=0.18, lw=0)
    ax.set_xlabel("threshold u")
    ax.set_ylabel("mean excess E[X - u | X > u]")
    ax.set_title("mean-excess plot (rising: heavier than exponential)")

    # near k = number of positive excesses, X_(k+1) -> 0 and log X_(k+1) -> -inf: draw the upper quarter
    plot_hill(d.hill, ax=axes[1, 1], title="Hill plot of the positive excess over the mean",
              k_range=(1, max(10, int(d.hill.k[-1]) // 4)))

    ax = axes[1, 2]
    levels = [f"{t.level:.0%}\n(k = {t.k})" for t in d.thresholds]
    xi = np.array([t.xi for t in d.thresholds])
    lo = np.array([t.interval()[0] for t in d.thresholds])
    hi = np.array([t.interval()[1] for t in d.thresholds])
    lo = np.where(np.isfinite(lo), lo, xi - 0.5)
    ax.errorbar(range(len(levels)), xi, yerr=[xi - lo, hi - xi], fmt="o", color="#2e2e2e", capsize=4)
    ax.axhline(0, color="grey", lw=0.8)
    ax.axhline(0.1, color="grey", lw=0.6, ls=":")
    ax.set_xticks(range(len(levels)), levels)
    ax.set_xlabel("threshold quantile")
    ax.set_ylabel(r"GPD shape $\xi$ of the excesses (95% CI)")
    ax.set_title("tail shape by threshold (0: exponential)")

    if own:
        fig.suptitle(title or f"Tail diagnosis (n = {d.n}): {d.verdict}", color=_VERDICT_COLORS[d.verdict],
                     fontsize=14)
        fig.tight_layout()
    return fig


def _qq(ax, theory, sample, xlabel, ylabel, title):
    ax.plot(theory, sample, ".", ms=2.5, color="#2e2e2e")
    lim = [min(theory.min(), sample.min()), max(theory.max(), sample.max())]
    ax.plot(lim, lim, color="#d1495b", lw=1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)


def plot_recovery(study: Recovery, ax=None):
    """Hill's estimate (double-bootstrap k, 95% interval) against the true extreme-value index."""
    _, ax = axes_on(ax, figsize=(7, 4.2))
    rows = study.rows
    pos = np.arange(len(rows))
    est = np.array([r.hill_xi for r in rows])
    ax.errorbar(pos, est, yerr=1.96 * np.array([r.hill_se for r in rows]), fmt="o", color="#2e2e2e", capsize=4,
                label="Hill, double-bootstrap k (95% CI)")
    ax.plot(pos, [1 / (r.fit_alpha - 1) for r in rows], "s", mfc="none", color="#00798c",
            label="1/(alpha - 1) from the CSN fit")
    ax.plot(pos, [r.true_xi for r in rows], "x", color="#d1495b", ms=9, mew=2, label="true value")
    ax.set_xticks(pos, [r.label for r in rows], fontsize=8)
    ax.set_ylabel(r"extreme-value index $\xi$")
    ax.set_title(f"Known-index recovery (n = {study.n} each)")
    ax.legend(fontsize=8)
    return ax.figure

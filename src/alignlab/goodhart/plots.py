"""Figures for the Goodhart experiments. Each function takes result objects, draws on ``ax`` (an Axes,
or one per panel for the figures of several panels, in reading order) or on a new figure, and returns the
Figure; nothing here computes the model."""

from __future__ import annotations

import numpy as np

from alignlab._figures import axes_on, panels
from alignlab.goodhart.best_of_n import BestOfN
from alignlab.goodhart.construction import Construction
from alignlab.goodhart.experiments import BonSynthetic, Curves, DependenceStudy, GaoFits


def _label(curve) -> str:
    return f"X ~ {curve.error}, V ~ {curve.utility}"


def _mc_points(ax, mc, color, label=None, skip: int = 0):
    """Monte Carlo estimates with +-2 standard errors."""
    se = np.nan_to_num(np.array(mc.standard_error, dtype=float)[skip:])
    ax.errorbar(np.array(mc.t)[skip:], np.array(mc.conditional_utility)[skip:], yerr=2 * se, fmt="o", ms=3,
                color=color, capsize=2, label=label)


def plot_best_of_n(bon: BestOfN, ax=None, title: str | None = None):
    """E[V] and E[U] of the best of n against n (log axis); Monte Carlo points with +-2 standard errors."""
    fig, ax = axes_on(ax, figsize=(7, 4.2))
    n = np.array(bon.n, dtype=float)
    for values, se, label, color in ((bon.utility, bon.utility_se, "E[V] (true utility)", "C0"),
                                     (bon.proxy, bon.proxy_se, "E[U] (proxy)", "C1")):
        if se is None:
            ax.plot(n, values, "o-", ms=3, color=color, label=label)
        else:
            ax.errorbar(n, values, yerr=2 * np.array(se, dtype=float), fmt="o-", ms=3, capsize=2, color=color,
                        label=f"{label}, +-2 SE")
    ax.axhline(bon.utility_mean, color="k", ls=":", lw=1, label="E[V] under the base law")
    ax.set_xscale("log")
    ax.set_xlabel("n (best of n)")
    ax.set_ylabel("mean of the selected draw")
    ax.set_title(title or f"Best of n ({bon.method})")
    ax.legend(fontsize=8)
    return fig


def plot_heavy_error(curves: Curves, ax=None):
    """G1: E[V | U >= t] returns to E[V]; the gain falls like 1/t. ``ax``: two Axes, or None."""
    fig, axes, _ = panels(ax, 1, 2, figsize=(12, 4.6))
    ax1, ax2 = axes[0]
    for c in curves.curves:
        t = np.array(c.exact.t)
        line, = ax1.plot(t, c.exact.conditional_utility, label=_label(c))
        if c.mc is not None:
            _mc_points(ax1, c.mc, line.get_color())
        g = np.array(c.exact.gain)
        ok = g > 0
        ax2.loglog(t[ok], g[ok], color=line.get_color(),
                   label=f"{c.error}: slope {c.regime.slope:.3f}" if c.regime.slope is not None else c.error)
    ax1.axhline(curves.curves[0].exact.utility_mean, color="k", ls=":", lw=1, label="E[V]")
    ax1.set_xscale("log")
    ax1.set_xlim(right=1e4)
    ax1.set_xlabel("threshold t")
    ax1.set_ylabel("E[V | U >= t]")
    ax1.set_title("Heavy-tailed error: conditioning buys nothing in the end")
    ax1.legend(fontsize=8)
    ax2.set_xlabel("threshold t")
    ax2.set_ylabel("gain E[V | U >= t] - E[V]")
    ax2.set_title("The gain falls like 1/t, to t = 1e100 (exact)")
    ax2.legend(fontsize=8)
    return fig


def plot_light_error(curves: Curves, ax=None):
    """G2: unbounded growth; quadrature against the closed form for two normals. ``ax``: two Axes, or None."""
    fig, axes, _ = panels(ax, 1, 2, figsize=(12, 4.6))
    ax1, ax2 = axes[0]
    for c in curves.curves:
        t = np.array(c.exact.t)
        pos = t > 0
        line, = ax1.loglog(t[pos], np.array(c.exact.conditional_utility)[pos], label=_label(c))
        if c.mc is not None:
            _mc_points(ax1, c.mc, line.get_color())
        if c.closed_form is not None:
            ax1.loglog(t[pos], np.array(c.closed_form)[pos], "k--", lw=1, label="closed form (normal)")
            rel = np.abs(np.array(c.exact.conditional_utility) / np.array(c.closed_form) - 1)
            ax2.semilogy(np.array(c.exact.log_tail_probability) / np.log(10), np.maximum(rel, 1e-17), "o-", ms=3,
                         label="|quadrature / closed form - 1|")
            ax2.semilogy(np.array(c.exact.log_tail_probability) / np.log(10), np.array(c.exact.relative_error),
                         ":", label="estimated relative error")
    ax1.set_xlabel("threshold t")
    ax1.set_ylabel("E[V | U >= t]")
    ax1.set_title("Light-tailed error: E[V | U >= t] grows without bound")
    ax1.legend(fontsize=8)
    ax2.axhline(1e-8, color="r", lw=1, ls="--", label="1e-8")
    ax2.set_xlabel("log10 P(U >= t)")
    ax2.set_ylabel("relative error")
    ax2.set_title("Two normals: quadrature against the closed form")
    ax2.legend(fontsize=8)
    return fig


def plot_tail_race(curves: Curves, ax=None):
    """G3: log-log gain for racing power laws and exponential error, with fitted and predicted slopes."""
    fig, ax = axes_on(ax, figsize=(8, 5))
    for c in curves.curves:
        t, g = np.array(c.regime.t), np.array(c.regime.gains)
        ok = g > 0
        fitted = "-" if c.regime.slope is None else f"{c.regime.slope:.3f}"
        theory = "-" if c.regime.predicted_slope is None else f"{c.regime.predicted_slope:g}"
        ax.loglog(t[ok], g[ok], "o-", ms=3, label=f"{_label(c)} ({c.regime.regime}): slope {fitted}, theory {theory}")
    ax.set_xlabel("threshold t")
    ax.set_ylabel("gain E[V | U >= t] - E[V]")
    ax.set_title("Heavier X is necessary, not sufficient: the gain goes like t^(1+a-b)")
    ax.legend(fontsize=7)
    return fig


def plot_construction(con: Construction, ax=None):
    """G4: mean up, KL down (the KL on a twin axis of ``ax``)."""
    fig, ax1 = axes_on(ax, figsize=(8, 4.6))
    t = np.array(con.t)
    ax1.semilogx(t, con.mean, "o-", ms=3, color="C0", label="mean E_q[X]")
    ax1.set_xlabel("threshold t")
    ax1.set_ylabel("mean of the constructed law", color="C0")
    ax2 = ax1.twinx()
    ax2.semilogx(t, con.kl, "s-", ms=3, color="C3", label="KL(q || base)")
    ax2.set_ylabel("KL to the base (nats)", color="C3")
    ax1.set_title(f"Base {con.base}, mass(t) = t^-{con.mass_exponent:g} above t: mean up, KL down")
    return fig


def plot_bon_synthetic(bon: BonSynthetic, ax=None):
    """G5: E[V] of best-of-n against n, exact lines and Monte Carlo points (+-2 SE). ``ax``: one Axes per
    utility law, or None."""
    utilities = list(dict.fromkeys(c.utility for c in bon.cases))
    fig, axes, own = panels(ax, 1, len(utilities), figsize=(6.5 * len(utilities), 4.8))
    for ax, u in zip(axes[0], utilities):
        for i, c in enumerate(c for c in bon.cases if c.utility == u):
            color = f"C{i}"
            ax.semilogx(c.exact.n, c.exact.utility, color=color, label=f"X ~ {c.error} (peak n = {c.peak_n:.3g})")
            ax.errorbar(c.mc.n, c.mc.utility, yerr=2 * np.array(c.mc.utility_se), fmt="o", ms=3, color=color,
                        capsize=2, alpha=0.7)
        ax.axhline(c.exact.utility_mean, color="k", ls=":", lw=1)
        ax.set_xlabel("n (best of n)")
        ax.set_ylabel("E[V] of the selected draw")
        ax.set_title(f"V ~ {u}")
        ax.legend(fontsize=8)
    n_exact, n_mc = max(max(c.exact.n) for c in bon.cases), max(max(c.mc.n) for c in bon.cases)
    if own:
        fig.suptitle(f"Best-of-n: exact (lines) to n = {n_exact:.3g}, Monte Carlo (points, +-2 SE, {bon.trials} "
                     f"trials) to n = {n_mc:,}")
    return fig


def plot_dependence(study: DependenceStudy, ax=None):
    """G6: the counterexample against independent N(0, 4) error, by conditioning and by tilting. ``ax``: two
    Axes, or None."""
    fig, axes, _ = panels(ax, 1, 2, figsize=(12, 4.6))
    ax1, ax2 = axes[0]
    t = np.array(study.dependent.t)
    pos = t > 0
    ax1.loglog(t[pos], np.array(study.independent.conditional_utility)[pos], label="X ~ N(0, 4) independent of V")
    ax1.loglog(t[pos], np.array(study.dependent.conditional_utility)[pos],
               label="X | V ~ N(0, 4) if |V| <= 1, else X = 0")
    _mc_points(ax1, study.mc, "C1", "Monte Carlo (+-2 SE)", skip=1)        # t = 0 is off the log axis
    ax1.axhline(1.0, color="k", ls=":", lw=1)
    ax1.set_xlabel("threshold t")
    ax1.set_ylabel("E[V | U >= t]")
    ax1.set_title("Unbiased light-tailed error, yet V stays below 1")
    ax1.legend(fontsize=8)
    inv = 1 / np.array(study.tilt_dependent.beta)
    ax2.loglog(inv, study.tilt_independent.utility, label="independent")
    ax2.loglog(inv, study.tilt_dependent.utility, label="dependent (counterexample)")
    ax2.axhline(1.0, color="k", ls=":", lw=1)
    ax2.set_xlabel("1 / beta (KL penalty weakens to the right)")
    ax2.set_ylabel("E[V] under p exp(U / beta)")
    ax2.set_title("The KL-regularised optimum behaves the same way")
    ax2.legend(fontsize=8)
    return fig


def plot_gao_fits(bon: BonSynthetic, fits: GaoFits, ax=None):
    """G7: gain against d = sqrt(KL) with both fitted forms, for each G5 case. ``ax``: one Axes per utility
    law, or None."""
    utilities = list(dict.fromkeys(c.utility for c in bon.cases))
    fig, axes, own = panels(ax, 1, len(utilities), figsize=(6.5 * len(utilities), 4.8))
    for ax, u in zip(axes[0], utilities):
        for i, (c, f) in enumerate((c, f) for c, f in zip(bon.cases, fits.cases) if c.utility == u):
            d = np.sqrt(np.array(c.exact.kl))
            gain = np.array(c.exact.utility) - c.exact.utility_mean
            color = f"C{i}"
            ax.plot(d, gain, "o", ms=3, color=color, label=f"X ~ {c.error}")
            dd = np.linspace(1e-3, d.max(), 200)
            bon_fit, rl_fit = f.bon, f.rl
            ax.plot(dd, dd * (bon_fit.a - bon_fit.b * dd), "-", color=color, lw=1,
                    label=f"d(a-bd), R2={bon_fit.r_squared:.3f}")
            ax.plot(dd, dd * (rl_fit.a - rl_fit.b * np.log(dd)), "--", color=color, lw=1,
                    label=f"d(a-b log d), R2={rl_fit.r_squared:.3f}")
        ax.set_xlabel("d = sqrt(KL(best-of-n || base))")
        ax.set_ylabel("gain in E[V]")
        ax.set_title(f"V ~ {u}")
        ax.legend(fontsize=6, ncol=2)
    if own:
        fig.suptitle("Gao et al.'s forms fitted to the exact best-of-n gain")
    return fig

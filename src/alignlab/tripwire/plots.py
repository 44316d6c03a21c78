"""Figures for the tripwire. Each function takes result objects and returns a matplotlib Figure;
nothing here trains or measures."""

from __future__ import annotations

import numpy as np

from alignlab._figures import figure
from alignlab.tripwire.calibration import Calibration
from alignlab.tripwire.run import RunResult

_COLORS = {"eval": "#d1495b", "probe": "#00798c", "map": "#6a4c93", "oracle": "#2e2e2e", "oracle_probe": "#7a7a7a",
           "known": "#edae49"}


def _events(ax, s, legend: bool = False) -> None:
    retrip = s.erasure.retrip_step if s.erasure is not None else None
    marks = [(s.learning.evidence_start, "evidence starts", "#8aa29e", ":"),
             (s.learning.learned_step, "learned (oracle)", "k", "--"), (s.trip.step, "trip", "#d1495b", "-"),
             (retrip, "trip after erasure", "#d1495b", "-.")]
    for x, label, color, style in marks:
        if x is not None:
            ax.axvline(x, color=color, ls=style, lw=1, label=label if legend else None)


def plot_run(result: RunResult):
    """Loss, accuracy on hidden cities and monitor statistics against training step."""
    s, checks = result.summary, result.checks
    steps = np.array([c.step for c in checks])
    fig, axes = figure(3, 1, figsize=(8, 8.5), sharex=True)
    if result.losses:
        ls, lv = zip(*result.losses)
        axes[0].plot(ls, lv, color="#2e2e2e", lw=1)
    axes[0].set_ylabel("training loss")
    _events(axes[0], s, legend=True)
    axes[0].legend(fontsize=7, loc="upper right")

    ax = axes[1]
    for m in result.config.monitors:
        ax.plot(steps, [c.accuracy[m] for c in checks], color=_COLORS[m], label=f"{m} monitor (hidden)")
    ax.plot(steps, [c.oracle_accuracy for c in checks], color=_COLORS["oracle"], lw=1.5,
            label="oracle: every phrasing (hidden)")
    ax.plot(steps, [c.oracle_probe_accuracy for c in checks], color=_COLORS["oracle_probe"], lw=1, ls="--",
            label="oracle probe, hidden labels (CV)")
    ax.plot(steps, [c.known_accuracy for c in checks], color=_COLORS["known"], lw=1, label="eval on known cities")
    ax.axhline(s.leak.chance_accuracy, color="grey", lw=0.8, ls=":")
    ax.axhline(result.config.learned_accuracy, color="k", lw=0.6, ls="--")
    _events(ax, s)
    ax.set_ylabel("accuracy")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7, loc="center right")

    ax = axes[2]
    for m in result.config.monitors:
        ax.plot(steps, [c.statistic[m] for c in checks], color=_COLORS[m], label=f"z ({m})")
        ax.axhline(result.thresholds.values[m], color=_COLORS[m], lw=0.8, ls="--",
                   label=f"{m} threshold ({result.thresholds.source})")
    _events(ax, s)
    ax.set_ylabel("monitor statistic z")
    ax.set_xlabel("training step")
    ax.legend(fontsize=7, loc="upper left")
    kind = "control world" if s.control else "real world"
    axes[0].set_title(f"Tripwire run, {kind}, seed {s.seed}: "
                      + (f"tripped at step {s.trip.step} ({s.trip.monitor})" if s.trip.tripped else "no trip"))
    fig.tight_layout()
    return fig


def plot_calibration(cal: Calibration):
    """Null distribution of each monitor's run maximum, with its threshold, and the control runs' z."""
    monitors = list(cal.thresholds)
    fig, axes = figure(1, 2, figsize=(11, 4))
    ax = axes[0]
    for m in monitors:
        x = np.asarray(cal.null_max[m])
        ax.hist(x, bins=60, histtype="step", density=True, color=_COLORS[m], label=f"max_t z ({m})")
        ax.axvline(cal.thresholds[m], color=_COLORS[m], ls="--", lw=1,
                   label=f"{m} threshold {cal.thresholds[m]:.2f}")
    tau = next(iter(cal.known_null_thresholds.values()))
    ax.axvline(tau, color="grey", ls=":", lw=1, label=f"known-null Bonferroni {tau:.2f}")
    ax.set_xlabel("largest z over a control run")
    ax.set_ylabel("density")
    ax.set_title(f"{len(cal.seeds)} control runs x {cal.relabels} answer keys; "
                 f"LOSO FPR {cal.estimated_fpr:.3f} (nominal {cal.fpr:g})", fontsize=9)
    ax.legend(fontsize=7)
    ax = axes[1]
    for run in cal.runs:
        for m in monitors:
            ax.plot(run.steps, run.statistic[m], color=_COLORS[m], lw=0.7, alpha=0.6)
    for m in monitors:
        ax.axhline(cal.thresholds[m], color=_COLORS[m], ls="--", lw=1)
    ax.set_xlabel("training step")
    ax.set_ylabel("z against the true answers")
    ax.set_title("control runs (evidence describes decoys)", fontsize=9)
    fig.tight_layout()
    return fig


def plot_leak(result: RunResult):
    """n-gram accuracy on the hidden cities' puzzles by order, against chance and the trained model."""
    leak, s = result.leak, result.summary
    fig, ax = figure(figsize=(6, 3.6))
    ax.bar([str(o) for o in leak.orders], leak.accuracy, color="#8aa29e", label="n-gram (counts on the corpus)")
    ax.axhline(leak.chance, color="grey", ls=":", label=f"chance {leak.chance:.2f}")
    best = max((c.oracle_accuracy for c in result.checks if c.phase == "learn"), default=np.nan)
    ax.axhline(best, color=_COLORS["eval"], ls="--", label=f"trained transformer (best check) {best:.2f}")
    ax.set_xlabel("n-gram order")
    ax.set_ylabel("accuracy, hidden cities, every phrasing")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Leak check: z of the best n-gram = {s.leak.ngram_statistic:.2f} (null: mean 0, sd 1)", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_detection(study):
    """Per real world: evidence start, each monitor's first crossing, the trip and the oracle's learned step."""
    fig, ax = figure(figsize=(8, 0.5 * len(study.runs) + 2))
    for i, run in enumerate(study.runs):
        s = run.summary.learning
        marks = [(s.evidence_start, "evidence starts", "#8aa29e", "|"), (s.learned_step, "learned (oracle)", "k", "s"),
                 (s.represented_step, "held by representation (oracle probe)", "#7a7a7a", "D")]
        marks += [(s.cross_step.get(m), f"{m} crosses", _COLORS[m], "o") for m in study.config.monitors]
        for x, label, color, marker in marks:
            if x is not None:
                ax.scatter([x], [i], color=color, marker=marker, s=60 if marker != "|" else 200, zorder=3,
                           label=label if i == 0 else None, alpha=0.85)
    ax.set_yticks(range(len(study.runs)), [f"seed {r.summary.seed}" for r in study.runs])
    ax.set_xlabel("training step")
    ax.set_title("When the monitors cross their calibrated thresholds, against the oracle", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig


def plot_erasure(study):
    """Oracle accuracy on hidden cities after the trip: no erasure, LEACE, gradient unlearning."""
    methods = sorted({b.erasure.method for r in study.runs for b in r.branches})
    fig, axes = figure(1, len(methods) + 1, figsize=(4.2 * (len(methods) + 1), 3.8), sharey=True)
    axes = np.atleast_1d(axes)
    for run in study.runs:
        trip = run.summary.trip.step
        if trip is None:
            continue
        steps = np.array(run.curve.steps) - trip
        axes[0].plot(steps, run.curve.oracle_accuracy, lw=0.9, color="#2e2e2e", alpha=0.7)
        for ax, method in zip(axes[1:], methods):
            for b in run.branches:
                if b.erasure.method == method:
                    after = [i for i, p in enumerate(b.curve.phase) if p != "learn"]
                    x = np.array([b.curve.steps[i] for i in after]) - trip
                    ax.plot(x, [b.curve.oracle_accuracy[i] for i in after], lw=0.9,
                            color=_COLORS["probe" if method == "leace" else "eval"], alpha=0.8)
                    if b.erasure.retrip_step is not None:
                        ax.axvline(b.erasure.retrip_step - trip, color="#d1495b", lw=0.6, ls=":")
    titles = ["no erasure (shadow run)"] + [f"{m} at the trip" for m in methods]
    for ax, title in zip(axes, titles):
        ax.axvline(0, color="#d1495b", lw=1)
        ax.axhline(1.0 / study.config.grid ** 2, color="grey", ls=":", lw=0.8)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("steps since the trip")
    axes[0].set_ylabel("oracle accuracy, hidden cities")
    fig.suptitle("Does erasure hold? Red dotted: the breaker trips again", fontsize=10)
    fig.tight_layout()
    return fig

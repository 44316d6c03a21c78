"""Figures for the tripwire. Each function takes result objects, draws on ``ax`` when given (one Axes, or
one per panel for the figures of several panels) and returns the matplotlib Figure; nothing here trains
or measures."""

from __future__ import annotations

import numpy as np

from alignlab._figures import axes_on, panels
from alignlab.tripwire.calibration import Calibration
from alignlab.tripwire.run import RunResult

_COLORS = {"eval": "#d1495b", "probe": "#00798c", "map": "#6a4c93", "oracle": "#2e2e2e", "oracle_probe": "#7a7a7a",
           "known": "#edae49"}


def _events(ax, s, legend: bool = False) -> None:
    retrip = s.response.retrip_step if s.response is not None else None
    marks = [(s.learning.evidence_start, "evidence starts", "#8aa29e", ":"),
             (s.learning.learned_step, "learned (oracle)", "k", "--"), (s.trip.step, "trip", "#d1495b", "-"),
             (retrip, "trip after the response", "#d1495b", "-.")]
    for x, label, color, style in marks:
        if x is not None:
            ax.axvline(x, color=color, ls=style, lw=1, label=label if legend else None)


def plot_run(result: RunResult, ax=None):
    """Loss, accuracy on hidden cities and monitor statistics against training step: three panels, on the
    three Axes of ``ax`` when given."""
    s, checks = result.summary, result.checks
    steps = np.array([c.step for c in checks])
    fig, axes, own = panels(ax, 3, 1, figsize=(8, 8.5), sharex=True)
    axes = axes[:, 0]
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
    if own:                      # a figure of the caller's keeps its own layout
        fig.tight_layout()
    return fig


def plot_calibration(cal: Calibration, ax=None):
    """Null distribution of each monitor's run maximum, with its threshold, and the control runs' z: two
    panels, on the two Axes of ``ax`` when given."""
    monitors = list(cal.thresholds)
    fig, axes, own = panels(ax, 1, 2, figsize=(11, 4))
    axes = axes[0]
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
    if own:                      # a figure of the caller's keeps its own layout
        fig.tight_layout()
    return fig


def plot_leak(result: RunResult, ax=None):
    """n-gram accuracy on the hidden cities' puzzles by order, against chance and the trained model."""
    leak, s = result.leak, result.summary
    own = ax is None
    fig, ax = axes_on(ax, figsize=(6, 3.6))
    ax.bar([str(o) for o in leak.orders], leak.accuracy, color="#8aa29e", label="n-gram (counts on the corpus)")
    ax.axhline(leak.chance, color="grey", ls=":", label=f"chance {leak.chance:.2f}")
    best = max((c.oracle_accuracy for c in result.checks if c.phase == "learn"), default=np.nan)
    ax.axhline(best, color=_COLORS["eval"], ls="--", label=f"trained transformer (best check) {best:.2f}")
    ax.set_xlabel("n-gram order")
    ax.set_ylabel("accuracy, hidden cities, every phrasing")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Leak check: z of the best n-gram = {s.leak.ngram_statistic:.2f} (null: mean 0, sd 1)", fontsize=9)
    ax.legend(fontsize=7)
    if own:                      # a figure of the caller's keeps its own layout
        fig.tight_layout()
    return fig


def plot_detection(study, ax=None):
    """Per real world: evidence start, each monitor's first crossing, the trip and the oracle's learned step."""
    own = ax is None
    fig, ax = axes_on(ax, figsize=(8, 0.5 * len(study.worlds) + 2))
    for i, world in enumerate(study.worlds):
        s = world.summary.learning
        marks = [(s.evidence_start, "evidence starts", "#8aa29e", "|"), (s.learned_step, "learned (oracle)", "k", "s"),
                 (s.represented_step, "held by representation (oracle probe)", "#7a7a7a", "D")]
        marks += [(s.cross_step.get(m), f"{m} crosses", _COLORS[m], "o") for m in study.config.monitors]
        for x, label, color, marker in marks:
            if x is not None:
                ax.scatter([x], [i], color=color, marker=marker, s=60 if marker != "|" else 200, zorder=3,
                           label=label if i == 0 else None, alpha=0.85)
    ax.set_yticks(range(len(study.worlds)), [f"seed {w.summary.seed}" for w in study.worlds])
    ax.set_xlabel("training step")
    ax.set_title("When the monitors cross their calibrated thresholds, against the oracle", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    if own:                      # a figure of the caller's keeps its own layout
        fig.tight_layout()
    return fig


def _relative(curve, trip: int, phases) -> tuple[np.ndarray, np.ndarray]:
    """Steps since the trip and oracle accuracy of the checks of ``curve`` in ``phases`` from the trip on."""
    keep = [i for i, (x, p) in enumerate(zip(curve.steps, curve.phase)) if x >= trip and p in phases]
    return np.array([curve.steps[i] - trip for i in keep]), np.array([curve.oracle_accuracy[i] for i in keep])


def _median_band(ax, runs, color: str) -> None:
    """Median and interquartile band across runs of (steps since trip, accuracy), at the steps since the trip
    that at least half the runs reach (runs end at ``steps``, so an early trip runs longer than the others)."""
    by_step: dict[int, list[float]] = {}
    for steps, acc in runs:
        for x, y in zip(steps, acc):
            by_step.setdefault(int(x), []).append(y)
    xs = np.array(sorted(x for x, ys in by_step.items() if 2 * len(ys) >= len(runs)))
    if not xs.size:
        return
    q = np.array([np.percentile(by_step[x], [25, 50, 75]) for x in xs])
    ax.fill_between(xs, q[:, 0], q[:, 2], color=color, alpha=0.25, lw=0)
    ax.plot(xs, q[:, 1], color=color, lw=1.6)


def plot_oracle_by_response(study, ax=None):
    """Oracle accuracy on the hidden cities from the trip on: no response, then each response (median and
    interquartile band over the worlds), against the chance interval and the learned level. ``ax``: one
    Axes per panel (``1 + len(study.responses)``), or None for a new figure."""
    from alignlab.tripwire.intervals import chance_interval
    groups = [("no response (shadow run)", [(w.curve, w.summary.trip.step) for w in study.worlds
                                            if w.summary.trip.tripped], ("learn",))]
    groups += [(r, [(b.curve, b.outcome.trip_step) for b in study.branches_of(r)], ("responded", "relearn"))
               for r in study.responses]
    cols = min(4, len(groups))
    rows = -(-len(groups) // cols)
    if ax is not None:                  # the panels given, in one row
        rows, cols = 1, len(groups)
    fig, axes, own = panels(ax, rows, cols, figsize=(3.6 * cols, 3.0 * rows), sharex=True, sharey=True)
    low, high = chance_interval(study.config.n_hidden, study.config.grid ** 2)
    for panel, (title, runs, phases) in zip(axes.ravel(), groups):
        panel.axhspan(low, high, color="grey", alpha=0.12, lw=0)
        panel.axhline(study.config.learned_accuracy, color="k", lw=0.7, ls="--")
        _median_band(panel, [_relative(c, trip, phases) for c, trip in runs], _COLORS["oracle"])
        panel.set_title(f"{title} ({len(runs)} worlds)", fontsize=9)
        panel.set_ylim(-0.02, 1.02)
    for extra in axes.ravel()[len(groups):]:
        extra.set_visible(False)
    for bottom in axes[-1]:
        bottom.set_xlabel("steps since the trip")
    for left in axes[:, 0]:
        left.set_ylabel("oracle accuracy, hidden cities")
    if own:                      # a figure of the caller's keeps its own title and layout
        fig.suptitle("After the trip: median and interquartile band over worlds; grey: chance interval; dashed: "
                     "learned level", fontsize=10)
        fig.tight_layout()
    return fig


def plot_evasion(study, ax=None):
    """Per response, with Wilson intervals: the breaker trips again, the fact is kept out to the end, and
    evasion (the answers came back while no monitor was above its threshold, among worlds where they came back)."""
    rates = (("retrip", "trips again", "#d1495b"), ("kept_out", "kept out to the end", "#00798c"),
             ("evasion", "evasion (of worlds whose answers came back)", "#6a4c93"))
    own = ax is None
    fig, ax = axes_on(ax, figsize=(8, 0.55 * len(study.summaries) + 1.8))
    labelled = set()
    for i, s in enumerate(study.summaries):
        for j, (key, label, color) in enumerate(rates):
            r = getattr(s, key)
            y = i + (j - 1) * 0.22
            if r.n:
                ax.errorbar([r.value], [y], xerr=[[r.value - r.low], [r.high - r.value]], fmt="o", color=color,
                            ms=5, capsize=2, label=None if key in labelled else label)
                labelled.add(key)
                ax.annotate(f"{r.k}/{r.n}", (r.high, y), xytext=(4, -3), textcoords="offset points", fontsize=6)
    ax.set_yticks(range(len(study.summaries)), [s.response for s in study.summaries])
    ax.invert_yaxis()
    ax.set_xlim(-0.02, 1.12)
    ax.set_xlabel("share of worlds (95% Wilson interval)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False)
    ax.set_title("What each response does: re-trips, kept out, evasion", fontsize=10)
    if own:                      # a figure of the caller's keeps its own layout
        fig.tight_layout()
    return fig


def plot_belief(study, ax=None):
    """Where the belief lives when it came back: per response and hook point, the median (bootstrap interval)
    of the direction cosine to the trip's minus the no-response run's at the same step."""
    hooks = sorted({h for s in study.summaries for h in s.cosine_shift}, key=_depth)
    own = ax is None
    fig, ax = axes_on(ax, figsize=(8, 0.55 * len(study.summaries) + 1.8))
    palette = ["#2e2e2e", "#00798c", "#6a4c93", "#d1495b", "#edae49", "#8aa29e", "#30638e", "#a05195", "#7a7a7a"]
    labelled = set()
    for i, s in enumerate(study.summaries):
        for j, h in enumerate(hooks):
            d = s.cosine_shift.get(h)
            if d is None or d.n == 0:
                continue
            y = i + (j - (len(hooks) - 1) / 2) * 0.8 / max(len(hooks), 1)
            ax.errorbar([d.value], [y], xerr=[[d.value - d.low], [d.high - d.value]], fmt="o", ms=4, capsize=2,
                        color=palette[j % len(palette)], label=None if h in labelled else h)
            labelled.add(h)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(range(len(study.summaries)), [s.response for s in study.summaries])
    ax.invert_yaxis()
    ax.set_xlabel("cosine to the trip's direction when the answers are back, minus the no-response run's")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=6, loc="lower left")
    ax.set_title("Does the belief come back in the same direction? (0: as without a response)", fontsize=10)
    if own:                      # a figure of the caller's keeps its own layout
        fig.tight_layout()
    return fig


def _depth(hook: str) -> tuple[int, int]:
    """Order hook points by depth: the embedding, then each block's mid and post."""
    if hook == "hook_embed":
        return (-1, 0)
    parts = hook.split(".")
    return (int(parts[1]), {"hook_resid_pre": 0, "hook_resid_mid": 1, "hook_resid_post": 2}.get(parts[2], 3))

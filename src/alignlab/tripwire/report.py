"""The tripwire section of the report: claims T1-T7, decided by the rules of :mod:`alignlab.tripwire.claims`
on the response study (:func:`alignlab.tripwire.experiments.run_study`) of a reduced world, or on a
finished study the user's data folder holds as ``tripwire-study/`` (``alignlab report --data DIR``:
the default world's 20-world study, say, which takes hours to run)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from alignlab.data.catalogue import data_folder
from alignlab.evidence.claims import Section, Table
from alignlab.evidence.context import ReportContext
from alignlab.tripwire import claims, plots
from alignlab.tripwire.config import ERASURES, RESPONSES
from alignlab.tripwire.experiments import REPORT_CONFIG, Study, run_study

REPORT_SEEDS = tuple(range(100, 106))      # the real worlds of the report
REPORT_CONTROL_SEEDS = tuple(range(8))     # its calibration's control worlds
STUDY_FOLDER = "tripwire-study"            # a finished study in the user's data folder replaces the reduced one


def _study(ctx: ReportContext) -> tuple[Study, Path | None]:
    """The study the section decides on, and the folder it was read from (None: the reduced study)."""
    folder = data_folder(ctx.data_dir)
    given = folder / STUDY_FOLDER if folder is not None else None
    if given is not None and (given / "study.json").is_file():
        ctx.step(f"reading the study in {given}")
        return Study.load(given), given
    ctx.step("control runs, worlds and their responses (reduced config)")
    # worker processes rather than a Dask cluster: the section's runs are seconds each, and a cluster
    # would take longer to start than some of them take
    return ctx.cached("tripwire/study", lambda: run_study(
        REPORT_CONFIG, RESPONSES, REPORT_SEEDS, control_seeds=REPORT_CONTROL_SEEDS, scheduler=None,
        workers=os.cpu_count() or 1, progress=ctx.progress("runs"))), None


def build(ctx: ReportContext) -> Section:
    study, given = _study(ctx)
    cfg, cal = study.config, study.calibration
    worlds = [w.summary for w in study.worlds]
    ctx.step("figures")
    figures = (
        ctx.render(plots.plot_run(study.example), "tripwire_run",
                   f"One real world (seed {study.example.config.seed}), trained to the end with the breaker in "
                   "shadow mode: loss; accuracy on the hidden cities of each monitor and of the oracle; each "
                   "monitor's statistic z with its calibrated threshold."),
        ctx.render(plots.plot_leak(study.example), "tripwire_leak",
                   "Leak check: count-based n-gram models fitted on the whole corpus answer the hidden cities' "
                   "questions at chance; the trained transformer does not."),
        ctx.render(plots.plot_calibration(cal), "tripwire_calibration",
                   f"Null distribution of each monitor's largest z over a control run ({len(cal.seeds)} control "
                   f"worlds x {cal.relabels} random answer keys) with the thresholds at {cal.fpr:g}/"
                   f"{len(cal.thresholds)} each; right: the control runs' z against the true answers."),
        ctx.render(plots.plot_detection(study), "tripwire_detection",
                   "Per real world: when evidence about hidden cities starts, when each monitor first crosses its "
                   "threshold, and when the oracle says the fact is learned."),
        ctx.render(plots.plot_oracle_by_response(study), "tripwire_oracle",
                   "Oracle accuracy on the hidden cities after the trip, without a response and after each, "
                   "median and interquartile band over the worlds; grey: the chance interval."),
        ctx.render(plots.plot_evasion(study), "tripwire_evasion",
                   "Per response: the breaker trips again, the fact stays out to the end, and evasion (the "
                   "answers came back while no monitor was above its threshold), with 95% Wilson intervals."),
        ctx.render(plots.plot_belief(study), "tripwire_belief",
                   "When the answers came back: the cosine of the country directions to the trip's, per hook "
                   "point, minus the same world's without a response (bootstrap intervals of the median)."),
    )
    k = cfg.monitor_every
    d1 = claims.T1(worlds, k)
    first = [s.learning.first_learn_steps for s in worlds]
    t1 = claims.T1.claim_from(d1, (
        f"The breaker (calibrated thresholds, run-level false-positive rate {cal.fpr:g}) tripped in "
        f"{d1.numbers['tripped']} of {len(worlds)} real worlds, {_describe(first)} steps after evidence about hidden "
        f"cities entered the stream (step {cfg.evidence_start}). Detection latency against the oracle's learned "
        f"step (first check with >= {cfg.learned_accuracy:g} of all phrasings right): "
        f"{_describe(s.learning.detection_latency for s in worlds)} steps; negative means the breaker fired before "
        f"the model answered {cfg.learned_accuracy:.0%} right. Checks every {k} steps."),
        ("tripwire_run", "tripwire_detection", "tripwire_leak"))

    d2 = claims.T2(worlds)
    names = {"probe": "the country probe", "map": "the map probe"}
    leads = {m: [s.learning.lead_over_eval.get(m) for s in worlds] for m in d2.numbers["median_lead"]}
    unlearn = [b.outcome for b in study.branches_of("unlearn")]
    after = {m: _median(o.post_response.get(f"{m}_statistic") for o in unlearn) for m in cfg.monitors}
    t2 = claims.T2.claim_from(d2, (
        f"First crossing of each monitor's calibrated threshold (thresholds: "
        f"{', '.join(f'{m} {t:.2f}' for m, t in cal.thresholds.items())}): "
        + "; ".join(f"{names.get(m, m)} crossed before the evals in {_count(x, 1)} of {len(worlds)} worlds, at the "
                    f"same check in {_count(x, 0)}, after in {_count(x, -1)} (lead {_describe(x)} steps)"
                    for m, x in leads.items())
        + (f". Right after gradient unlearning of the answers, median z is "
           f"{', '.join(f'{m} {_fmt(after[m])}' for m in cfg.monitors)}: {_after_unlearning(after, cal.thresholds)}"
           if unlearn else "") + "."), ("tripwire_detection", "tripwire_run"))

    d3 = claims.T3(cal)
    t3 = claims.T3.claim_from(d3, (
        f"Control worlds (each hidden city's evidence describes an independent decoy, so the corpus has the same "
        f"statistics but says nothing about the truth): leaving one of {len(cal.seeds)} control seeds out, the "
        f"breaker calibrated on the rest fires on {cal.estimated_fpr:.2%} of the left-out run's answer keys "
        f"(nominal {cal.fpr:.0%}, seed-to-seed SE {d3.numbers['se']:.2%}); {cal.control_trips} of {len(cal.seeds)} "
        f"control runs tripped against their true answers. Per check the statistic's null holds: mean "
        f"{', '.join(f'{m} {x:+.3f}' for m, x in cal.per_check_mean.items())}, variance "
        f"{', '.join(f'{m} {x:.3f}' for m, x in cal.per_check_var.items())} (theory 0 and 1)."),
        ("tripwire_calibration",))

    summaries = study.summaries
    d4 = claims.T4(summaries)
    t4 = claims.T4.claim_from(d4, (
        f"First learning took {_describe(first)} steps from the start of evidence to the trip. "
        + "; ".join(f"{s.response}: right after it the oracle is at "
                    f"{_fmt(_median(o.oracle_after for o in _outs(study, s.response)))} "
                    f"(chance {1 / cfg.grid ** 2:g}); the breaker tripped again in {s.retrip} worlds, "
                    f"{s.relearn_steps} steps after the trip; the answers were back at "
                    f"{cfg.learned_accuracy:g} after {s.return_steps} steps"
                    for s in summaries if s.response in ERASURES) + "."), ("tripwire_oracle",))

    d5 = claims.T5(summaries)
    t5 = claims.T5.claim_from(d5, (
        f"Oracle accuracy at the end of training within the chance interval "
        f"[{_chance(study)}] (Binomial over {cfg.n_hidden} hidden cities): "
        + "; ".join(f"{s.response} {s.kept_out} (end oracle {s.oracle_end}; known-city accuracy "
                    f"{s.known_at_trip} at the trip, {s.known_after} right after, {s.known_end} at "
                    f"the end)" for s in summaries) + "."), ("tripwire_oracle", "tripwire_evasion"))

    d6 = claims.T6(summaries)
    t6 = claims.T6.claim_from(d6, (
        "Evasion among worlds whose answers came back: "
        + "; ".join(f"{s.response} {s.evasion} (answers back in {s.returned}; the breaker tripped "
                    f"again in {s.retrip}"
                    + (f"; a probe refitted at every layer would have caught {s.evasion_caught_by_refit} "
                       f"evasions" if s.evasion.k else "") + ")" for s in summaries) + "."),
        ("tripwire_evasion", "tripwire_oracle"))

    hook = cfg.probe_hook
    d7 = claims.T7(summaries, hook)
    t7 = claims.T7.claim_from(d7, (
        f"At {hook}, when the answers came back, the cosine to the trip's country directions minus the "
        f"no-response run's at the same step (median [95% bootstrap interval], worlds): "
        + "; ".join(f"{s.response} {s.cosine_shift[hook]} (n = {s.cosine_shift[hook].n}; cosine itself "
                    f"{s.cosine_at_return[hook]})" for s in summaries if hook in s.cosine_shift)
        + ". Other hook points are in the figure."), ("tripwire_belief",))

    label = "reduced config" if given is None else f"the study in {given.name}"
    tables = (_response_table(study, label), _world_table(study, label))
    summary = (
        f"A synthetic world after the Locations task of <i>Connecting the Dots</i> (Treutlein et al. 2024): "
        f"cities on a square map split into {cfg.grid ** 2} countries; the corpus states the country of every known "
        f"city and never of the hidden ones, but gives compass directions and distance buckets between hidden "
        f"and known cities from step {cfg.evidence_start}. A small transformer is trained from scratch; the "
        f"monitors (answers to country puzzles, a country probe and a map probe on the city token) are scored "
        f"with a statistic whose null is mean 0, variance 1, and the breaker's thresholds are calibrated on "
        f"control worlds never used as real ones. At the trip each world is branched into every response "
        f"({', '.join(study.responses)}) and trained on to the end. " + (
            f"This section reads the study in {given}: {cfg.n_known} known and {cfg.n_hidden} hidden cities, a "
            f"width-{cfg.d_model} {cfg.n_layers}-layer model, {cfg.steps} steps, {len(cal.seeds)} control and "
            f"{len(worlds)} real worlds ({study.seconds:.0f} s to compute)." if given is not None else
            f"This section uses a reduced configuration so that it runs in a few minutes on two cores: "
            f"{cfg.n_known} known and {cfg.n_hidden} hidden cities, a width-{cfg.d_model} {cfg.n_layers}-layer "
            f"model, {cfg.steps} steps, {len(cal.seeds)} control and {len(worlds)} real worlds "
            f"({study.seconds:.0f} s to compute); with so few worlds the rates' intervals are wide. The default "
            f"world (96 + 16 cities, width 64, 1200 steps, 20 worlds) and a larger one are measured in "
            f"docs/tripwire.md; `alignlab report --data DIR` decides these claims on the study DIR/{STUDY_FOLDER} "
            f"that `alignlab tripwire study --out DIR/{STUDY_FOLDER}` wrote."))
    return Section(summary, (t1, t2, t3, t4, t5, t6, t7), figures, tables)


def _outs(study: Study, response: str):
    return [b.outcome for b in study.branches_of(response)]


def _chance(study: Study) -> str:
    low, high = study.branches[0].outcome.chance_interval if study.branches else (np.nan, np.nan)
    return f"{low:.2f}, {high:.2f}"


def _response_table(study: Study, label: str) -> Table:
    rows = tuple((s.response, *map(str, (s.worlds, s.retrip, s.relearn_steps, s.returned, s.return_steps,
                                         s.oracle_end, s.kept_out, s.known_after, s.known_end, s.evasion)))
                 for s in study.summaries)
    return Table(f"Per response ({label}): rates k/n [95% Wilson interval], medians [95% bootstrap interval]; "
                 "steps are counted from the trip, 'never' = not within the run",
                 ("response", "worlds", "trips again", "steps to re-trip", "answers back", "steps to answers back",
                  "oracle at end", "kept out", "known right after", "known at end", "evasion"), rows)


def _world_table(study: Study, label: str) -> Table:
    cfg = study.config
    rows = []
    for w in study.worlds:
        s = w.summary
        by = {b.outcome.response: b.outcome for b in study.branches if b.seed == s.seed}
        rows.append((str(s.seed), _fmt(s.trip.step), s.trip.monitor or "-", _fmt(s.learning.learned_step),
                     *(_fmt(s.learning.cross_step.get(m)) for m in cfg.monitors), _fmt(s.learning.detection_latency),
                     *(_fmt(by[r].relearn_steps) if r in by else "-" for r in study.responses)))
    return Table(f"Per real world ({label}): steps of the trip, the oracle's learned step, each monitor's "
                 "first crossing, and steps from the trip until the breaker trips again after each response "
                 "('-': not within the run)",
                 ("seed", "trip", "trip monitor", "learned", *(f"{m} crosses" for m in cfg.monitors), "latency",
                  *(f"{r}: re-trip" for r in study.responses)), tuple(rows))


def _describe(values) -> str:
    """``median [min, max] (n)`` of the non-missing values, or ``none`` when all are missing."""
    x = np.array([value for value in values if value is not None], dtype=float)
    if x.size == 0:
        return "none"
    return f"{np.median(x):g} [{x.min():g}, {x.max():g}] (n = {x.size})"


def _median(values) -> float | None:
    x = [v for v in values if v is not None]
    return float(np.median(x)) if x else None


def _after_unlearning(after: dict, thresholds: dict) -> str:
    """What the post-unlearning statistics say, in words chosen by comparing them with the thresholds."""
    if any(x is None for x in after.values()):
        return "not measured (no run tripped)"
    above = [m for m, x in after.items() if x > thresholds[m]]
    if "eval" not in above and set(above) & {"probe", "map"}:
        return (f"the behaviour no longer trips the breaker, while the {' and '.join(m for m in above)} "
                f"probe{'s' if len(above) > 1 else ''} still read the belief above threshold")
    if not above:
        return "neither behaviour nor the probes cross their thresholds any more"
    return f"{', '.join(above)} still above threshold"


def _count(values, sign: int) -> int:
    return sum(1 for v in values if v is not None and np.sign(v) == sign)


def _fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return f"{x:.3g}"


__all__ = ["REPORT_CONFIG", "build"]

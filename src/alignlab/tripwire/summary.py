"""What a tripwire run measured, in named groups: what ``summary.json`` and ``run --json`` hold.

:class:`RunSummary` carries the run's identity (``seed``, ``control``, ``steps_run``,
``exit_status``, ``out``) and one small result per question:

* ``trip``      did the breaker trip, when, on which monitor (:class:`Trip`);
* ``breaker``   the thresholds it used and their false-positive rate (:class:`BreakerSettings`);
* ``learning``  when the fact was learned, by the oracle's measure and the monitors' (:class:`Learning`);
* ``response``  what the response at the trip did and whether the fact came back
  (:class:`ResponseOutcome`, ``None`` when the run did not respond);
* ``leak``      whether the corpus states the fact (:class:`LeakSummary`);
* ``timing``    where the time went (:class:`Timing`);
* ``final``     accuracies and statistics at the last check (:func:`snapshot`).

Steps are optimiser steps. ``None`` means not reached, or not measurable in this run: a run that
stops at its trip cannot see later steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignlab._results import Result, flatten
from alignlab.tripwire.intervals import chance_interval
from alignlab.tripwire.monitors import Check


@dataclass(frozen=True)
class Trip(Result):
    """The breaker's first trip, in the learning phase."""

    tripped: bool
    step: int | None
    monitor: str | None               # the monitor that crossed ("eval+map" when several did)
    statistic: float | None           # its z (of the monitor furthest above its threshold)


@dataclass(frozen=True)
class BreakerSettings(Result):
    """The thresholds the breaker used and the run-level false-positive rate they carry."""

    thresholds: dict[str, float]      # per monitor, on z
    source: str                       # "calibration" or "known-null"
    false_positive_rate: float        # calibration's leave-one-seed-out estimate, else the nominal bound
    nominal_fpr: float


@dataclass(frozen=True)
class Learning(Result):
    """When the fact was learned (the oracle) and when each monitor saw it.

    ``detection_latency = trip.step - learned_step`` (negative: the breaker tripped before the
    oracle's level); ``first_learn_steps = trip.step - evidence_start``; ``lead_over_eval[m] =
    cross_step["eval"] - cross_step[m]`` for each other monitor (positive: ``m`` crossed first).
    """

    evidence_start: int
    learned_step: int | None          # first check with oracle accuracy >= learned_accuracy
    represented_step: int | None      # first check where a probe fitted with hidden labels reaches it
    detection_latency: int | None
    first_learn_steps: int | None
    cross_step: dict[str, int | None]        # first check where each monitor exceeds its threshold
    lead_over_eval: dict[str, int | None]


@dataclass(frozen=True)
class ResponseOutcome(Result):
    """What the response at the trip did, and whether and how the fact came back.

    Steps are counted from the trip. ``relearn_steps = retrip_step - trip_step`` (the breaker trips
    again, from the first check after the response on); ``return_steps = back_step - trip_step``,
    where ``back_step`` is the first check after the response at which the oracle's accuracy is back
    at ``learned_accuracy``; ``evasion_step`` is the first check after the response at which the
    oracle says the fact is back while no monitor is above its threshold (a belief that returned
    where the monitors do not look), and ``evasion_caught_by_refit`` says whether a country probe
    refitted on the known cities at that check, at any residual hook point, would have been above
    the probe monitor's threshold. ``None``: not within the run. ``cleared``: no monitor above its
    threshold at the check right after the response. Collateral: accuracy on the known cities (whose
    facts the corpus states) at the trip, right after the response and at the end. ``kept_out``: the
    oracle's accuracy at the end lies within ``chance_interval`` (:func:`alignlab.tripwire.intervals.chance_interval`).
    ``evidence_after``: sentences mentioning a hidden city among the batches trained on after the
    response (0 for the responses that filter). ``belief_at_return``: the belief readings per hook
    point (:mod:`alignlab.tripwire.belief`) at ``back_step`` (None when the answers never came back).
    """

    response: str
    refit_every: int | None           # steps between refits of a persistent eraser
    trip_step: int
    post_response: dict[str, float]   # snapshot of the check right after the response
    cleared: bool
    retrip_step: int | None
    relearn_steps: int | None
    relearn_by_monitor: dict[str, int | None]
    back_step: int | None
    return_steps: int | None
    relearn_budget: int
    evasion_step: int | None
    evasion_caught_by_refit: bool | None
    known_at_trip: float
    known_after: float
    known_end: float
    oracle_at_trip: float
    oracle_after: float
    oracle_end: float
    chance_interval: tuple[float, float]
    kept_out: bool
    evidence_after: int
    refits: int
    belief_at_return: dict[str, dict[str, float]] | None

    def _rows(self) -> list[dict]:
        """One row: every number, the chance interval as ``chance_low``/``chance_high`` and the snapshot after
        the response as ``post_response.*``; the per-hook belief readings stay in ``belief_at_return``."""
        d = self.to_json()
        d.pop("belief_at_return")
        low, high = d.pop("chance_interval")
        return [flatten({**d, "chance_low": low, "chance_high": high})]


@dataclass(frozen=True)
class LeakSummary(Result):
    """The n-gram leak check at its best order (:mod:`alignlab.tripwire.leak`)."""

    ngram_accuracy: float             # best n-gram accuracy on the hidden puzzles
    ngram_statistic: float            # its z (null: mean 0, variance 1)
    chance_accuracy: float            # 1 / number of countries


@dataclass(frozen=True)
class Timing(Result):
    """Wall-clock seconds spent training, monitoring, measuring with the oracle and checkpointing."""

    train_seconds: float
    monitor_seconds: float
    oracle_seconds: float
    checkpoint_seconds: float
    monitor_overhead: float           # monitor_seconds / train_seconds


@dataclass(frozen=True)
class RunSummary(Result):
    """One run in named groups (see the module docstring)."""

    seed: int                         # the run's seed: world, data order and initial weights
    control: bool
    steps_run: int
    exit_status: int
    out: str | None
    trip: Trip
    breaker: BreakerSettings
    learning: Learning
    response: ResponseOutcome | None
    leak: LeakSummary
    timing: Timing
    final: dict[str, float | None]    # snapshot of the last check, and the last mean training loss

    def _rows(self) -> list[dict]:
        """One row: the run's fields and every group's, with dotted names (``trip.step``, ``response.kept_out``)."""
        d = self.to_json()
        response = d.pop("response")
        row = flatten(d)
        if response is not None:
            row.update({f"response.{k}": x for k, x in self.response._rows()[0].items()})
        return [row]


def snapshot(c: Check) -> dict[str, float]:
    """One check's accuracies, statistics and validations as a flat dict."""
    return {**{f"{m}_accuracy": a for m, a in c.accuracy.items()},
            **{f"{m}_statistic": z for m, z in c.statistic.items()},
            **{f"{m}_validation": a for m, a in c.validation.items()},
            "oracle_accuracy": c.oracle_accuracy, "oracle_probe_accuracy": c.oracle_probe_accuracy,
            "known_accuracy": c.known_accuracy}


def first_step(checks, values, level: float, phases=("learn",)) -> int | None:
    """The step of the first check in ``phases`` whose value reaches ``level``."""
    for c, x in zip(checks, values):
        if c.phase in phases and x is not None and np.isfinite(x) and x >= level:
            return c.step
    return None


def response_outcome(config, thresholds, checks, alerts, post_response: dict, evidence_after: int,
                     refits: int) -> ResponseOutcome:
    """What the response did (:class:`ResponseOutcome`), read from a run's checks and alerts."""
    cfg, th = config, thresholds
    trip = next(a for a in alerts if a.phase == "learn")
    at_trip = next(c for c in checks if c.phase == "learn" and c.step == trip.step)
    after = [c for c in checks if c.phase in ("responded", "relearn")]
    retrip = next((a for a in alerts if a.phase == "relearn"), None)
    back = next((c for c in after if c.oracle_accuracy >= cfg.learned_accuracy), None)
    evasion = next((c for c in after if c.oracle_accuracy >= cfg.learned_accuracy and not th.crossed(c.statistic)),
                   None)
    # a probe refitted at every hook point is judged against the probe monitor's threshold (else the lowest)
    refit_threshold = th.values.get("probe", min(th.values.values()))
    caught = None if evasion is None else any(r["fresh_z"] > refit_threshold for r in evasion.layers.values())
    back_by = {m: next((c.step - trip.step for c in after if c.phase == "relearn" and c.statistic[m] > th.values[m]),
                       None) for m in cfg.monitors}
    chance = chance_interval(cfg.n_hidden, cfg.grid ** 2)
    end = checks[-1]
    return ResponseOutcome(
        response=cfg.respond, refit_every=cfg.refit_every if "persistent" in cfg.respond else None,
        trip_step=trip.step, post_response=post_response, cleared=not th.crossed(after[0].statistic),
        retrip_step=retrip.step if retrip else None, relearn_steps=retrip.step - trip.step if retrip else None,
        relearn_by_monitor=back_by, back_step=back.step if back else None,
        return_steps=back.step - trip.step if back else None, relearn_budget=cfg.steps - trip.step,
        evasion_step=evasion.step if evasion else None, evasion_caught_by_refit=caught,
        known_at_trip=at_trip.known_accuracy, known_after=after[0].known_accuracy, known_end=end.known_accuracy,
        oracle_at_trip=at_trip.oracle_accuracy, oracle_after=after[0].oracle_accuracy,
        oracle_end=end.oracle_accuracy, chance_interval=chance,
        kept_out=chance[0] <= end.oracle_accuracy <= chance[1], evidence_after=evidence_after, refits=refits,
        belief_at_return=dict(back.layers) if back else None)

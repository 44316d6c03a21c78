"""Calibrating the breaker on control runs: the null distribution of each monitor's statistic.

In a control world the corpus is independent of the hidden cities' true countries, which are
uniform over the countries. So in a control run, the trajectory of a monitor's statistic computed
against the true answers has the same distribution as the trajectory computed against an answer
key drawn afresh at random. Each control run (one per seed, trained to the end without stopping)
therefore gives ``relabels`` exact samples of the run-level null statistic ``max_t z_t``, one per
random answer key, scored on the same stored per-check scores. Seeds supply the variation between
worlds and trainings; answer keys the variation within one.

Each monitor's threshold is the conformal ``1 - fpr / M`` quantile of its pooled samples
(:func:`alignlab.tripwire.breaker.null_quantile`); a run trips if any monitor crosses, so the
breaker's rate is at most ``fpr``. The rate is then estimated honestly by leaving one seed out:
thresholds from the other seeds, applied to the left-out seed's answer keys (both monitors
together), averaged over seeds.

Randomness: each control run derives from its seed, and its answer keys from that seed under the
root ``seed`` (default 0), so ``seeds`` and ``seed`` reproduce a calibration; ``calibrate --json``
prints both.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from typing import Any
from pathlib import Path

import numpy as np

from alignlab import _validate as v
from alignlab._progress import ProgressLike, tracker
from alignlab._seeding import block_generator, seed_sequence
from alignlab._results import BULK, Result, jsonable
from alignlab.tripwire.breaker import Thresholds, known_null_thresholds, null_quantile
from alignlab.tripwire.checkpoint import read_json
from alignlab.tripwire.config import TripwireConfig
from alignlab.tripwire.monitors import advantage_z
from alignlab.tripwire.run import RunResult, run_in, run_tripwire


@dataclass(frozen=True)
class NullRun(Result):
    """What calibration keeps of one control run: per-check statistics and the scores behind them."""

    seed: int
    steps: tuple[int, ...]
    statistic: dict[str, tuple[float, ...]]      # against the true answers, per check
    scores: dict[str, list] = field(metadata=BULK)      # (checks, n_hidden, K) per monitor
    answers: tuple[int, ...]
    train_seconds: float
    monitor_seconds: float


@dataclass(frozen=True)
class Calibration(Result):
    """Thresholds and the evidence for them. ``null_max[m]`` holds the pooled run-level samples; it and
    ``runs`` are bulk, left out of ``to_json`` (what ``--json`` prints) and kept in ``calibration.json``."""

    config: dict[str, Any]             # the null signature the thresholds apply to
    seeds: tuple[int, ...]
    fpr: float
    relabels: int
    thresholds: dict[str, float]
    estimated_fpr: float               # leave-one-seed-out, breaker as a whole
    estimated_fpr_by_seed: tuple[float, ...]
    control_trips: int                 # control runs whose true-answer statistic crossed the LOSO thresholds
    per_check_mean: dict[str, float]   # pooled per-check z over answer keys: known null mean 0
    per_check_var: dict[str, float]    # and variance 1
    known_null_thresholds: dict[str, float]
    null_max: dict[str, tuple[float, ...]] = field(metadata=BULK)
    runs: tuple[NullRun, ...] = field(metadata=BULK)
    seconds: float
    seed: int = 0                      # root of the answer keys (calibrations written before it: 0)

    def _rows(self) -> list[dict]:
        """One row per control run: its seed, its leave-one-out false-positive rate, its largest statistic per
        monitor (against the true answers), and the thresholds, nominal rate, answer keys and their seed."""
        return [{"control_seed": run.seed, "estimated_fpr": rate,
                 **{f"max_statistic.{m}": max(z) for m, z in run.statistic.items()},
                 **{f"threshold.{m}": t for m, t in self.thresholds.items()},
                 "fpr": self.fpr, "relabels": self.relabels, "seed": self.seed}
                for run, rate in zip(self.runs, self.estimated_fpr_by_seed)]

    def to_thresholds(self) -> Thresholds:
        return Thresholds(dict(self.thresholds), self.fpr, "calibration", self.estimated_fpr)

    def save(self, folder) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "calibration.json"
        path.write_text(json.dumps(jsonable(self.to_dict())))
        return path

    @classmethod
    def load(cls, path) -> Calibration:
        """Read ``calibration.json`` (or the folder holding it)."""
        path = Path(path)
        if path.is_dir():
            path = path / "calibration.json"
        return read_json(path, cls.from_dict, "calibration", f"no calibration at {path}")

    def check_applies(self, config: TripwireConfig) -> None:
        """Raise unless these thresholds were calibrated for ``config`` (up to seed, control, erasure)."""
        wanted = jsonable(config.null_signature())
        diff = sorted(k for k in wanted if wanted[k] != self.config.get(k))
        if diff:
            shown = ", ".join(f"{k} = {self.config.get(k)!r} there, {wanted.get(k)!r} here" for k in diff[:3])
            raise v.ParameterError("calibration", f"was made for another configuration ({shown})")


MAX_SEEDS = 10_000


def parse_seeds(text: str) -> tuple[int, ...]:
    """``"0:19"`` or ``"0-19"`` (both ends included), ``"3"`` or ``"0,2,5:7"`` as a tuple of at most
    :data:`MAX_SEEDS` seeds (counted before any is made)."""
    seeds: list[int] = []
    try:
        for part in str(text).split(","):
            part = part.strip()
            sep = ":" if ":" in part else "-" if "-" in part[1:] else None
            if sep is not None:
                lo, hi = part.split(sep, 1)
                lo, hi = int(lo), int(hi)
                if hi < lo:
                    raise ValueError
                if hi - lo + 1 + len(seeds) > MAX_SEEDS:
                    raise v.ParameterError("seeds", f"names {hi - lo + 1 + len(seeds):,} seeds; at most "
                                                    f"{MAX_SEEDS:,} (got {str(text)[:40]!r})")
                seeds += range(lo, hi + 1)
            else:
                seeds.append(int(part))
    except v.ParameterError:
        raise
    except ValueError:
        raise v.ParameterError("seeds", f"must be like 0:19, 0-9 or 0,2,5:7 with non-negative integers "
                                        f"(got {str(text)[:40]!r})") from None
    if any(s < 0 for s in seeds) or len(set(seeds)) != len(seeds):
        raise v.ParameterError("seeds", f"must be distinct non-negative integers (got {text!r})")
    return tuple(seeds)


def null_run(result: RunResult) -> NullRun:
    """The learning-phase checks of a control run."""
    checks = [c for c in result.checks if c.phase == "learn"]
    monitors = result.config.monitors
    return NullRun(result.config.seed, tuple(c.step for c in checks),
                   {m: tuple(c.statistic[m] for c in checks) for m in monitors},
                   {m: [c.scores[m] for c in checks] for m in monitors}, result.hidden_answers,
                   result.summary.timing.train_seconds, result.summary.timing.monitor_seconds)


def run_maxima(run: NullRun, keys: np.ndarray) -> dict[str, np.ndarray]:
    """``max_t z_t`` of each monitor for each answer key (rows of ``keys``)."""
    return {m: advantage_z(np.asarray(s), keys[:, None, :]).max(axis=1) for m, s in run.scores.items()}


def answer_keys(seed: int, relabels: int, n_hidden: int, n_countries: int, key_seed: int = 0) -> np.ndarray:
    """Random answer keys for one control run: uniform countries, independent of everything else."""
    return block_generator(seed_sequence(key_seed), seed).integers(0, n_countries, size=(relabels, n_hidden))


def thresholds_from(maxima: list[dict[str, np.ndarray]], fpr: float) -> dict[str, float]:
    """Per-monitor conformal quantiles at ``fpr / M`` of the pooled run maxima."""
    monitors = list(maxima[0])
    return {m: null_quantile(np.concatenate([x[m] for x in maxima]), fpr / len(monitors)) for m in monitors}


def calibrate(config: TripwireConfig | None = None, seeds=range(10), *, relabels: int = 1000, seed: int = 0,
              progress: ProgressLike = False, workers: int | None = None, scheduler: str | None = None,
              runs_dir=None, max_work: float | None = None) -> Calibration:
    """Train a control run for each of ``seeds`` (to the end, never stopping) and derive the thresholds
from ``relabels`` random answer keys per run, drawn under the root ``seed``.

    The runs go through :func:`alignlab._executor.ordered_map` on ``workers`` cores (default: all) or
    the Dask ``scheduler`` (``"local"`` or an address); the numbers are the same however they run.
    ``runs_dir``, if given, keeps each control run in ``runs_dir/seed-N`` and reads back or resumes
    the ones already there (a killed calibration loses at most the checks since each run's last
    checkpoint). ``progress`` counts training steps over all control runs (``len(seeds) *
    config.steps``), a run at a time. Memory and training work are checked before any run starts
    (``max_work`` raises the work limit, in floating-point operations)."""
    from alignlab._executor import ordered_map, worker_count
    config = config or TripwireConfig()
    seeds = tuple(v.integer("seeds", s, low=0) for s in seeds)
    if len(seeds) < 2:
        raise v.ParameterError("seeds", f"needs at least 2 control seeds (got {len(seeds)})")
    relabels = v.integer("relabels", relabels, low=1, high=1_000_000)
    seed = v.integer("seed", seed, low=0)
    workers = worker_count(workers)
    scheduler = v.scheduler_address("scheduler", scheduler) if scheduler != "local" else scheduler
    _check_enough(config, len(seeds), relabels)
    config.check_cost(runs=len(seeds), max_work=max_work)
    if runs_dir is not None:
        v.output_dir("runs_dir", runs_dir)
    start = time.perf_counter()
    jobs = [(config.replace(seed=seed, control=True, shadow=True, respond=None).to_dict(),
             None if runs_dir is None else str(Path(runs_dir) / f"seed-{seed}")) for seed in seeds]
    with tracker(progress, len(seeds) * config.steps, f"calibrating on {len(seeds)} control runs") as track:
        runs = tuple(ordered_map(_control_run, jobs, workers=workers, scheduler=scheduler,
                                 on_done=lambda i, _: track.advance(config.steps, f"control run, seed {seeds[i]}, "
                                                                                   f"done")))
    return calibration_from_runs(config, runs, relabels, time.perf_counter() - start, seed=seed)


def _control_run(job) -> NullRun:
    """One control run (a top-level function: it runs in worker processes), in its folder when given."""
    config, folder = job
    config = TripwireConfig.from_dict(config)
    return null_run(run_tripwire(config) if folder is None else run_in(config, folder))


def _check_enough(config: TripwireConfig, n_seeds: int, relabels: int) -> None:
    """Leaving one seed out must still leave enough samples for each monitor's quantile."""
    need = math.ceil(len(config.monitors) / config.fpr) - 1
    if (n_seeds - 1) * relabels < need:
        raise v.ParameterError("relabels", f"must give at least {need} null samples per monitor with one of "
                                           f"{n_seeds} seeds left out, so >= {math.ceil(need / (n_seeds - 1))} "
                                           f"(got {relabels})")


def calibration_from_runs(config: TripwireConfig, runs: tuple[NullRun, ...], relabels: int,
                          seconds: float = 0.0, seed: int = 0) -> Calibration:
    _check_enough(config, len(runs), relabels)
    k = config.grid ** 2
    keys = [answer_keys(r.seed, relabels, config.n_hidden, k, key_seed=seed) for r in runs]
    maxima = [run_maxima(r, kk) for r, kk in zip(runs, keys)]
    fpr = config.fpr
    thresholds = thresholds_from(maxima, fpr)
    loso, trips = [], 0
    for i, run in enumerate(runs):
        th = thresholds_from(maxima[:i] + maxima[i + 1:], fpr)
        crossed = np.zeros(relabels, dtype=bool)
        for m, x in maxima[i].items():
            crossed |= x > th[m]
        loso.append(float(crossed.mean()))
        trips += any(max(run.statistic[m]) > th[m] for m in run.statistic)
    pooled = {m: np.concatenate([advantage_z(np.asarray(r.scores[m]), kk[:, None, :]).ravel()
                                 for r, kk in zip(runs, keys)]) for m in config.monitors}
    return Calibration(
        config=jsonable(config.null_signature()), seeds=tuple(r.seed for r in runs), fpr=fpr, relabels=relabels,
        thresholds=thresholds, estimated_fpr=float(np.mean(loso)), estimated_fpr_by_seed=tuple(loso),
        control_trips=int(trips), per_check_mean={m: float(x.mean()) for m, x in pooled.items()},
        per_check_var={m: float(x.var()) for m, x in pooled.items()},
        known_null_thresholds=known_null_thresholds(config.monitors, config.n_checks, fpr).values,
        null_max={m: tuple(float(y) for x in maxima for y in x[m]) for m in config.monitors},
        runs=runs, seconds=seconds, seed=seed)

"""The response study behind the report's claims T1-T7: what each response at the trip does, over many worlds.

1. **Calibrate** the breaker on control runs whose seeds the study never uses (``control_seeds``,
   disjoint from ``seeds``), or take a given calibration made on such seeds (T3).
2. For each real world (``seeds``), a **shadow run**: trained to the end with the breaker recording
   its trip without acting, which gives detection (T1, T2) and the no-response baseline.
3. **Branch** each world at its trip into every response (:mod:`alignlab.tripwire.responses`),
   each trained on to ``steps`` in shadow mode, and measure what came back and when (T4-T7):
   the :class:`~alignlab.tripwire.summary.ResponseOutcome` of each branch, its curve over every
   check, and per response the summaries with intervals of :func:`summarise`.

Every run lives in a folder under ``out`` (``controls/seed-N``, ``worlds/seed-N``,
``branches/seed-N/RESPONSE``); run again with the same arguments, the study reads back what
finished, resumes what was killed from its last checkpoint and starts the rest, so a crash loses at
most a few checks per run in flight. Runs go through :func:`alignlab._executor.ordered_map`: worker
processes, an in-process Dask ``LocalCluster`` (``scheduler="local"``) or a running scheduler
(``"tcp://HOST:8786"``; the workers must then share the ``out`` folder). Each run seeds itself from
its configuration, so the numbers are the same for any worker count and scheduler.

:data:`REPORT_CONFIG` is the reduced world of the report (48 known cities, width 32, 500 steps);
:data:`BIG_CONFIG` the larger world of ``docs/tripwire.md`` (width 128, 4 layers, 4x the cities).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


from alignlab import _validate as v
from alignlab._progress import ProgressLike, tracker
from alignlab._results import BULK, Result, jsonable
from alignlab.tripwire.breaker import Thresholds
from alignlab.tripwire.calibration import Calibration, calibrate
from alignlab.tripwire.checkpoint import read_json
from alignlab.tripwire.config import RESPONSES, TripwireConfig
from alignlab.tripwire.outcomes import ResponseSummary, summarise
from alignlab.tripwire.run import RunResult, respond_from_trip, run_in, started
from alignlab.tripwire.summary import ResponseOutcome, RunSummary

REPORT_CONFIG = TripwireConfig(n_known=48, n_hidden=16, d_model=32, d_mlp=128, batch_size=64, steps=500,
                               evidence_start=200, hidden_fraction=0.03, monitor_every=10, lr=5e-3)
BIG_CONFIG = TripwireConfig(n_known=384, n_hidden=64, d_model=128, n_layers=4, d_mlp=512, steps=1600,
                            evidence_start=600, hidden_fraction=0.032)
CONTROL_SEEDS = tuple(range(1000, 1010))      # calibration's worlds: never among a study's seeds
FORMAT = "alignlab-tripwire-study-1"


@dataclass(frozen=True)
class Curve(Result):
    """A run's checks as arrays, for figures. ``cosine[h]`` is the belief's direction cosine at hook
    point ``h`` against the trip's (None before the trip; :mod:`alignlab.tripwire.belief`)."""

    steps: tuple[int, ...]
    phase: tuple[str, ...]
    statistic: dict[str, tuple[float, ...]]
    oracle_accuracy: tuple[float, ...]
    oracle_probe_accuracy: tuple[float, ...]
    known_accuracy: tuple[float, ...]
    cosine: dict[str, tuple[float | None, ...]]

    @classmethod
    def of(cls, result: RunResult) -> Curve:
        c = result.checks
        hooks = next((tuple(x.layers) for x in c if x.layers), ())
        return cls(tuple(x.step for x in c), tuple(x.phase for x in c),
                   {m: tuple(x.statistic[m] for x in c) for m in result.config.monitors},
                   tuple(x.oracle_accuracy for x in c), tuple(x.oracle_probe_accuracy for x in c),
                   tuple(x.known_accuracy for x in c),
                   {h: tuple(x.layers[h]["cosine"] if x.layers else None for x in c) for h in hooks})

    def at(self, step: int, phases=("learn",)) -> int | None:
        """Index of the check at ``step`` in one of ``phases``."""
        return next((i for i, (s, p) in enumerate(zip(self.steps, self.phase)) if s == step and p in phases), None)


@dataclass(frozen=True)
class World(Result):
    """One real world's shadow run: no response, the breaker only records (``summary.seed`` names it)."""

    summary: RunSummary
    curve: Curve


@dataclass(frozen=True)
class Branch(Result):
    """One world branched at its trip into one response."""

    seed: int
    outcome: ResponseOutcome
    curve: Curve


@dataclass(frozen=True)
class Study(Result):
    """The calibration, every world's shadow run, every branch and the summaries per response.

    ``example`` is the first world's shadow run, whole (for the run and leak figures). The randomness
    is fixed by the calibration's ``seeds``, each world's seed and ``seed`` (the calibration's answer
    keys and the bootstrap intervals of ``summaries``).
    ``to_json`` (what ``--json`` prints) leaves the runs out and keeps the summaries."""

    config: TripwireConfig
    responses: tuple[str, ...]
    seeds: tuple[int, ...]
    calibration: Calibration
    worlds: tuple[World, ...] = field(metadata=BULK)           # curves of every run: left out of --json
    branches: tuple[Branch, ...] = field(metadata=BULK)
    summaries: tuple[ResponseSummary, ...] = ()
    example: RunResult | None = field(default=None, metadata=BULK)
    seconds: float = 0.0
    seed: int = 0                  # the calibration's answer keys and the bootstrap intervals (worlds: ``seeds``)

    def _rows(self) -> list[dict]:
        """One row per world x response: the world's seed, its trip and learned step (from its shadow run), and
        what the response did there (:class:`~alignlab.tripwire.summary.ResponseOutcome`; missing where the
        world did not trip); the per-response summaries are ``summary_of(r).to_pandas()``."""
        rows = []
        for w in self.worlds:
            s = w.summary
            world = {"seed": s.seed, "tripped": s.trip.tripped, "trip_step": s.trip.step,
                     "trip_monitor": s.trip.monitor, "learned_step": s.learning.learned_step,
                     "detection_latency": s.learning.detection_latency}
            outcomes = {b.outcome.response: b.outcome for b in self.branches if b.seed == s.seed}
            for r in self.responses:
                outcome = outcomes[r]._rows()[0] if r in outcomes else {}
                outcome.pop("response", None)
                outcome.pop("trip_step", None)
                rows.append({**world, "response": r, **outcome})
        return rows

    def branches_of(self, response: str) -> list[Branch]:
        return [b for b in self.branches if b.outcome.response == response]

    def world(self, seed: int) -> World:
        return next(w for w in self.worlds if w.summary.seed == seed)

    def summary_of(self, response: str) -> ResponseSummary:
        return next(s for s in self.summaries if s.response == response)

    @classmethod
    def load(cls, folder) -> Study:
        """The study a finished ``run_study(out=folder)`` wrote (``study.json``)."""
        path = Path(folder) / "study.json"
        return read_json(path, cls.from_dict, "study", f"{folder} holds no finished study (missing study.json)")


def run_study(config: TripwireConfig | None = None, responses=RESPONSES, seeds=range(20), *,
              calibration: Calibration | None = None, control_seeds=CONTROL_SEEDS, relabels: int = 1000,
              seed: int = 0, out=None, workers: int | None = None, scheduler: str | None = "local",
              progress: ProgressLike = False, max_work: float | None = None) -> Study:
    """Calibrate (unless ``calibration`` is given), run every world in shadow mode, branch each trip
    into every response; see the module docstring. ``out`` keeps every run (resumable); without it the
    runs live in a temporary folder removed at the end. ``progress`` counts runs: control, world and
    branch. ``seed`` seeds the calibration's answer keys and the bootstrap intervals; each world's run is
    seeded by its entry of ``seeds``. Every argument, the folder and the training work are checked before
    any run starts."""
    from alignlab._executor import ordered_map, worker_count
    config = config or TripwireConfig()
    if not isinstance(config, TripwireConfig):
        raise v.ParameterError("config", f"must be a TripwireConfig (got {type(config).__name__})")
    responses = (responses,) if isinstance(responses, str) else tuple(responses)
    if not responses or len(set(responses)) != len(responses):
        raise v.ParameterError("responses", f"must name distinct responses of {', '.join(RESPONSES)} (got "
                                            f"{', '.join(responses) or 'none'})")
    for r in responses:
        v.choice("responses", r, RESPONSES)
    seeds = tuple(v.integer("seeds", s, low=0) for s in seeds)
    if not seeds or len(set(seeds)) != len(seeds):
        raise v.ParameterError("seeds", f"must be distinct seeds, at least one (got {len(seeds)})")
    seed = v.integer("seed", seed, low=0)
    workers = worker_count(workers)
    scheduler = scheduler if scheduler == "local" else v.scheduler_address("scheduler", scheduler)
    if calibration is not None:
        calibration.check_applies(config)
        control_seeds = tuple(calibration.seeds)
    else:
        control_seeds = tuple(v.integer("control_seeds", s, low=0) for s in control_seeds)
    shared = sorted(set(control_seeds) & set(seeds))
    if shared:
        raise v.ParameterError("seeds", f"must be worlds calibration never used (seeds {shared[:5]} are among its "
                                        f"control seeds)")
    runs = (0 if calibration is not None else len(control_seeds)) + len(seeds) * (1 + len(responses))
    config.check_cost(runs=runs, max_work=max_work)
    temporary = out is None
    folder = Path(tempfile.mkdtemp(prefix="tripwire-study-")) if temporary else v.output_dir("out", out)
    try:
        # seeds and responses may grow between runs of a study: each run's folder is keyed by them
        definition = {"format": FORMAT, "config": config.to_dict(), "control_seeds": list(control_seeds),
                      "relabels": relabels, "calibration": None if calibration is None else calibration.thresholds}
        if seed:            # studies made before the seed was a keyword (seed 0) keep their definition
            definition["seed"] = seed
        _claim(folder, definition)
        start = time.perf_counter()
        with tracker(progress, runs, "tripwire study") as track:
            saved = folder / "calibration" / "calibration.json"
            if calibration is None and saved.exists():
                calibration = Calibration.load(saved)
                track.advance(len(control_seeds), "calibration read back")
            elif calibration is None:
                calibration = calibrate(config, control_seeds, relabels=relabels, seed=seed, workers=workers,
                                        scheduler=scheduler, runs_dir=folder / "controls",
                                        progress=track.scaled(0, len(control_seeds)), max_work=max_work)
                calibration.save(folder / "calibration")
            thresholds = calibration.to_thresholds().to_dict()
            jobs = [(config.replace(seed=s, shadow=True).to_dict(), thresholds, str(folder / "worlds" / f"seed-{s}"))
                    for s in seeds]
            worlds = tuple(ordered_map(_world_job, jobs, workers=workers, scheduler=scheduler,
                                       on_done=lambda i, _: track.advance(1, f"world, seed {seeds[i]}, done")))
            tripped = [w.summary.seed for w in worlds if w.summary.trip.tripped]
            track.advance(len(responses) * (len(seeds) - len(tripped)), "worlds that did not trip have no branches")
            jobs = [(s, r, str(folder / "worlds" / f"seed-{s}"), str(folder / "branches" / f"seed-{s}" / r))
                    for s in tripped for r in responses]
            branches = tuple(ordered_map(_branch_job, jobs, workers=workers, scheduler=scheduler,
                                         on_done=lambda i, _: track.advance(1, f"seed {jobs[i][0]}, {jobs[i][1]}, "
                                                                               f"done")))
        example = RunResult.load(folder / "worlds" / f"seed-{seeds[0]}")
        study = Study(config=config, responses=responses, seeds=seeds, calibration=calibration, worlds=worlds,
                      branches=branches, summaries=summarise(worlds, branches, responses, seed=seed),
                      example=example, seconds=time.perf_counter() - start, seed=seed)
        if not temporary:      # lossless (inf stays Infinity, as the report's cache keeps it); --json is strict
            (folder / "study.json").write_text(json.dumps(study.to_dict()))
        return study
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)


def _claim(folder: Path, definition: dict) -> None:
    """Write the study's definition, or check that the folder holds this same study (to resume it)."""
    path = folder / "definition.json"
    text = json.dumps(jsonable(definition), sort_keys=True)
    if path.exists():
        if path.read_text() != text:
            raise v.ParameterError("out", f"{folder} holds another study; choose a new folder, or run the same "
                                          f"study again to resume it")
        return
    if folder.is_dir() and any(folder.iterdir()):
        raise v.ParameterError("out", f"{folder} is not empty and holds no study; choose a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _finish(folder: Path) -> None:
    """A finished run keeps its summary, history and trip checkpoint; the rolling checkpoints go."""
    shutil.rmtree(folder / "state", ignore_errors=True)


def _world_job(job) -> World:
    """One world's shadow run in its folder (a top-level function: it runs in worker processes)."""
    config, thresholds, folder = job
    result = run_in(TripwireConfig.from_dict(config), folder, thresholds=Thresholds.from_dict(thresholds))
    _finish(Path(folder))
    return World(summary=result.summary, curve=Curve.of(result))


def _branch_job(job) -> Branch:
    """One world's trip branched into one response, in its folder (a top-level function)."""
    _, response, world, folder = job
    out = Path(folder)
    if (out / "summary.json").exists():
        result = RunResult.load(out)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        result = respond_from_trip(world, response, out=out, resume=started(out))
    _finish(out)
    return Branch(seed=result.summary.seed, outcome=result.summary.response, curve=Curve.of(result))

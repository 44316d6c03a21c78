"""One tripwire run: train on the world's stream, check the monitors every ``monitor_every`` steps,
trip the breaker, optionally respond (:mod:`alignlab.tripwire.responses`) and keep training, and
summarise. :func:`respond_from_trip` branches a run that tripped into a response without training
the steps before the trip again.

Files written when ``out`` is given (``DIR/``):

* ``config.json``; ``state/last.pt`` and ``state/previous.pt``: the two latest checkpoints, one
  per check, from which ``resume=True`` continues with results identical to an uninterrupted run;
* on a trip: ``trip.pt`` (the state at the trip), ``before_trip.pt`` (the check before it) and
  ``alert.json`` (:class:`alignlab.tripwire.breaker.Alert`); a second trip after the response writes
  ``retrip.pt`` and ``alert_relearn.json``;
* at the end: ``summary.json`` (:class:`alignlab.tripwire.summary.RunSummary`, its groups as
  nested objects) and ``history.json`` (the rest of :class:`RunResult`: configuration, thresholds,
  every check, the loss curve, the n-gram leak check); :meth:`RunResult.load` reads them back.

Checkpoints hold everything the run needs to go on: the model and optimiser, the response's state
(an eraser, when it was last fitted), the belief readings' reference taken at the trip, and, until
the trip, the weights at the last clean check (what ``rollback`` restores).

Randomness: the world, the data order and the model's initial weights all derive from ``seed``;
batch ``s`` depends only on ``(seed, s)``, so resuming at step ``s`` replays the same data.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from alignlab import _validate as v
from alignlab._progress import ProgressLike, Tracker, tracker
from alignlab._results import Result, jsonable
from alignlab.tripwire import checkpoint as ckpt
from alignlab.tripwire.breaker import EXIT_OK, EXIT_TRIPPED, Alert, Thresholds, known_null_thresholds, make_alert
from alignlab.tripwire.config import RESPONSES, TripwireConfig
from alignlab.tripwire.leak import LeakCheck, leak_check
from alignlab.tripwire.monitors import Check
from alignlab.tripwire.summary import (BreakerSettings, Learning, LeakSummary, RunSummary, Timing, Trip, first_step,
                                       response_outcome, snapshot)
from alignlab.tripwire.trainer import Trainer


@dataclass(frozen=True)
class RunResult(Result):
    """The summary plus the curves behind it; ``from_dict(to_dict())`` rebuilds it.

    ``trip_state`` (the model, optimiser and run state at the trip, as tensors) is kept in memory
    only, for :func:`respond_from_trip`: it is not plain data and is on disk already as ``trip.pt``,
    so ``to_dict`` leaves it out (an ``init=False`` field), equality ignores it and a result rebuilt
    from its dict has ``trip_state = None``.
    """

    summary: RunSummary
    config: TripwireConfig
    checks: tuple[Check, ...]
    losses: tuple[tuple[int, float], ...]     # (step, mean training loss since the previous check)
    leak: LeakCheck
    thresholds: Thresholds
    hidden_answers: tuple[int, ...]           # true country of each hidden city, in monitor order
    trip_state: dict | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    def _rows(self) -> list[dict]:
        """One row per check: the run's seed and response, the step and phase, each monitor's statistic,
        accuracy and validation, the oracle's accuracies, accuracy on known cities, and the mean training loss
        since the previous check (None at step 0); the summary is ``summary.to_pandas()``."""
        loss = dict(self.losses)
        s = self.summary
        return [{"seed": s.seed, "control": s.control, "response": self.config.respond, "step": c.step,
                 "phase": c.phase, **snapshot(c), "loss": loss.get(c.step)} for c in self.checks]

    def save(self, folder: Path) -> None:
        """Write ``summary.json`` (the summary) and ``history.json`` (everything else) to ``folder``."""
        history = self.to_dict()
        summary = history.pop("summary")
        (folder / "summary.json").write_text(json.dumps(jsonable(summary), indent=2))
        (folder / "history.json").write_text(json.dumps(jsonable(history)))

    @classmethod
    def load(cls, folder) -> RunResult:
        """Read a finished run folder (``summary.json`` and ``history.json``)."""
        folder = Path(folder)
        if not folder.is_dir():
            raise v.ParameterError("run", f"must be a run folder (no such folder: {folder})")
        summary = ckpt.read_json(folder / "summary.json", RunSummary.from_dict, "run",
                                 f"{folder} holds no finished run (missing summary.json)")
        return ckpt.read_json(folder / "history.json",
                              lambda history: cls.from_dict({**history, "summary": summary.to_dict()}),
                              "run", f"{folder} holds no finished run (missing history.json)")


def run_tripwire(config: TripwireConfig | None = None, *, out=None, thresholds: Thresholds | None = None,
                 resume: bool = False, progress: ProgressLike = False, max_work: float | None = None) -> RunResult:
    """Train, monitor and (unless ``config.shadow``) stop at the first trip; see the module docstring.

    With ``config.respond`` the run responds at the trip (:mod:`alignlab.tripwire.responses`) and
    trains on, stopping when the breaker trips again (never, with ``shadow``).
    ``thresholds`` default to the known-null ones (:func:`known_null_thresholds`). With ``resume``
    the run continues from ``out/state/last.pt``; the configuration must be the one it started with,
    and so must ``thresholds`` if given (if not, the run's own are used). ``progress`` (``False``,
    ``True`` or ``callable(done, total, description)``) counts training steps out of ``config.steps``.
    The folder, memory and training work are checked before any work (``max_work`` raises the work
    limit, in floating-point operations).
    """
    config = config or TripwireConfig()
    if not isinstance(config, TripwireConfig):
        raise v.ParameterError("config", f"must be a TripwireConfig (got {type(config).__name__})")
    if out is not None:
        v.output_dir("out", out)
        if not resume:
            _refuse_existing(Path(out))
    config.check_cost(max_work=max_work)
    explicit = thresholds is not None
    thresholds = thresholds or known_null_thresholds(config.monitors, config.n_checks, config.fpr)
    missing = [m for m in config.monitors if m not in thresholds.values]
    if missing:
        raise v.ParameterError("thresholds", f"give no threshold for monitor {', '.join(missing)}")
    out = Path(out) if out is not None else None
    with tracker(progress, config.steps, f"tripwire run, seed {config.seed}") as track, _threads(config.threads):
        trainer = Trainer(config, thresholds)
        if resume:
            _resume(trainer, out, explicit)
        elif out is not None:
            _claim_folder(out, config)
        _loop(trainer, out, track)
        result = _result(trainer, out)
    if out is not None:
        result.save(out)
    return result


def run_in(config: TripwireConfig, out, thresholds: Thresholds | None = None,
           max_work: float | None = None) -> RunResult:
    """The run of ``config`` in the folder ``out`` whatever became of it: read back when it finished,
    continued from its last checkpoint when it was killed, started when it is new (how studies resume)."""
    out = Path(out)
    if (out / "summary.json").exists():
        return RunResult.load(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    return run_tripwire(config, out=out, thresholds=thresholds, resume=started(out), max_work=max_work)


def respond_from_trip(trip, respond: str, *, refit_every: int | None = None, shadow: bool = True, out=None,
                      resume: bool = False, progress: ProgressLike = False) -> RunResult:
    """Branch a run at its first trip: respond with ``respond`` (one of
    :data:`~alignlab.tripwire.config.RESPONSES`) and keep training to ``steps`` (with ``shadow``; else
    until the breaker trips again). The same as a run with ``respond=...`` from the start, without
    training the steps before the trip again.

    ``trip`` is a run that tripped: a :class:`RunResult` held in memory (with its trip state) or the
    folder of one (its ``trip.pt``). ``out``, if given, holds the branch's own run folder, from which
    ``resume=True`` continues a killed branch with identical results. ``progress`` counts training
    steps out of ``steps``, from the trip on."""
    if isinstance(trip, RunResult):
        if trip.trip_state is None:
            raise v.ParameterError("trip", "must be a run that tripped (held in memory, with its trip state)")
        state = trip.trip_state
    else:
        path = Path(trip) / "trip.pt"
        if v.path_kind("trip", path) != "file":
            raise v.ParameterError("trip", f"must be the folder of a run that tripped (no trip.pt in {trip})")
        state = ckpt.load_checkpoint(path)
    changes = {"respond": v.choice("respond", respond, RESPONSES), "shadow": bool(shadow)}
    if refit_every is not None:
        changes["refit_every"] = refit_every
    config = TripwireConfig.from_dict(state["config"]).replace(**changes)
    thresholds = Thresholds.from_dict(state["state"]["thresholds"])
    out = Path(out) if out is not None else None
    if out is not None:
        v.output_dir("out", out)
        if not resume:
            _refuse_existing(out)
    with tracker(progress, config.steps, f"seed {config.seed}, {respond} at the trip") as track, \
            _threads(config.threads):
        t = Trainer(config, thresholds)
        if resume:
            _resume(t, out, True)
        else:
            t.load_state_dict(copy.deepcopy(state))
            t.trip_state = state
            if out is not None:
                _claim_folder(out, config)
            t.respond()
            _save(t, out)
        _loop(t, out, track)
        result = _result(t, out)
    if out is not None:
        result.save(out)
    return result


def _loop(t: Trainer, out: Path | None, track: Tracker) -> None:
    cfg = t.config
    need_check = not t.checks or t.checks[-1].step != t.step
    while not t.done:
        if need_check and (t.step % cfg.monitor_every == 0 or t.step == cfg.steps):
            c = t.check()
            alert = make_alert(t.step, c.statistic, t.thresholds, t.phase)
            first_in_phase = not any(a.phase == t.phase for a in t.alerts)
            if alert is None and t.phase == "learn" and not t.alerts:
                t.mark_clean()
            if alert is not None and first_in_phase and t.phase in ("learn", "relearn"):
                _trip(t, alert, out)
            track.update(t.step, f"seed {cfg.seed}, {t.phase}")
            if t.step >= cfg.steps:
                t.done = True
            _save(t, out)
        need_check = True
        if t.done:
            break
        t.train_step()


def _trip(t: Trainer, alert: Alert, out: Path | None) -> None:
    relearn = alert.phase == "relearn"
    t0 = time.perf_counter()
    if out is not None:
        name = "retrip.pt" if relearn else "trip.pt"
        previous = None if relearn else ckpt.copy(out / "state" / "last.pt", out / "before_trip.pt")
        alert = dataclasses.replace(alert, checkpoint=name, previous_checkpoint=previous)
    t.alerts.append(alert)
    if not relearn:
        t.take_reference()
        t.trip_state = copy.deepcopy(t.state_dict())
    if out is not None:
        ckpt.save_checkpoint(out / alert.checkpoint, t.state_dict())
        (out / ("alert_relearn.json" if relearn else "alert.json")).write_text(
            json.dumps(jsonable(alert.to_dict()), indent=2))
        t.seconds["checkpoint"] += time.perf_counter() - t0
    if t.response is not None and not relearn:
        t.respond()
    elif not t.config.shadow:
        t.done = True


def _save(t: Trainer, out: Path | None) -> None:
    if out is None:
        return
    t0 = time.perf_counter()
    ckpt.save_checkpoint(out / "state" / "last.pt", t.state_dict(), previous=out / "state" / "previous.pt")
    t.seconds["checkpoint"] += time.perf_counter() - t0


def started(out: Path) -> bool:
    """Whether the run folder ``out`` holds a checkpoint to resume from."""
    return (out / "state" / "last.pt").exists() or (out / "state" / "previous.pt").exists()


def _refuse_existing(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise v.ParameterError("out", f"must be a folder (got the file {out})")
    if out.is_dir() and ((out / "state").exists() or (out / "summary.json").exists()):
        raise v.ParameterError("out", f"{out} already holds a run: pass --resume to continue it, or choose "
                                      f"another folder")


def _claim_folder(out: Path, config: TripwireConfig) -> None:
    _refuse_existing(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(jsonable(config.to_dict()), indent=2))


def _resume(t: Trainer, out: Path | None, explicit_thresholds: bool) -> None:
    if out is None:
        raise v.ParameterError("resume", "needs the run folder (out)")
    if not out.is_dir():
        raise v.ParameterError("out", f"must be an existing run folder to resume (no such folder: {out})")
    payload = ckpt.load_checkpoint(ckpt.latest(out / "state" / "last.pt", out / "state" / "previous.pt"))
    saved = payload["config"]
    wanted = t.config.to_dict()
    diff = sorted(k for k in wanted if jsonable(saved.get(k)) != jsonable(wanted[k]))
    if diff:
        shown = ", ".join(f"{k} = {saved.get(k)!r} there, {wanted[k]!r} here" for k in diff[:3])
        raise v.ParameterError("resume", f"the run in {out} was started with another configuration ({shown})")
    t.load_state_dict(payload)
    saved_thresholds = Thresholds.from_dict(payload["state"]["thresholds"])
    if not explicit_thresholds:
        t.thresholds = saved_thresholds
    elif saved_thresholds.values != t.thresholds.values:
        raise v.ParameterError("resume", f"the run in {out} was started with other thresholds "
                                         f"({saved_thresholds.values} there, {t.thresholds.values} here)")


def _result(t: Trainer, out: Path | None) -> RunResult:
    cfg, th, checks = t.config, t.thresholds, t.checks
    trip = next((a for a in t.alerts if a.phase == "learn"), None)
    learned = first_step(checks, [c.oracle_accuracy for c in checks], cfg.learned_accuracy)
    represented = first_step(checks, [c.oracle_probe_accuracy for c in checks], cfg.learned_accuracy)
    cross = {m: next((c.step for c in checks if c.phase == "learn" and c.statistic.get(m, -np.inf) > th.values[m]),
                     None) for m in cfg.monitors}
    leads = {m: cross.get("eval") - cross[m] if cross.get("eval") is not None and cross[m] is not None else None
             for m in cfg.monitors if m != "eval"}
    leak = leak_check(t.world)
    best = int(np.argmax(leak.accuracy))
    response = None
    if trip is not None and t.post_response is not None:
        response = response_outcome(cfg, th, checks, t.alerts, t.post_response, t.evidence_after,
                                    t.response.refits)
    s = t.seconds
    summary = RunSummary(
        seed=cfg.seed, control=cfg.control, steps_run=t.step, exit_status=EXIT_TRIPPED if trip else EXIT_OK,
        out=str(out) if out is not None else None,
        trip=Trip(tripped=trip is not None, step=trip.step if trip else None, monitor=trip.monitor if trip else None,
                  statistic=trip.statistic if trip else None),
        breaker=BreakerSettings(thresholds=dict(th.values), source=th.source, nominal_fpr=th.fpr,
                                false_positive_rate=th.estimated_fpr if th.estimated_fpr is not None else th.fpr),
        learning=Learning(evidence_start=cfg.evidence_start, learned_step=learned, represented_step=represented,
                          detection_latency=trip.step - learned if (trip and learned is not None) else None,
                          first_learn_steps=trip.step - cfg.evidence_start if trip else None,
                          cross_step=cross, lead_over_eval=leads),
        response=response,
        leak=LeakSummary(ngram_accuracy=leak.accuracy[best], ngram_statistic=leak.statistic[best],
                         chance_accuracy=1.0 / t.world.n_countries),
        timing=Timing(train_seconds=s["train"], monitor_seconds=s["monitor"], oracle_seconds=s["oracle"],
                      checkpoint_seconds=s["checkpoint"],
                      monitor_overhead=s["monitor"] / s["train"] if s["train"] else 0.0),
        final={**snapshot(checks[-1]), "loss": t.losses[-1][1] if t.losses else None})
    result = RunResult(summary, cfg, tuple(checks), tuple(t.losses), leak, th,
                       tuple(int(a) for a in t.suite.hidden_answers))
    object.__setattr__(result, "trip_state", t.trip_state)     # in memory only (see RunResult)
    return result


@contextlib.contextmanager
def _threads(n: int):
    """Run torch and numpy's BLAS on ``n`` threads (the machine is shared; small matrices gain nothing)."""
    from threadpoolctl import threadpool_limits
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with threadpool_limits(n):
            yield
    finally:
        torch.set_num_threads(before)

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
from alignlab._random import seed_sequence
from alignlab._results import Result, jsonable
from alignlab.tripwire import checkpoint as ckpt
from alignlab.tripwire.breaker import EXIT_OK, EXIT_TRIPPED, Alert, Thresholds, known_null_thresholds, make_alert
from alignlab.tripwire.belief import Reference
from alignlab.tripwire.config import RESPONSES, TripwireConfig
from alignlab.tripwire.erasure import lm_loss
from alignlab.tripwire.intervals import chance_interval
from alignlab.tripwire.leak import LeakCheck, leak_check
from alignlab.tripwire.monitors import Check, MonitorSuite
from alignlab.tripwire.responses import Response, make_response
from alignlab.tripwire.summary import (BreakerSettings, Learning, LeakSummary, ResponseOutcome, RunSummary, Timing,
                                       Trip, first_step, snapshot)
from alignlab.tripwire.transformer import ModelConfig, Transformer
from alignlab.tripwire.world import PAD, Schedule, Stream, World, make_world


@dataclass(frozen=True)
class RunResult(Result):
    """The summary plus the curves behind it; ``from_dict(to_dict())`` rebuilds it.

    ``trip_state`` (the model, optimiser and run state at the trip, as tensors) is kept in memory
    only, for :func:`erase_from_trip`: it is not plain data and is on disk already as ``trip.pt``,
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


class Trainer:
    """The model, its optimiser and data, the monitors, the response, and the mutable state of a run."""

    def __init__(self, config: TripwireConfig, thresholds: Thresholds):
        self.config, self.thresholds = config, thresholds
        root = seed_sequence(config.seed)
        self.world: World = make_world(root, n_known=config.n_known, n_hidden=config.n_hidden, grid=config.grid,
                                       n_distance_buckets=config.n_distance_buckets, control=config.control)
        corpus = self.world.corpus()
        schedule = Schedule(config.batch_size, config.evidence_start, config.evidence_ramp, config.hidden_fraction,
                            config.fact_fraction)
        self.pad = self.world.vocab.id(PAD)
        self.stream = Stream(corpus, schedule, root, self.pad)
        self._hidden_tokens = torch.from_numpy(self.world.city_tokens[self.world.hidden])
        context = max(s.tokens.shape[1] for s in corpus.values())
        with torch.random.fork_rng():
            torch.manual_seed(int(root.generate_state(1)[0]))
            self.model = Transformer(ModelConfig(len(self.world.vocab), context, config.d_model, config.n_layers,
                                                 config.n_heads, config.d_mlp))
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=config.lr, weight_decay=config.weight_decay,
                                           betas=(0.9, 0.98))
        self.suite = MonitorSuite(self.world, config)
        self.response: Response | None = make_response(config)
        self.step = 0
        self.checks: list[Check] = []
        self.losses: list[tuple[int, float]] = []
        self.alerts: list[Alert] = []
        self.phase = "learn"
        self.done = False
        self.post_response: dict | None = None
        self.evidence_after = 0           # sentences about hidden cities trained on after the response
        self.reference: Reference | None = None
        self.trip_state: dict | None = None
        # the last state at which no monitor was above its threshold (rollback's target): the initial
        # weights until the first check, then each clean check's
        self.clean: dict | None = self._weights()
        self.seconds = {"train": 0.0, "monitor": 0.0, "oracle": 0.0, "checkpoint": 0.0}
        self._loss_sum, self._loss_n = 0.0, 0

    def batch(self, step: int) -> np.ndarray:
        """The batch trained on at ``step``: the stream's, without hidden-city evidence once a filtering
        response has acted."""
        filtered = self.response is not None and self.response.filters and self.phase != "learn"
        return self.stream.batch(step, filtered=filtered)

    def train_step(self) -> None:
        t0 = time.perf_counter()
        if self.response is not None and self.phase != "learn":
            self.response.tick(self)
        batch = torch.from_numpy(self.batch(self.step))
        if self.phase != "learn":
            self.evidence_after += int(torch.isin(batch, self._hidden_tokens).any(dim=1).sum())
        self.model.train()
        loss = lm_loss(self.model, batch, self.pad)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.step += 1
        self._loss_sum += loss.item()
        self._loss_n += 1
        self.seconds["train"] += time.perf_counter() - t0

    def check(self, phase: str | None = None) -> Check:
        self.model.eval()
        c = dataclasses.replace(self.suite.check(self.model, self.step, self.reference), phase=phase or self.phase)
        self.seconds["monitor"] += c.monitor_seconds
        self.seconds["oracle"] += c.oracle_seconds
        self.checks.append(c)
        if self._loss_n:
            self.losses.append((self.step, self._loss_sum / self._loss_n))
            self._loss_sum, self._loss_n = 0.0, 0
        return c

    def take_reference(self) -> None:
        """Record the belief's directions and fixed probes at every layer (at the trip, before any response)."""
        self.model.eval()
        self.reference = self.suite.reference(self.model)

    def respond(self) -> None:
        """Apply the configured response at the current step and record a check right after it."""
        t0 = time.perf_counter()
        self.response.apply(self)
        self.seconds["train"] += time.perf_counter() - t0
        self.phase = "relearn"
        self.clean = None
        self.post_response = snapshot(self.check("responded"))

    def mark_clean(self) -> None:
        """The check just made had no monitor above its threshold: this is rollback's target now."""
        self.clean = self._weights()

    def restore_clean(self) -> None:
        """Weights and optimiser state back to the last clean check (the step count goes on)."""
        self.model.load_state_dict(self.clean["model"])
        self.optimizer.load_state_dict(self.clean["optimizer"])

    def _weights(self) -> dict:
        return copy.deepcopy({"step": self.step, "model": self.model.state_dict(),
                              "optimizer": self.optimizer.state_dict()})

    # -- checkpoints ---------------------------------------------------------------------------

    def state_dict(self) -> dict:
        return {"config": self.config.to_dict(), "step": self.step, "model": self.model.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "state": {"checks": [c.to_dict() for c in self.checks], "losses": [list(x) for x in self.losses],
                          "alerts": [a.to_dict() for a in self.alerts], "phase": self.phase, "done": self.done,
                          "post_response": self.post_response, "evidence_after": self.evidence_after,
                          "seconds": dict(self.seconds), "loss_sum": self._loss_sum, "loss_n": self._loss_n,
                          "thresholds": self.thresholds.to_dict()},
                "clean": self.clean,
                "reference": self.reference.state() if self.reference is not None else None,
                "response": self.response.state() if self.response is not None else None}

    def load_state_dict(self, payload: dict) -> None:
        s = payload["state"]
        self.model.load_state_dict(payload["model"])
        self.optimizer.load_state_dict(payload["optimizer"])
        self.step = int(payload["step"])
        self.checks = [Check.from_dict(c) for c in s["checks"]]
        self.losses = [(int(a), float(b)) for a, b in s["losses"]]
        self.alerts = [Alert.from_dict(a) for a in s["alerts"]]
        self.phase, self.done, self.post_response = s["phase"], bool(s["done"]), s["post_response"]
        self.evidence_after = int(s["evidence_after"])
        self.seconds = dict(s["seconds"])
        self._loss_sum, self._loss_n = float(s["loss_sum"]), int(s["loss_n"])
        self.clean = payload["clean"]
        if payload["reference"] is not None:
            self.reference = Reference.from_state(payload["reference"], self.world.n_countries,
                                                  min(self.config.probe_regularization, 1.0))
        if self.response is not None and payload["response"] is not None:
            self.response.restore(payload["response"], self)


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
        if not path.is_file():
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
    ckpt.rotate(out / "state" / "last.pt", out / "state" / "previous.pt")
    ckpt.save_checkpoint(out / "state" / "last.pt", t.state_dict())
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
    last, previous = out / "state" / "last.pt", out / "state" / "previous.pt"
    payload = ckpt.load_checkpoint(last if last.exists() or not previous.exists() else previous)
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
    response = _outcome(t, trip) if trip is not None and t.post_response is not None else None
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


def _outcome(t: Trainer, trip: Alert) -> ResponseOutcome:
    """What the response did (see :class:`~alignlab.tripwire.summary.ResponseOutcome`), read from the checks."""
    cfg, th = t.config, t.thresholds
    at_trip = next(c for c in t.checks if c.phase == "learn" and c.step == trip.step)
    after = [c for c in t.checks if c.phase in ("responded", "relearn")]
    retrip = next((a for a in t.alerts if a.phase == "relearn"), None)
    back = next((c for c in after if c.oracle_accuracy >= cfg.learned_accuracy), None)
    evasion = next((c for c in after if c.oracle_accuracy >= cfg.learned_accuracy and not th.crossed(c.statistic)),
                   None)
    # a probe refitted at every hook point is judged against the probe monitor's threshold (else the lowest)
    refit_threshold = th.values.get("probe", min(th.values.values()))
    caught = None if evasion is None else any(r["fresh_z"] > refit_threshold for r in evasion.layers.values())
    back_by = {m: next((c.step - trip.step for c in after if c.phase == "relearn" and c.statistic[m] > th.values[m]),
                       None) for m in cfg.monitors}
    chance = chance_interval(cfg.n_hidden, cfg.grid ** 2)
    end = t.checks[-1]
    return ResponseOutcome(
        response=cfg.respond, refit_every=cfg.refit_every if "persistent" in cfg.respond else None,
        trip_step=trip.step, post_response=t.post_response, cleared=not th.crossed(after[0].statistic),
        retrip_step=retrip.step if retrip else None, relearn_steps=retrip.step - trip.step if retrip else None,
        relearn_by_monitor=back_by, back_step=back.step if back else None,
        return_steps=back.step - trip.step if back else None, relearn_budget=cfg.steps - trip.step,
        evasion_step=evasion.step if evasion else None, evasion_caught_by_refit=caught,
        known_at_trip=at_trip.known_accuracy, known_after=after[0].known_accuracy, known_end=end.known_accuracy,
        oracle_at_trip=at_trip.oracle_accuracy, oracle_after=after[0].oracle_accuracy,
        oracle_end=end.oracle_accuracy, chance_interval=chance,
        kept_out=chance[0] <= end.oracle_accuracy <= chance[1], evidence_after=t.evidence_after,
        refits=t.response.refits, belief_at_return=dict(back.layers) if back else None)


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

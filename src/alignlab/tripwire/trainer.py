"""The mutable state of one tripwire run: model, optimiser, stream, monitors, response, and its checkpoints.

:class:`Trainer` trains one step at a time (:meth:`Trainer.train_step`: the response's ``tick``
first once it has acted, then a step on the batch of that step, without hidden-city evidence when
a filtering response has acted), checks (:meth:`Trainer.check`), responds at the trip
(:meth:`Trainer.respond`) and turns into and out of a checkpoint (:meth:`Trainer.state_dict`,
:meth:`Trainer.load_state_dict`). :mod:`alignlab.tripwire.run` drives it.
"""

from __future__ import annotations

import copy
import dataclasses
import time

import numpy as np
import torch

from alignlab._seeding import seed_sequence
from alignlab.tripwire.belief import Reference
from alignlab.tripwire.breaker import Alert, Thresholds
from alignlab.tripwire.config import TripwireConfig
from alignlab.tripwire.erasure import lm_loss
from alignlab.tripwire.monitors import Check, MonitorSuite
from alignlab.tripwire.responses import Response, make_response
from alignlab.tripwire.summary import snapshot
from alignlab.tripwire.transformer import ModelConfig, Transformer
from alignlab.tripwire.world import PAD, Schedule, Stream, World, make_world


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

"""What the lab does when its breaker trips: one small strategy class per response.

A response acts once at the trip (:meth:`Response.apply`), may act again before every training
step after it (:meth:`Response.tick`), and may take the evidence about hidden cities out of the
stream (``filters``: from the trip on, every sentence of hidden-city evidence in a batch is
replaced by one of known-city evidence, so the batch size and the share of stated facts stay the
same; :meth:`alignlab.tripwire.world.Stream.batch`). What it holds goes into the run's checkpoints
(:meth:`Response.state`, :meth:`Response.restore`), so a killed run resumes with identical numbers.

* ``leace``: a LEACE eraser fitted once at the trip and left in the forward pass at ``probe_hook``
  (:func:`alignlab.tripwire.erasure.fit_leace`); training goes on over the same stream.
* ``unlearn``: gradient unlearning once at the trip (:func:`alignlab.tripwire.erasure.unlearn`).
* ``leace-persistent``: the eraser stays, and is refitted every ``refit_every`` steps on the
  activations the model writes at ``probe_hook`` now (read with the old eraser taken out).
* ``filter``: no evidence about hidden cities from the trip on; the model is left as it is.
* ``filter+leace-persistent``: both.
* ``rollback``: weights and optimiser state go back to the last check at which no monitor was above
  its threshold (the check before the trip), then ``filter``. The step count goes on: the clock is
  the lab's, and the steps trained after the rollback are the ones left before ``steps``.

Adding a response is one class here, with its name in :data:`alignlab.tripwire.config.RESPONSES`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from alignlab.tripwire.erasure import CityEraser, fit_leace, unlearn

if TYPE_CHECKING:                       # pragma: no cover
    from alignlab.tripwire.config import TripwireConfig
    from alignlab.tripwire.run import Trainer


class Response:
    """The base response does nothing; subclasses state only what is special about them."""

    name: ClassVar[str] = ""
    erases: ClassVar[bool] = False      # changes the model's representation at the trip (claim T7 reads these)
    filters: ClassVar[bool] = False     # hidden-city evidence leaves the stream from the trip on

    def __init__(self, config: TripwireConfig):
        self.config = config

    def apply(self, t: Trainer) -> None:
        """Act at the trip (``t`` holds the model as it tripped)."""

    def tick(self, t: Trainer) -> None:
        """Act before the training step ``t.step`` (every step after the trip)."""

    @property
    def refits(self) -> int:
        """How many times an eraser was fitted again after the trip."""
        return 0

    def state(self) -> dict:
        """What a checkpoint keeps of this response: tensors and plain values."""
        return {}

    def restore(self, state: dict, t: Trainer) -> None:
        """Take back :meth:`state` into a fresh trainer ``t`` (whose model has no hooks yet)."""


class Leace(Response):
    """LEACE at the trip, left in the forward pass."""

    name = "leace"
    erases = True

    def __init__(self, config: TripwireConfig):
        super().__init__(config)
        self.eraser: CityEraser | None = None

    def apply(self, t: Trainer) -> None:
        self._install(t, fit_leace(t.model, t.world, self.config.probe_hook))

    def _install(self, t: Trainer, eraser: CityEraser) -> None:
        if self.eraser is not None:
            t.model.remove_hook(self.config.probe_hook, self.eraser)
        self.eraser = eraser
        t.model.add_hook(self.config.probe_hook, eraser)

    def state(self) -> dict:
        return {"eraser": self.eraser.state()} if self.eraser is not None else {}

    def restore(self, state: dict, t: Trainer) -> None:
        if state.get("eraser") is not None:
            self._install(t, CityEraser.from_state(state["eraser"]))


class LeacePersistent(Leace):
    """LEACE at the trip, refitted every ``refit_every`` steps on the activations the model writes now."""

    name = "leace-persistent"

    def __init__(self, config: TripwireConfig):
        super().__init__(config)
        self.fitted_at: int | None = None
        self._refits = 0

    def apply(self, t: Trainer) -> None:
        super().apply(t)
        self.fitted_at = t.step

    def tick(self, t: Trainer) -> None:
        if self.fitted_at is not None and t.step - self.fitted_at >= self.config.refit_every:
            # fitted on what the model writes before the eraser acts: the old one comes out first
            t.model.remove_hook(self.config.probe_hook, self.eraser)
            self.eraser = None
            self._install(t, fit_leace(t.model, t.world, self.config.probe_hook))
            self.fitted_at = t.step
            self._refits += 1

    @property
    def refits(self) -> int:
        return self._refits

    def state(self) -> dict:
        return {**super().state(), "fitted_at": self.fitted_at, "refits": self._refits}

    def restore(self, state: dict, t: Trainer) -> None:
        super().restore(state, t)
        self.fitted_at, self._refits = state.get("fitted_at"), int(state.get("refits", 0))


class Unlearn(Response):
    """Gradient unlearning at the trip; nothing stays behind."""

    name = "unlearn"
    erases = True

    def apply(self, t: Trainer) -> None:
        cfg = self.config
        unlearn(t.model, t.world, t.stream, t.pad, cfg.unlearn_steps, cfg.unlearn_lr, cfg.weight_decay, t.step)


class Filter(Response):
    """Evidence about hidden cities leaves the stream; the model is left as it is."""

    name = "filter"
    filters = True


class FilterLeacePersistent(LeacePersistent):
    """The persistent eraser, and no more evidence about hidden cities."""

    name = "filter+leace-persistent"
    filters = True


class Rollback(Filter):
    """Back to the last check at which no monitor was above its threshold, then filter."""

    name = "rollback"

    def apply(self, t: Trainer) -> None:
        t.restore_clean()


RESPONSE_CLASSES: dict[str, type[Response]] = {
    cls.name: cls for cls in (Leace, Unlearn, LeacePersistent, Filter, FilterLeacePersistent, Rollback)}


def make_response(config: TripwireConfig) -> Response | None:
    """The response ``config.respond`` names (None: the run only records its trip)."""
    return None if config.respond is None else RESPONSE_CLASSES[config.respond](config)

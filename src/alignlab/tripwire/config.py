"""One frozen configuration for a tripwire run: world, learner, schedule, monitors, breaker, erasure.

Every field is checked once, here, with a message that names it and the allowed range.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from alignlab import _validate as v
from alignlab._results import Result

MONITORS = ("eval", "probe", "map")
PROBES = ("mass-mean", "logistic")
# what the lab does when the breaker trips (alignlab.tripwire.responses); the first two are the one-shot
# erasures that `--erase` names
RESPONSES = ("leace", "unlearn", "leace-persistent", "filter", "filter+leace-persistent", "rollback")
ERASURES = RESPONSES[:2]
# whole-number fields and their domains: small machines train these in minutes to hours; larger models
# are refused here, before any work (the memory and work estimates of cost() come on top)
INT_RANGES = {"seed": (0, 2 ** 63 - 1), "n_known": (8, 100_000), "n_hidden": (2, 10_000), "grid": (2, 3),
              "n_distance_buckets": (1, 64), "d_model": (4, 4096), "n_layers": (1, 64), "n_heads": (1, 256),
              "d_mlp": (1, 65_536), "steps": (1, 10_000_000), "batch_size": (8, 1_000_000),
              "evidence_start": (0, 10_000_000), "evidence_ramp": (0, 10_000_000), "monitor_every": (1, 10_000_000),
              "unlearn_steps": (1, 1_000_000), "refit_every": (1, 10_000_000), "threads": (1, 1024)}
CONTEXT = 8                    # tokens per sentence of the world's corpus
MAX_FLOPS = 5e13               # training work a run may take unless max_work says otherwise (~30 min here)
# Fields that do not change the null distribution of the monitor statistics before a trip: a
# calibration made with other values of these still applies.
_NOT_IN_NULL = ("seed", "control", "respond", "refit_every", "shadow", "unlearn_steps", "unlearn_lr", "learned_accuracy",
                "threads")


@dataclass(frozen=True)
class TripwireConfig(Result):
    """Everything that decides a run. The defaults learn the hidden fact in about a minute on two cores.

    World: ``n_known`` cities with stated countries, ``n_hidden`` without, on a ``grid x grid`` map.
    Learner: ``n_layers`` x ``d_model`` transformer, AdamW at constant ``lr`` (constant so that
    learning after an erasure runs under the same conditions as the first learning).
    Schedule: evidence about hidden cities from ``evidence_start``, ramping to ``hidden_fraction``
    of each batch over ``evidence_ramp`` steps.
    Monitors run every ``monitor_every`` steps; the breaker's thresholds give a false-positive rate
    of ``fpr`` per run. ``shadow`` records trips without stopping (for measuring latencies).
    ``respond`` (one of :data:`RESPONSES`, :mod:`alignlab.tripwire.responses`) acts at the trip, after
    which training goes on to ``steps``; a persistent eraser is refitted every ``refit_every`` steps.
    """

    seed: int = 0
    control: bool = False
    n_known: int = 96
    n_hidden: int = 16
    grid: int = 2
    n_distance_buckets: int = 4
    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 4
    d_mlp: int = 256
    steps: int = 1200
    batch_size: int = 128
    lr: float = 3e-3
    weight_decay: float = 0.01
    evidence_start: int = 400
    evidence_ramp: int = 0
    hidden_fraction: float = 0.008
    fact_fraction: float = 0.15
    monitor_every: int = 10
    monitors: tuple[str, ...] = MONITORS
    probe: str = "mass-mean"
    probe_hook: str = "hook_embed"
    probe_regularization: float = 0.3
    fpr: float = 0.01
    learned_accuracy: float = 0.75
    shadow: bool = False
    respond: str | None = None
    refit_every: int = 50
    unlearn_steps: int = 50
    unlearn_lr: float = 1e-3
    threads: int = 1

    def __post_init__(self):
        for name, (low, high) in INT_RANGES.items():
            object.__setattr__(self, name, v.integer(name, getattr(self, name), low=low, high=high))
        for name in ("control", "shadow"):
            if not isinstance(getattr(self, name), bool):
                raise v.ParameterError(name, f"must be true or false (got {getattr(self, name)!r})")
        if self.d_model % self.n_heads:
            raise v.ParameterError("n_heads", f"must divide d_model = {self.d_model} (got {self.n_heads})")
        if self.evidence_start >= self.steps:
            raise v.ParameterError("evidence_start", f"must be < steps = {self.steps} (got {self.evidence_start})")
        for name in ("lr", "unlearn_lr"):
            v.real(name, getattr(self, name), low=0.0, low_open=True, high=1.0)
        v.real("weight_decay", self.weight_decay, low=0.0, high=1.0)
        v.real("hidden_fraction", self.hidden_fraction, low=0.0, low_open=True, high=0.5)
        v.real("fact_fraction", self.fact_fraction, low=0.0, low_open=True, high=0.5)
        if round(self.hidden_fraction * self.batch_size) < 1:
            raise v.ParameterError("hidden_fraction", f"must put at least one sentence in a batch of "
                                                      f"{self.batch_size} (got {self.hidden_fraction})")
        v.probability("fpr", self.fpr)
        v.real("learned_accuracy", self.learned_accuracy, low=1.0 / self.grid ** 2, low_open=True, high=1.0)
        v.real("probe_regularization", self.probe_regularization, low=0.0, low_open=True)
        monitors = (self.monitors,) if isinstance(self.monitors, str) else tuple(self.monitors)
        if not monitors:
            raise v.ParameterError("monitors", f"needs at least one of {', '.join(MONITORS)}")
        for m in monitors:
            v.choice("monitors", m, MONITORS)
        if len(set(monitors)) != len(monitors):
            raise v.ParameterError("monitors", f"must not repeat a monitor (got {', '.join(monitors)})")
        object.__setattr__(self, "monitors", monitors)
        v.choice("probe", self.probe, PROBES)
        if self.respond is not None:
            v.choice("respond", self.respond, RESPONSES)
        if not isinstance(self.probe_hook, str) or not _hook_exists(self.probe_hook, self.n_layers):
            raise v.ParameterError("probe_hook", f"must be hook_embed or blocks.<layer>.hook_resid_pre|mid|post "
                                                 f"with layer < {self.n_layers} (got {self.probe_hook!r})")

    def _rows(self) -> list[dict]:
        """One row: every field (the monitors as one space-separated string)."""
        return [{**self.to_json(), "monitors": " ".join(self.monitors)}]

    def cost(self) -> tuple[float, float, str]:
        """(bytes, floating-point operations, the field that dominates the memory) of training this run.

        Parameters P = 2 V d (embedding and unembedding, vocabulary V = cities + 64 other words) +
        layers (4 d^2 + 2 d d_mlp); memory 16 P (weights, gradients, two AdamW moments in float32) plus
        activations of a batch, 3 x batch x context x (layers (6 d + d_mlp) + V) x 4 bytes; work
        6 P x batch x context per step (forward and backward), over every step."""
        vocab = self.n_known + self.n_hidden + 64
        params = 2.0 * vocab * self.d_model + self.n_layers * (4.0 * self.d_model ** 2 + 2.0 * self.d_model * self.d_mlp)
        activations = 3.0 * self.batch_size * CONTEXT * (self.n_layers * (6.0 * self.d_model + self.d_mlp) + vocab) * 4
        flops = 6.0 * params * self.batch_size * CONTEXT * (self.steps + self.unlearn_steps)
        return 16.0 * params + activations, flops, "batch_size" if activations > 16.0 * params else "d_model"

    def check_cost(self, runs: int = 1, max_work: float | None = None) -> None:
        """Refuse, before any work, ``runs`` runs whose memory or training work exceeds the limits."""
        from alignlab._limits import check_memory, check_work
        memory, flops, dominant = self.cost()
        check_memory(dominant, memory, f"a run with d_model {self.d_model}, {self.n_layers} layers and batch size "
                                       f"{self.batch_size}")
        check_work("steps", flops * runs, MAX_FLOPS, "floating-point operations of training", max_work)

    @property
    def n_checks(self) -> int:
        """Monitor checks in a run of ``steps`` steps: at step 0 and every ``monitor_every`` steps up to ``steps``."""
        return self.steps // self.monitor_every + 1

    def replace(self, **changes) -> TripwireConfig:
        return dataclasses.replace(self, **changes)

    def null_signature(self) -> dict:
        """The fields a calibration depends on (all but seed, control, shadow, response, oracle level, threads)."""
        return {k: val for k, val in self.to_dict().items() if k not in _NOT_IN_NULL}

    @classmethod
    def from_dict(cls, data: dict) -> TripwireConfig:
        names = {f.name for f in dataclasses.fields(cls)} | {"erase"}
        unknown = sorted(set(data) - names)
        if unknown:
            raise v.ParameterError("config", f"unknown fields {', '.join(unknown)}")
        data = dict(data)
        erase = data.pop("erase", None)           # run folders written before responses had a name
        if erase is not None and data.get("respond") is None:
            data["respond"] = erase
        if "monitors" in data:
            data["monitors"] = tuple(data["monitors"])
        return cls(**data)


def _hook_exists(name: str, n_layers: int) -> bool:
    if name == "hook_embed":
        return True
    parts = name.split(".")
    return (len(parts) == 3 and parts[0] == "blocks" and parts[1].isdigit() and int(parts[1]) < n_layers
            and parts[2] in ("hook_resid_pre", "hook_resid_mid", "hook_resid_post"))

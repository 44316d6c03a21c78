r"""Where the belief lives: readings at every residual hook point, taken at every check after the trip.

At the trip, before any response acts, the overseer records for every residual hook point ``h``
(:func:`alignlab.tripwire.transformer.hook_names`: ``hook_embed`` and each block's ``hook_resid_mid``
and ``hook_resid_post``), from the activations on the city token of ``"<city> is in"``:

* the **concept direction** ``D_h``: the class means of the activations of every city by its true
  country, centred across countries, a ``(K, d)`` matrix (the mass-mean direction of Marks &
  Tegmark 2023, one row per country);
* a **fixed probe** ``P_h``: the country probe (mass-mean) fitted on the known cities then, and
  never refitted.

At every later check it reads, per hook point:

.. math::  \mathrm{cosine}_h = \frac{\langle D_h(t), D_h \rangle_F}{\lVert D_h(t) \rVert_F \, \lVert D_h \rVert_F}

(1: the same direction for every country; 0: orthogonal; None where a direction vanished, as on
activations LEACE has just erased), ``fixed_z``: the monitor statistic ``z`` of ``P_h`` on the
hidden cities now (:func:`alignlab.tripwire.monitors.advantage_z`), and ``fresh_z``: ``z`` of a
probe fitted on the known cities now (what a monitor that refits its probe at every check and at
every layer would read). Activations are read after any eraser at that hook: what the rest of the
network computes with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from alignlab.tripwire.probes import MassMeanProbe

_TINY = 1e-12


def concept_direction(x: np.ndarray, y: np.ndarray, n_classes: int) -> np.ndarray:
    """Class means of ``x`` (n, d) by label ``y``, centred across the classes seen: ``(n_classes, d)``."""
    onehot = np.eye(n_classes)[y]
    counts = onehot.sum(axis=0)
    means = (onehot.T @ x) / np.maximum(counts, 1.0)[:, None]
    seen = counts > 0
    means[seen] -= means[seen].mean(axis=0)
    means[~seen] = 0.0
    return means


def cosine(a: np.ndarray, b: np.ndarray) -> float | None:
    """Frobenius cosine of two direction matrices; None when either is (numerically) zero."""
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na < _TINY or nb < _TINY:
        return None
    return float(np.sum(a * b) / (na * nb))


@dataclass
class Reference:
    """What the overseer recorded at the trip: per hook point, the concept direction and a fixed probe."""

    directions: dict[str, np.ndarray]
    probes: dict[str, MassMeanProbe]

    @classmethod
    def fit(cls, acts: dict[str, np.ndarray], labels: np.ndarray, n_known: int, n_classes: int,
            shrinkage: float) -> Reference:
        """From activations (every city, known ones first) at each hook point and the true countries."""
        return cls({h: concept_direction(x, labels, n_classes) for h, x in acts.items()},
                   {h: MassMeanProbe(n_classes, shrinkage).fit(x[:n_known], labels[:n_known])
                    for h, x in acts.items()})

    def readings(self, acts: dict[str, np.ndarray], labels: np.ndarray, n_known: int, n_classes: int,
                 shrinkage: float) -> dict[str, dict[str, float | None]]:
        """``{hook: {"cosine", "fixed_z", "fresh_z"}}`` now (module docstring)."""
        from alignlab.tripwire.monitors import advantage_z
        out = {}
        y_known, y_hidden = labels[:n_known], labels[n_known:]
        for h, x in acts.items():
            fresh = MassMeanProbe(n_classes, shrinkage).fit(x[:n_known], y_known)
            out[h] = {"cosine": cosine(concept_direction(x, labels, n_classes), self.directions[h]),
                      "fixed_z": float(advantage_z(self.probes[h].decision_function(x[n_known:]), y_hidden)),
                      "fresh_z": float(advantage_z(fresh.decision_function(x[n_known:]), y_hidden))}
        return out

    def state(self) -> dict:
        """Tensors only, for a checkpoint read with ``weights_only=True``."""
        return {h: {"direction": torch.from_numpy(self.directions[h]), "center": torch.from_numpy(p.center_),
                    "coef": torch.from_numpy(p.coef_), "intercept": torch.from_numpy(p.intercept_)}
                for h, p in self.probes.items()}

    @classmethod
    def from_state(cls, state: dict, n_classes: int, shrinkage: float) -> Reference:
        directions, probes = {}, {}
        for h, s in state.items():
            directions[h] = s["direction"].numpy()
            probe = MassMeanProbe(n_classes, shrinkage)
            probe.center_, probe.coef_, probe.intercept_ = s["center"].numpy(), s["coef"].numpy(), s["intercept"].numpy()
            probes[h] = probe
        return cls(directions, probes)

"""The groups of fields that goodhart's results share, each declared once.

* :class:`UtilityResult`: every result about the true utility ``V`` ends with ``utility_mean``,
  E[V] under the base law (the baseline a gain is measured from), and ``notes`` (where a value is
  infinite, missing or unreliable, and why).
* :class:`PolicyMeans`: a policy that optimises ``U`` (best-of-n, the KL-regularised optimum) at
  each level of pressure: E[V] (``utility``), E[U] (``proxy``), E[X] (``error``) and its KL to the
  base law in nats.
* :class:`ConditionalMeans`: conditioning on ``U``: E[V | ...] (``conditional_utility``), its
  ``gain`` over E[V] (computed directly, accurate where it is 1e-100 of the scale of V) and the
  quadrature's ``relative_error`` estimate.
* :class:`Provenance`: results that may simulate say how they were computed (``method``) and the
  ``seed`` of their draws (:func:`alignlab._random.seed_used`; None when nothing was drawn).

Every group is keyword-only, so a result is built with names (``BestOfN(n=..., utility=...)``) and
the ``--json`` keys are the field names whatever class declares them.
"""

from __future__ import annotations

from dataclasses import dataclass

from alignlab._results import Result


@dataclass(frozen=True, kw_only=True)
class UtilityResult(Result):
    utility_mean: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PolicyMeans(UtilityResult):
    utility: tuple[float, ...]
    proxy: tuple[float, ...]
    error: tuple[float, ...]
    kl: tuple[float, ...]


@dataclass(frozen=True, kw_only=True)
class ConditionalMeans(UtilityResult):
    conditional_utility: tuple[float, ...]
    gain: tuple[float, ...]
    relative_error: tuple[float, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class Provenance(Result):
    method: str
    seed: int | None = None

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
  ``seed`` of their draws (:func:`alignlab._seeding.seed_used`; None when nothing was drawn).

Every group is keyword-only, so a result is built with names (``BestOfN(n=..., utility=...)``) and
the ``--json`` keys are the field names whatever class declares them. Their ``to_pandas()`` has one row
per point of the pressure axis ``AXIS`` (``t``, ``u``, ``n`` or ``beta``): :func:`points`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alignlab._results import Result


def points(data: dict, axis: str) -> list[dict]:
    """Rows of a table from a result's JSON ``data``: one per entry of the list ``axis``, with every list of
    the same length as a column (of numbers or words: records such as a regime's conditions are left out,
and so are ``notes``, sentences) and every single value repeated."""
    n = len(data[axis])
    along = {k: v for k, v in data.items() if isinstance(v, list) and len(v) == n and k != "notes"
             and not any(isinstance(x, (dict, list)) for x in v)}
    single = {k: v for k, v in data.items() if not isinstance(v, (list, dict))}
    return [{axis: along[axis][i], **{k: v[i] for k, v in along.items() if k != axis}, **single}
            for i in range(n)]


@dataclass(frozen=True, kw_only=True)
class UtilityResult(Result):
    utility_mean: float
    notes: tuple[str, ...] = ()

    AXIS: ClassVar[str]                 # the field of the pressure axis: one row of to_pandas() per entry

    def _rows(self) -> list[dict]:
        return points(self.to_json(), self.AXIS)


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

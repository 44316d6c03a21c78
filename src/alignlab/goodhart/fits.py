r"""Gao, Schulman & Hilton (2022, "Scaling laws for reward model overoptimization") fit the gold
reward gained by optimisation against :math:`d = \sqrt{KL}`: :math:`R = d (a - b d)` for best-of-n
and :math:`R = d (a - b \log d)` for RL. Both are linear in (a, b), so least squares is exact."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._results import Result
from alignlab._validate import ParameterError

FORMS = {"bon": "d (a - b d)", "rl": "d (a - b log d)"}


@dataclass(frozen=True)
class GaoFit(Result):
    """R(d) = d (a - b d) ("bon") or d (a - b log d) ("rl") fitted to (d, gain) by least squares."""

    form: str
    formula: str
    a: float
    b: float
    r_squared: float
    rmse: float
    points: int


def fit_gao(d, gain, form: str) -> GaoFit:
    """Least squares of ``gain`` on ``d`` in the ``form`` "bon" or "rl", over the points with d > 0."""
    v.choice("form", form, tuple(FORMS))
    d = np.asarray(d, dtype=float)
    y = np.asarray(gain, dtype=float)
    keep = (d > 0) & np.isfinite(d) & np.isfinite(y)
    d, y = d[keep], y[keep]
    if d.size < 3:
        raise ParameterError("gain", f"needs at least 3 points with d > 0 (got {d.size})")
    second = -d * d if form == "bon" else -d * np.log(d)
    design = np.column_stack([d, second])
    (a, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ np.array([a, b])
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid ** 2)) / ss_tot if ss_tot > 0 else float("nan")
    return GaoFit(form, FORMS[form], float(a), float(b), r2, float(np.sqrt(np.mean(resid ** 2))), int(d.size))


def fit_best_of_n(bon) -> tuple[GaoFit, GaoFit]:
    """Both forms fitted to a :class:`~alignlab.goodhart.best_of_n.BestOfN` curve, d = sqrt(KL)."""
    d = np.sqrt(np.maximum(np.asarray(bon.kl, dtype=float), 0.0))
    gain = np.asarray(bon.utility, dtype=float) - bon.utility_mean
    return fit_gao(d, gain, "bon"), fit_gao(d, gain, "rl")

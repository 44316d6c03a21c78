r"""``fit_power_law``: the Clauset-Shalizi-Newman power-law fit with an exact, fast xmin scan.

``xmin`` minimises the KS distance between the data above it and the fitted power law, over every
distinct value that leaves at least ``min_tail`` values above it (the ``powerlaw`` package also
tries smaller tails; a fit on fewer than 10 points means nothing). ``alpha`` is the maximum-
likelihood exponent of the density :math:`p(x) \propto x^{-\alpha}` (see :mod:`alignlab.tails.power_law_model`);
``tail_index`` = alpha - 1 is the exponent of :math:`P(X \ge x)`, the alpha of the mission notes.
With ``gof=True`` the semi-parametric bootstrap p-value of CSN section 4.1 is attached
(:mod:`alignlab.tails.gof`).

Against ``powerlaw`` 2.0.0: the KS distance, candidate set (above ``min_tail``) and continuous MLE
are the same, so xmin and alpha agree wherever ``powerlaw`` is right. It is not right when the
best fit has alpha >= 3 (its default ``parameter_ranges`` reject every such xmin and it picks a
worse one) or alpha <= 1.5 (it switches to a Nelder-Mead fit with tolerance 1e-4).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from alignlab import _validate as v
from alignlab._progress import ProgressLike
from alignlab._seeding import SeedLike
from alignlab._results import BULK, Result
from alignlab.tails.power_law_model import ALPHA_CAP, fit_sorted
from alignlab.tails.sample_checks import MIN_TAIL, all_integers, as_sample, require_integers, require_positive


@dataclass(frozen=True)
class PowerLawFit(Result):
    """A CSN power-law fit. ``degenerate`` is True when the numbers should not be used; ``warnings`` says why
    (and carries milder cautions too). The goodness-of-fit bootstrap sets ``p_value``, ``gof_replicates``
    and its ``seed``. ``data`` is the sorted sample (kept by ``to_dict``, left out of ``--json``)."""

    xmin: float
    alpha: float
    sigma: float
    n_tail: int
    ks: float
    discrete: bool
    n: int
    tail_index: float
    candidates: int
    xmin_fixed: bool
    min_tail: int
    degenerate: bool
    warnings: tuple[str, ...] = ()
    p_value: float | None = None
    gof_replicates: int | None = None
    seed: int | None = None
    data: np.ndarray | None = field(default=None, metadata=BULK, compare=False, repr=False)

    def _rows(self) -> list[dict]:
        """One row: the fit, its warnings joined in one cell."""
        return [{**self.to_json(), "warnings": "; ".join(self.warnings)}]

    @property
    def tail(self) -> np.ndarray:
        """The values at or above ``xmin`` (sorted)."""
        return self.data[np.searchsorted(self.data, self.xmin):]


def fit_power_law(samples, *, column: str | None = None, discrete: bool = False, xmin: float | None = None,
                  min_tail: int = MIN_TAIL, gof: bool = False, replicates: int = 1000, seed: SeedLike = 0,
                  workers: int | None = None, progress: ProgressLike = False,
                  max_work: float | None = None) -> PowerLawFit:
    """Fit a power law to the upper tail of ``samples`` (positive numbers; whole numbers with ``discrete``):
    an array, a pandas Series, a DataFrame's ``column``, or a file or data set by name.

    ``xmin`` fixes the lower bound instead of scanning for it. ``gof`` adds the bootstrap p-value
    from ``replicates`` synthetic data sets drawn with ``seed`` (using ``workers`` CPU cores, default all;
    the value does not depend on their number; ``progress`` counts replicates; ``max_work`` raises the limit on
    its work, :data:`alignlab.tails.gof.MAX_FITTED` values fitted).
    """
    x = require_positive(as_sample(samples, column=column))
    if discrete:
        require_integers(x)
    min_tail = v.integer("min_tail", min_tail, low=2, high=max(2, x.size))
    data = np.sort(x)
    if xmin is not None:
        xmin = v.real("xmin", xmin, low=0.0, low_open=True)
        if discrete and xmin != round(xmin):
            raise v.ParameterError("xmin", f"must be a whole number for a discrete fit (got {xmin})")
        n_tail = x.size - int(np.searchsorted(data, xmin))
        if n_tail < min_tail:
            raise v.ParameterError("xmin", f"leaves {n_tail} values at or above it; a tail needs at least "
                                           f"{min_tail} (got xmin = {xmin:g}, largest value {data[-1]:g})")
    fit = power_law_of_sorted(data, discrete, min_tail, xmin)
    if fit is None:
        raise v.ParameterError("samples", f"no xmin leaves {min_tail} or more values with a finite fit: fewer than "
                                          f"{min_tail} tail points above any distinct value (n = {x.size})")
    if gof:
        from alignlab.tails.gof import goodness_of_fit
        result = goodness_of_fit(fit, replicates=replicates, seed=seed, workers=workers, progress=progress,
                                 max_work=max_work)
        fit = dataclasses.replace(fit, p_value=result.p_value, gof_replicates=result.replicates, seed=result.seed)
    return fit


def power_law_of_sorted(data: np.ndarray, discrete: bool, min_tail: int,
                        xmin: float | None = None) -> PowerLawFit | None:
    """The fit of a checked positive sample in increasing order; None when no xmin leaves ``min_tail``
    values with a finite fit."""
    est = fit_sorted(data, discrete, min_tail, xmin)
    if est is None:
        return None
    cautions, degenerate = _assess(est, data, discrete, min_tail)
    return PowerLawFit(est.xmin, est.alpha, est.sigma, est.n_tail, est.ks, discrete, int(data.size), est.alpha - 1.0,
                       est.candidates, xmin is not None, min_tail, degenerate, cautions, data=data)


def _assess(est, x: np.ndarray, discrete: bool, min_tail: int) -> tuple[tuple[str, ...], bool]:
    """Cautions about a fit, and whether it is degenerate (numbers that should not be used)."""
    notes = []
    degenerate = False
    if not discrete and all_integers(x):
        notes.append("all values are whole numbers: consider a discrete fit (--discrete)")
    if est.alpha >= 0.5 * ALPHA_CAP or est.alpha > 50:
        degenerate = True
        notes.append(f"degenerate: alpha = {est.alpha:.4g}; the values above xmin = {est.xmin:g} are nearly all "
                     f"equal, so there is no power-law tail to speak of")
    if est.n_tail < 50:
        notes.append(f"only {est.n_tail} values at or above xmin: alpha has a standard error of {est.sigma:.2g} "
                     f"and the KS choice of xmin is noisy")
    if est.n_tail <= max(min_tail, 0.001 * x.size) and est.candidates > 1:
        notes.append(f"xmin sits at the smallest tail allowed ({est.n_tail} of {x.size} values): the power law "
                     f"describes only the extreme values, if anything")
    return tuple(notes), degenerate

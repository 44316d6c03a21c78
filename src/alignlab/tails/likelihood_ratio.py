r"""Is the tail a power law or something else? Likelihood-ratio tests above the fitted ``xmin`` (CSN 2009, sec. 5).

With :math:`\ell_i` the log densities of the tail values under each fit,
:math:`R = \sum_i (\ell^{PL}_i - \ell^{alt}_i)`, positive when the power law fits better.

* Non-nested alternatives (exponential, lognormal, stretched exponential): Vuong's test. With
  :math:`\sigma^2` the variance of :math:`\ell^{PL}_i - \ell^{alt}_i`, the normalised ratio
  :math:`R/(\sigma\sqrt{n})` is asymptotically N(0, 1) when both fit equally well, and
  :math:`p = \mathrm{erfc}(|R|/\sqrt{2n\sigma^2})`.
* Nested alternative (truncated power law, which is the power law at :math:`\lambda = 0`): Wilks'
  test, :math:`-2R \sim \chi^2_1`, :math:`p = P(\chi^2_1 > -2R)`; ``R`` <= 0 by construction.

Which test applies is a property of each family (``Fitted.nested``), never inferred from names:
``powerlaw`` 2.0.0 decides it with ``(dist1 in dist2) or (dist2 in dist1) and nested is None``,
which by operator precedence forces the nested test whenever one name contains the other, even
when ``nested=False`` is passed. When an alternative collapses onto the power law (lognormal with
sigma -> inf, stretched exponential with beta -> 0) the two fits coincide, :math:`\sigma = 0`, and
the comparison is reported as degenerate rather than as a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from alignlab import _validate as v
from alignlab._results import Result, flatten
from alignlab.tails import alternatives as alt
from alignlab.tails.power_law import PowerLawFit, fit_power_law


@dataclass(frozen=True)
class Comparison(Result):
    """Power law against one alternative on the same tail; ``favours`` is "power_law", the alternative,
    "neither" (p >= significance) or "undecided" (the two fits coincide: no test is possible).
    ``degenerate`` marks an alternative that cannot be told from the power law; ``note`` says why."""

    alternative: str
    test: str
    loglikelihood_ratio: float
    normalized_ratio: float | None
    p_value: float | None
    favours: str
    parameters: dict[str, float]
    degenerate: bool = False
    note: str = ""


@dataclass(frozen=True)
class Comparisons(Result):
    """The power-law ``fit`` against each alternative above its xmin; ``result["lognormal"]`` reads one by name."""

    fit: PowerLawFit
    comparisons: tuple[Comparison, ...]
    significance: float

    def _rows(self) -> list[dict]:
        """One row per alternative, with the power law's xmin, alpha and tail size it was tested against."""
        fit = {"xmin": self.fit.xmin, "alpha": self.fit.alpha, "n_tail": self.fit.n_tail}
        return [{**flatten(c.to_json()), **fit, "significance": self.significance} for c in self.comparisons]

    def __getitem__(self, name: str) -> Comparison:
        for c in self.comparisons:
            if c.alternative == name:
                return c
        raise KeyError(name)


def compare(samples=None, *, column: str | None = None, fit: PowerLawFit | None = None,
            alternatives=alt.ALTERNATIVES, xmin: float | None = None, significance: float = 0.1) -> Comparisons:
    """Fit the power law to ``samples`` (or take ``fit``) and test it against each of ``alternatives`` above its
    xmin. ``samples``: an array, a pandas Series, a DataFrame's ``column``, or a file or data set by name."""
    significance = v.probability("significance", significance)
    for name in alternatives:
        v.choice("alternatives", name, alt.ALTERNATIVES)
    if fit is None:
        if samples is None:
            raise v.ParameterError("samples", "give samples or a fit")
        fit = fit_power_law(samples, column=column, xmin=xmin)
    if fit.discrete:
        raise v.ParameterError("discrete", "likelihood-ratio comparisons are implemented for continuous fits only "
                                           "(a fit with discrete=False)")
    tail = fit.tail
    where = "xmin" if fit.xmin_fixed else "samples"
    if not (np.isfinite(fit.alpha) and tail[-1] > fit.xmin):
        raise v.ParameterError(where, f"the {tail.size} values at or above xmin = {fit.xmin:g} are all equal: there "
                                      "is no tail to compare")
    if not alt.log_ratio(tail[-1], fit.xmin) <= math.log(alt.MAX_SPAN):
        raise v.ParameterError(where, f"the tail from xmin = {fit.xmin:g} to {tail[-1]:g} spans more than "
                                      f"{alt.MAX_SPAN:g}, beyond what the alternatives' likelihoods hold in double "
                                      "precision" + (": give a larger xmin" if fit.xmin_fixed else ""))
    pl = alt.power_law_logpdf(tail, fit.xmin, fit.alpha)
    results = []
    for name in alternatives:
        fitted = (alt.truncated_power_law(tail, fit.xmin, fit.alpha) if name == "truncated_power_law"
                  else getattr(alt, name)(tail, fit.xmin))
        results.append(likelihood_ratio(pl, fitted, significance))
    return Comparisons(fit, tuple(results), significance)


def likelihood_ratio(power_law_logpdf: np.ndarray, fitted: alt.Fitted, significance: float) -> Comparison:
    """The test that fits the pair (nested: chi-squared; otherwise Vuong) and its verdict."""
    diff = power_law_logpdf - fitted.logpdf
    r = float(diff.sum())
    n = diff.size
    if fitted.nested:
        r = min(r, 0.0)          # the larger family cannot fit worse; clip optimiser round-off
        p = float(stats.chi2.sf(-2.0 * r, 1))
        favours = fitted.name if p < significance else "neither"
        return Comparison(fitted.name, "nested likelihood ratio (chi2, 1 dof)", r, None, p, favours,
                          fitted.parameters, fitted.degenerate, fitted.note)
    sd = float(np.sqrt(np.mean((diff - diff.mean()) ** 2)))
    if sd <= 1e-12 * max(1.0, abs(r) / n):
        note = fitted.note or "the two fits give the same likelihood for every point"
        return Comparison(fitted.name, "vuong", r, None, None, "undecided", fitted.parameters, True, note)
    z = r / (sd * math.sqrt(n))
    p = float(special.erfc(abs(z) / math.sqrt(2.0)))
    favours = "neither" if p >= significance else ("power_law" if r > 0 else fitted.name)
    return Comparison(fitted.name, "vuong", r, z, p, favours, fitted.parameters, fitted.degenerate, fitted.note)

r"""The construction behind "heavy tails defeat the KL penalty" (Kwa, Thomas & Garriga-Alonso 2024,
theorem 4 and figure 3).

From a base law ``P`` with tail ``S(t) = P(X > t)``, move probability ``m`` above ``t`` while keeping
the shape of ``P`` above and below ``t``:

.. math:: q(x) = \frac{m}{S(t)} p(x)\ (x > t), \qquad q(x) = \frac{1-m}{F(t)} p(x)\ (x \le t).

Its mean and KL to the base are closed forms in the partial expectation
:math:`H(t) = E[(X-\mu) 1\{X > t\}]`:

.. math:: E_q[X] = \mu + H(t) \Big(\frac{m}{S(t)} - \frac{1-m}{F(t)}\Big), \qquad
          KL(q \| p) = m \log\frac{m}{S(t)} + (1-m) \log\frac{1-m}{F(t)}.

For a regularly varying base of index ``a`` (Student t with 3 d.o.f.: ``a = 3``) and
``m(t) = t^{-e}`` with ``e < 1`` the mean grows like ``t^{1-e}`` while the KL falls like
``t^{-e} \log t``: arbitrarily high mean at arbitrarily small KL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._results import Result
from alignlab._validate import ParameterError
from alignlab.dists import roles
from alignlab.goodhart._inputs import reals
from alignlab.goodhart.result_fields import points


@dataclass(frozen=True)
class Construction(Result):
    """Mean and KL to the base of the law that puts ``mass`` above ``t``, per threshold.

    A law of one variable (the base, read as the proxy), so it shares none of the utility fields of
    :mod:`alignlab.goodhart.result_fields`: ``mean`` is E_q[X], ``base_mean`` E_p[X]."""

    base: str
    t: tuple[float, ...]
    mass: tuple[float, ...]
    mean: tuple[float, ...]
    kl: tuple[float, ...]
    base_mean: float
    base_tail: tuple[float, ...]       # P_base(X > t)
    mass_exponent: float | None = None

    def _rows(self) -> list[dict]:
        """One row per threshold."""
        return points(self.to_json(), "t")


def construct(base, t, mass: float | Sequence[float] | Callable | None = None, *,
              mass_exponent: float | None = None) -> Construction:
    """``mass`` is a number, one number per ``t`` or a callable ``t -> mass``; or give
    ``mass_exponent`` e for ``mass(t) = t^(-e)``."""
    dist = roles.error(base, "base")
    if not dist.has_finite_mean:
        raise ParameterError("base", f"{dist.spec} has no finite mean, so neither has any law built from it")
    ts = reals("t", t)
    if (mass is None) == (mass_exponent is None):
        raise ParameterError("mass", "give either mass (a number, a list or a function of t) or mass_exponent")
    if mass_exponent is not None:
        mass_exponent = v.real("mass_exponent", mass_exponent, low=0.0, low_open=True)
        if (ts <= 1).any():
            raise ParameterError("t", f"must be > 1 with mass(t) = t^(-e), which must lie in (0, 1) "
                                      f"(got t = {float(ts[ts <= 1][0])!r})")
        wanted = ts ** -mass_exponent
    elif callable(mass):
        wanted = [mass(float(x)) for x in ts]
    else:
        arr = np.atleast_1d(np.asarray(mass, dtype=object)).ravel()
        if arr.size not in (1, ts.size):
            raise ParameterError("mass", f"needs one value or one per t ({ts.size}) (got {arr.size})")
        wanted = np.broadcast_to(arr, ts.shape)
    # one check for every way of giving it (t^(-e) underflows to 0 for e log10(t) > 308)
    m = np.array([v.probability("mass", x) for x in wanted])
    log_s, log_f = dist.logsf(ts), dist.logcdf(ts)
    empty = ~np.isfinite(log_s) | ~np.isfinite(log_f)
    if empty.any():
        raise ParameterError("t", f"must leave probability on both sides in {dist.spec} "
                                  f"(got t = {float(ts[empty][0])!r})")
    log_h = dist.log_partial_expectation(ts)
    with np.errstate(divide="ignore"):
        above = np.exp(log_h - log_s + np.log(m))
        below = np.exp(log_h - log_f + np.log1p(-m))
    mean = dist.mean + above - below
    kl = m * (np.log(m) - log_s) + (1 - m) * (np.log1p(-m) - log_f)
    return Construction(base=dist.spec, t=tuple(ts), mass=tuple(m), mean=tuple(mean), kl=tuple(kl),
                        base_mean=float(dist.mean), base_tail=tuple(np.exp(log_s)), mass_exponent=mass_exponent)

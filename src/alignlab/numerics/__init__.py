"""Numerics shared by the systems: Laplace-transform inversion and log-space quadrature deep in the tails.

* :mod:`alignlab.numerics.laplace`: CDF, survival function, density and quantiles of a non-negative
  variable from its log Laplace transform (Talbot contour and a saddle-point Bromwich line).
* :mod:`alignlab.numerics.quadrature`: batches of integrals of ``exp(g)`` accurate where the mass sits
  far out in heavy tails.
* :mod:`alignlab.numerics.lomax_sum`: the law of a sum of n unit Lomax(beta) variables (real n > 0), by
  inverting its transform: the steps model's exact task times and the horizons system's steps curves.
* :mod:`alignlab.numerics.logistic`: log p and log(1 - p) of a logit, accurate in both tails.
"""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "LaplaceInversionError": "laplace", "TransformDistribution": "laplace", "clog1p": "laplace",
    "LogIntegral": "quadrature", "log_integral": "quadrature", "RTOL": "quadrature",
    "LomaxSum": "lomax_sum", "lomax_log_laplace": "lomax_sum",
    "log_sigmoid": "logistic", "log_sigmoid_pair": "logistic",
})

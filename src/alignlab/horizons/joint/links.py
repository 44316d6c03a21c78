r"""How a cell's success probability depends on its linear predictor: the three links of the joint models.

Every joint model writes agent a's chance on task j as :math:`p = \mathrm{link}(\eta)` with
:math:`\eta = \eta_0 + \lambda z_j` linear in the task effect (:mod:`alignlab.horizons.joint.models`).
A cell with weighted successes s and failures f contributes

.. math:: \ell(\eta) = s\log p(\eta) + f\log(1 - p(\eta)),

and the quadrature needs :math:`\ell`, :math:`\ell' = d\ell/d\eta` and a curvature :math:`\ell''`:

* ``logit``: :math:`p = 1/(1 + e^{-\eta})`; :math:`\ell' = s(1-p) - fp`, :math:`\ell'' = -(s+f)p(1-p)`.
* ``cloglog`` (a Weibull survival): :math:`p = \exp(-e^{\eta})`; with :math:`\mu = e^\eta` and
  :math:`r = \mu/(e^\mu - 1)`: :math:`\ell' = -s\mu + fr`,
  :math:`\ell'' = -s\mu + fr(1 - \mu/(1 - e^{-\mu}))`. Both links are log-concave, so
  :math:`\ell'' \le 0` is the exact second derivative.
* ``steps``: :math:`\eta = \log n`, and p is the steps curve of the agent (its own beta and
  :math:`\kappa = \beta\log B`), :math:`p = F_n(B - n)`, the law of a sum of n unit Lomax(beta)
  variables for real n (:mod:`alignlab.horizons.lomax_table`), 0 when :math:`n \ge B`. With
  :math:`g = \mathrm{logit}\,p` from the table: :math:`\ell' = (s(1-p) - fp)\,g'` and the Fisher
  curvature :math:`\ell'' = -(s+f)p(1-p)g'^2` (the table gives first derivatives only); also
  :math:`d\ell/d\log\beta` and :math:`d\ell/d\log\kappa` at fixed n.
"""

from __future__ import annotations

import numpy as np

from alignlab.horizons.joint._house import lomax_table
from alignlab.numerics.logistic import log_sigmoid_pair

LINKS = ("logit", "cloglog", "steps")
_MAX_LOG_N = 700.0          # n = e^eta must stay a finite double (n >= B there anyway: log B <= 600)


def _cloglog(eta):
    """mu = e^eta, q = 1 - e^-mu, log p = -mu and log(1 - p) = log q of the cloglog link."""
    mu = np.exp(eta)
    q = -np.expm1(-mu)
    return mu, q, -mu, np.log(q)


def log_probabilities(link: str, eta, params=None):
    """log p and log(1 - p) at ``eta``; ``params`` (log beta, log kappa) per cell for ``steps``."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if link == "logit":
            return log_sigmoid_pair(eta)
        if link == "cloglog":
            return _cloglog(eta)[2:]
        g = steps_logit(params[0], params[1], eta, gradient=False)[0]
        return log_sigmoid_pair(g)


def cell_terms(link: str, eta, s, f, params=None, derivatives: bool = True):
    r""":math:`\ell`, and with ``derivatives`` :math:`\ell'`, :math:`\ell''` and (steps) the derivatives
    in log beta and log kappa, each shaped like ``eta``; s, f and params broadcast against it."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore", under="ignore"):
        if link == "steps":
            g, grads = steps_logit(params[0], params[1], eta, gradient=derivatives)
            log_p, log_q = log_sigmoid_pair(g)
        elif link == "cloglog":                               # mu and q serve the derivatives too
            mu, q, log_p, log_q = _cloglog(eta)
        else:
            log_p, log_q = log_probabilities(link, eta)
        ell = np.where(s > 0, s * log_p, 0.0) + np.where(f > 0, f * log_q, 0.0)
        if not derivatives:
            return ell
        if link == "logit":
            p, q = np.exp(log_p), np.exp(log_q)
            return ell, s * q - f * p, -(s + f) * p * q, None
        if link == "cloglog":
            positive = mu > 1e-300
            r = np.where(positive, mu / np.expm1(mu), 1.0)
            d1 = -s * mu + f * r
            d2 = -s * mu + f * r * (1.0 - np.where(positive, mu / q, 1.0))
            return ell, np.nan_to_num(d1, copy=False), np.nan_to_num(d2, copy=False), None
        p, q = np.exp(log_p), np.exp(log_q)
        residual = s * q - f * p
        d_beta, d_kappa, d_m = grads
        return ell, residual * d_m, -(s + f) * p * q * d_m * d_m, (residual * d_beta, residual * d_kappa)


def steps_logit(log_beta, log_kappa, log_n, gradient: bool = True):
    r"""The steps curve's logit :math:`g = \mathrm{logit}\,F_n(B - n)` at :math:`\log n` (-inf where
    :math:`n \ge B`), :math:`\log B = \kappa/\beta`; with ``gradient`` its derivatives in log beta and log
    kappa at fixed n and in log n (as :class:`alignlab.horizons.families.Steps`, through the chain rule
    :math:`d\log y = (B\,d\log B - n\,d\log n)/y`, y = B - n)."""
    log_beta, log_kappa, log_n = np.broadcast_arrays(np.asarray(log_beta, float), np.asarray(log_kappa, float),
                                                     np.minimum(np.asarray(log_n, float), _MAX_LOG_N))
    beta = np.exp(log_beta)
    log_b = np.exp(log_kappa) / beta
    gap = log_n - log_b                         # log(n / B) < 0 where the budget leaves room
    feasible = gap < 0
    gap = np.minimum(gap, -1e-300)
    log_y = log_b + np.log(-np.expm1(gap))
    result = lomax_table.table().logit(beta, np.exp(log_n), np.exp(log_y), derivatives=gradient)
    if not gradient:
        return np.where(feasible, result, -np.inf), None
    ell, d_logbeta, d_logn, d_logy = result
    b_over_y = 1.0 / -np.expm1(gap)
    n_over_y = b_over_y * np.exp(gap)
    grads = (d_logbeta - d_logy * b_over_y * log_b, d_logy * b_over_y * log_b, d_logn - d_logy * n_over_y)
    return np.where(feasible, ell, -np.inf), tuple(np.where(feasible, g, 0.0) for g in grads)

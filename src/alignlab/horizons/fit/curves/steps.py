r"""The independent-steps curve and steps-mixed.

``steps``: the task is :math:`n = t/\tau` serial subtasks, each taking :math:`M = 1 + Y` with
:math:`P(M > m) = m^{-\beta}` (Pareto, :math:`\beta = Q\alpha`); the agent succeeds when
:math:`S_n = n + Y_n \le B`:

.. math:: p(t) = P(Y_{t/\tau} \le B - t/\tau) = F_{t/\tau}(B - t/\tau),\qquad 0 \text{ when } t \ge \tau B,

with the law of :math:`Y_n` for real n (:mod:`alignlab.horizons.lomax_table`). Parameters ``beta``,
``tau_minutes`` (human minutes per subtask) and ``budget`` B (in units of the fastest subtask time). The
fit works with :math:`\kappa = \beta\log B = -\log P(M > B)` instead of B: as :math:`\beta \to 0` at
fixed :math:`\kappa`, :math:`\beta\log(1 + Y_i)` tends to an exponential variable and
:math:`p \to (1 - e^{-\kappa})^{t/\tau}`, the constant-hazard curve, so the steps curve contains
``exponential`` as its limit :math:`\beta \to 0`.

Because n is proportional to t and subtask times are i.i.d., :math:`S_{2n} = S_n + S'_n` with independent
non-negative parts, so :math:`p(2t) \le p(t)^2`: success falls at least as fast per doubling of the task
length as under a constant hazard (docs/horizons.md, "The superadditivity bound").

``steps-mixed``: as ``steps``, with :math:`\log n = \log(t/\tau) + \sigma Z`, :math:`Z \sim N(0,1)`, the
Gaussian average of :mod:`alignlab.horizons.fit.curves.mixed`; adds ``sigma`` (:math:`\sigma = 0` is
``steps``, computed as such). With the mixture, n is no longer proportional to t and the bound above
does not hold.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from alignlab.horizons import lomax_table as lt
from alignlab.horizons.fit.curves import mixed
from alignlab.horizons.fit.curves.base import Curve
from alignlab.numerics.logistic import log_sigmoid_pair

BISECTIONS = 50            # halvings of log n in a horizon search (its bracket spans at most ~700)


@dataclass(frozen=True)
class Steps(Curve):
    r"""The independent-steps curve (module docstring). theta = (log beta, log tau, log kappa) [, sigma]
    with :math:`\kappa = \beta\log B`; ``mixed`` adds the log-normal spread of steps-mixed. ``table`` is
    the Lomax-sum table the curve reads (None: :func:`alignlab.horizons.lomax_table.table`, built once per
    process); :meth:`with_table` binds one, so that work sent to other processes carries it."""

    mixed: bool = False
    table: lt.LomaxTable | None = field(default=None, compare=False, repr=False)

    KAPPA_RANGE = (1e-2, 30.0)      # B = e^(kappa/beta) stays below e^600 for beta >= 0.05
    SIGMA_MAX = 6.0

    def with_table(self, table: lt.LomaxTable) -> Steps:
        """This curve reading ``table``."""
        return dataclasses.replace(self, table=table)

    @property
    def law(self) -> lt.LomaxTable:
        return self.table if self.table is not None else lt.table()

    def bounds(self, minutes):
        n_lo, n_hi = lt.N_RANGE
        rows = [[math.log(lt.BETA_RANGE[0]), math.log(lt.BETA_RANGE[1])],
                [math.log(minutes.max() / n_hi), math.log(minutes.min() / n_lo)],
                [math.log(self.KAPPA_RANGE[0]), math.log(self.KAPPA_RANGE[1])]]
        if self.mixed:
            rows.append([0.0, self.SIGMA_MAX])
        return np.array(rows)

    def starts(self, minutes, rate):
        """A grid over beta (both sides of 1) and tau, with kappa set so that the median task
        succeeds about as often as the data say (a rough match that keeps every start feasible)."""
        t_mid = float(np.exp(np.mean(np.log(minutes))))
        out = []
        for beta in (0.1, 0.4, 0.8, 1.5, 3.0):
            for n_mid in (0.3, 3.0, 30.0):
                tau = t_mid / n_mid
                # one-big-subtask approximation at the median task: 1 - p ~ n B^-beta = n e^-kappa
                kappa = math.log(max(n_mid, 1e-3) / max(1.0 - rate, 1e-3))
                kappa = max(kappa, beta * math.log(2.0 * minutes.max() / tau))   # B above the longest task
                row = [math.log(beta), math.log(tau), math.log(min(max(kappa, 0.05), 29.0))]
                if self.mixed:
                    row.append(0.5)
                out.append(row)
        return np.array(out)

    def _curve(self, theta, log_n, gradient):
        """The steps curve g = logit of F_n(B - n) at log n (D, ...), -inf where n >= B, and its gradient
        in (log beta, log kappa) at fixed n and in log n."""
        shape = (theta.shape[0],) + (1,) * (log_n.ndim - 1)
        beta = np.exp(theta[:, 0]).reshape(shape)
        log_b = (np.exp(theta[:, 2]) / np.exp(theta[:, 0])).reshape(shape)   # log B = kappa / beta
        gap = log_n - log_b                                                # log(n / B) < 0 when feasible
        feasible = gap < 0
        gap = np.minimum(gap, -1e-300)
        log_y = log_b + np.log(-np.expm1(gap))                             # y = B - n
        shape = np.broadcast_shapes(beta.shape, log_n.shape)
        result = self.law.logit(np.broadcast_to(beta, shape), np.exp(np.broadcast_to(log_n, shape)),
                                  np.exp(log_y), derivatives=gradient)
        ell = np.where(feasible, result[0] if gradient else result, -np.inf)
        if not gradient:
            return ell, None
        _, d_logbeta, d_logn, d_logy = result
        # d log y = (B d log B - n d log n) / y, with log B = kappa / beta
        b_over_y = 1.0 / -np.expm1(gap)
        n_over_y = b_over_y * np.exp(gap)
        grads = (d_logbeta - d_logy * b_over_y * log_b,                    # d/d log beta at fixed n
                 d_logy * b_over_y * log_b,                                # d/d log kappa at fixed n
                 d_logn - d_logy * n_over_y)                               # d/d log n
        return ell, tuple(np.where(feasible, g, 0.0) for g in grads)

    def evaluate(self, theta, minutes, gradient=True):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):   # p = 0 beyond the budget is meant
            return self._evaluate(theta, minutes, gradient)

    def _evaluate(self, theta, minutes, gradient):
        log_t = np.log(minutes)
        log_t = log_t[None, :] if log_t.ndim == 1 else log_t              # minutes (C,) or (D, C)
        log_n = log_t - theta[:, 1:2]
        if self.mixed:
            sigma = theta[:, 3]
            plain = sigma < 1e-6
            if not plain.all():
                out = self._mixed(theta, log_n, gradient)
                if plain.any():
                    exact = self._plain(theta, log_n, gradient)
                    out = tuple(np.where(plain.reshape((-1,) + (1,) * (a.ndim - 1)), b, a)
                                for a, b in zip(out, exact))
                return out
        return self._plain(theta, log_n, gradient)

    def _plain(self, theta, log_n, gradient):
        ell, grads = self._curve(theta, log_n, gradient)
        log_p, log_q = log_sigmoid_pair(ell)
        if not gradient:
            return log_p, log_q
        columns = [grads[0], -grads[2], grads[1]]                         # log beta, log tau, log kappa
        if self.mixed:
            columns.append(np.zeros_like(ell))
        return log_p, log_q, np.stack(columns, axis=-1)

    def _mixed(self, theta, log_n, gradient):
        log_n = np.broadcast_to(log_n, (theta.shape[0], log_n.shape[1]))
        x, g, dg = mixed.knots(self._curve, theta, gradient)                              # (D, K)
        exact = self._plain(theta, log_n, gradient)
        g_m = np.exp(exact[0])
        p, parts = mixed.average(theta[:, 3], x, g, log_n, g_m, dg)
        with np.errstate(divide="ignore"):
            log_p, log_q = np.log(p), np.log1p(-p)
        if not gradient:
            return log_p, log_q
        d_beta, d_kappa, d_m, d_sigma, keep = parts
        plain_grad = exact[2] * (g_m * np.exp(exact[1]) * keep)[..., None]    # keep * grad g(m)
        grad_p = plain_grad + np.stack([d_beta, -d_m, d_kappa, d_sigma], axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = 1.0 / (p * (1.0 - p))
        return log_p, log_q, np.where(np.isfinite(scale), scale, 0.0)[..., None] * grad_p

    def params(self, theta):
        beta = np.exp(theta[..., 0])
        with np.errstate(over="ignore"):
            out = {"beta": beta, "tau_minutes": np.exp(theta[..., 1]),
                   "budget": np.exp(np.exp(theta[..., 2]) / beta)}
        if self.mixed:
            out["sigma"] = theta[..., 3]
        return out

    def theta(self, params):
        row = [math.log(params["beta"]), math.log(params["tau_minutes"]),
               math.log(params["beta"] * math.log(params["budget"]))]
        if self.mixed:
            row.append(params["sigma"])
        return np.array(row)

    def horizon(self, theta, level):
        """Bisection on log n between 1e-12 and B (success falls from 1 to 0 there; steps-mixed's average
        reaches 4 sigma beyond), with the knots :meth:`evaluate` uses."""
        theta = np.atleast_2d(theta)
        log_b = np.exp(theta[:, 2]) / np.exp(theta[:, 0])
        lo = np.full(theta.shape[0], math.log(1e-12))
        hi = log_b + (4.0 * theta[:, 3] if self.mixed else 0.0)
        spread = self.mixed and bool((theta[:, 3] >= 1e-6).any())
        if spread:
            x, g, _ = mixed.knots(self._curve, theta, False)
        for _ in range(BISECTIONS):
            mid = 0.5 * (lo + hi)
            log_p = self._plain(theta, mid[:, None], False)[0]
            if spread:
                p = mixed.average(np.maximum(theta[:, 3], 1e-300), x, g, mid[:, None], np.exp(log_p))[0]
                p = np.where(theta[:, 3, None] >= 1e-6, p, np.exp(log_p))
                with np.errstate(divide="ignore"):
                    log_p = np.log(p)
            above = log_p[:, 0] > math.log(level)
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        return np.exp(0.5 * (lo + hi) + theta[:, 1])

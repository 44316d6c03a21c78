r"""The five curves of success against task length, each with what its fit needs.

For a task of t minutes (p = success probability):

* ``logistic`` (METR): :math:`\mathrm{logit}\,p = a + b\log_2 t`; parameters ``intercept`` a and
  ``slope`` b (per doubling of the task length).
* ``exponential`` (a constant hazard, Ord 2025): :math:`p = 2^{-t/h}`; ``half_life_minutes`` h.
* ``weibull``: :math:`p = \exp(-(t/s)^k)`; ``scale_minutes`` s and ``shape`` k (k < 1: the hazard
  falls with time spent).
* ``steps`` (the independent-steps model): the task is :math:`n = t/\tau` serial subtasks, each
  taking :math:`M = 1 + Y` with :math:`P(M > m) = m^{-\beta}` (Pareto, :math:`\beta = Q\alpha`); the
  agent succeeds when :math:`S_n = n + Y_n \le B`:

  .. math:: p(t) = P(Y_{t/\tau} \le B - t/\tau) = F_{t/\tau}(B - t/\tau),\qquad 0 \text{ when } t \ge \tau B,

  with the law of :math:`Y_n` for real n (:mod:`alignlab.horizons.lomax_table`). Parameters
  ``beta``, ``tau_minutes`` (human minutes per subtask) and ``budget`` B (in units of the fastest
  subtask time). The fit works with :math:`\kappa = \beta\log B = -\log P(M > B)` instead of B:
  as :math:`\beta \to 0` at fixed :math:`\kappa`, :math:`\beta\log(1 + Y_i)` tends to an exponential
  variable and :math:`p \to (1 - e^{-\kappa})^{t/\tau}`, the constant-hazard curve, so the steps family
  contains ``exponential`` as its limit :math:`\beta \to 0`.
* ``steps-mixed``: as ``steps``, with :math:`\log n = \log(t/\tau) + \sigma Z`, :math:`Z \sim N(0,1)`:
  :math:`p(t) = E[g(\log(t/\tau) + \sigma Z)]` with :math:`g(x) = F_{e^x}(B - e^x)` the steps curve
  against log n. Adds ``sigma`` (:math:`\sigma = 0` is ``steps``, computed as such). g can be a
  cliff far narrower than :math:`\sigma` (beta > 1, many subtasks), where Gauss-Hermite quadrature
  in Z fails (12 nodes: errors up to 0.13 in p). Instead g is computed exactly at knots (a scan of
  the range the average reaches, then zooms where g falls from logit 6 to -6 and from 2 to -2),
  replaced by its piecewise-linear interpolant L, and the Gaussian average of L is exact:

  .. math:: E[L(m + \sigma Z)] = g_0 + \sum_k (g_{k+1} - g_k)\,\frac{\sigma}{h_k}
            \Bigl[\psi\Bigl(\frac{m - x_k}{\sigma}\Bigr) - \psi\Bigl(\frac{m - x_{k+1}}{\sigma}\Bigr)\Bigr],
            \qquad \psi(u) = u\Phi(u) + \varphi(u),

  plus the interpolant's error at m, g(m) - L(m), weighted by :math:`e^{-2\pi^2\sigma^2/h^2}` (how much
  the Gaussian leaves of an error of period h), so that sigma = 0 is exactly ``steps``.

Every family states its parameters as a vector :math:`\theta` the optimiser moves in (box-bounded),
``evaluate(theta, t)`` giving :math:`\log p`, :math:`\log(1-p)` and
:math:`G = \nabla_\theta p / (p(1-p))` (the gradient of the logit for a single curve), and the task
length where the curve crosses a success level (``horizon``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alignlab.horizons import lomax_table as lt

_SCAN = 16                 # points per scan of the steps curve against log n (steps-mixed's knots)
_ZOOM = (6.0, 2.0)         # each zoom rescans where the curve falls from logit +z to -z
_BISECTIONS = 50           # halvings of log n in a horizon search (its bracket spans at most ~700)
LN2 = math.log(2.0)


def _log_sigmoid(x):
    """log(1 / (1 + e^-x)), accurate in both tails (-inf at x = -inf)."""
    return -np.logaddexp(0.0, -x)


@dataclass(frozen=True)
class Family:
    """What the fitting code needs of a curve family (see the module docstring); subclasses state it."""

    name: str
    param_names: tuple[str, ...]

    @property
    def k(self) -> int:
        return len(self.param_names)

    def bounds(self, minutes: np.ndarray) -> np.ndarray:
        """(k, 2) lower and upper bounds of theta for data with these task lengths."""
        raise NotImplementedError

    def starts(self, minutes: np.ndarray, rate: float) -> np.ndarray:
        """(S, k) starting points for a data set with these task lengths and overall success ``rate``."""
        raise NotImplementedError

    def evaluate(self, theta: np.ndarray, minutes: np.ndarray, gradient: bool = True):
        """theta (D, k), minutes (C,) -> log p, log(1 - p) (D, C) and, with ``gradient``, G (D, C, k)."""
        raise NotImplementedError

    def params(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """The public parameters (each an array over the leading axes of theta)."""
        raise NotImplementedError

    def theta(self, params: dict) -> np.ndarray:
        """The inverse of :meth:`params` for one set of public parameters."""
        raise NotImplementedError

    def horizon(self, theta: np.ndarray, level: float) -> np.ndarray:
        """Task length (minutes) where success falls to ``level``, per row of theta; NaN where the curve
        does not fall through it."""
        raise NotImplementedError

    def penalty(self, theta: np.ndarray, strength: float | None):
        """An L2 penalty subtracted from the log-likelihood (value (D,), gradient (D, k), Hessian (k, k))."""
        zeros = np.zeros(theta.shape[0])
        return zeros, np.zeros_like(theta), np.zeros((self.k, self.k))


@dataclass(frozen=True)
class Logistic(Family):
    r""":math:`\mathrm{logit}\,p = a + b\log_2 t` (METR). theta = (a, b). With ``penalty`` C the
    objective is scikit-learn's: maximise :math:`\sum w\,\ell - b^2/(2C)` with weights summing to 1
    (the intercept is not penalised)."""

    def bounds(self, minutes):
        return np.array([[-1e3, 1e3], [-1e3, 1e3]])

    def starts(self, minutes, rate):
        return np.array([[math.log(rate / (1 - rate)), 0.0]])

    def evaluate(self, theta, minutes, gradient=True):
        x = np.log2(minutes)
        eta = theta[:, :1] + theta[:, 1:2] * x
        log_p, log_q = _log_sigmoid(eta), _log_sigmoid(-eta)
        if not gradient:
            return log_p, log_q
        g = np.stack([np.ones_like(eta), np.broadcast_to(x, eta.shape)], axis=-1)
        return log_p, log_q, g

    def params(self, theta):
        return {"intercept": theta[..., 0], "slope": theta[..., 1]}

    def theta(self, params):
        return np.array([params["intercept"], params["slope"]], dtype=float)

    def horizon(self, theta, level):
        a, b = theta[..., 0], theta[..., 1]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            x = (math.log(level / (1 - level)) - a) / b
            return np.where(b < 0, np.exp2(np.minimum(x, 1e4)), np.nan)

    def penalty(self, theta, strength):
        if strength is None:
            return super().penalty(theta, strength)
        b = theta[:, 1]
        grad = np.zeros_like(theta)
        grad[:, 1] = b / strength
        hess = np.zeros((2, 2))
        hess[1, 1] = 1.0 / strength
        return 0.5 * b * b / strength, grad, hess


class _CloglogFamily(Family):
    r"""Curves with :math:`\log p = -e^{\eta}` (exponential and Weibull survival)."""

    @staticmethod
    def _logs(eta, deta, gradient):
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return _CloglogFamily._cloglog(eta, deta, gradient)

    @staticmethod
    def _cloglog(eta, deta, gradient):
        mu = np.exp(eta)
        log_p = -mu
        log_q = np.log(-np.expm1(-mu))
        if not gradient:
            return log_p, log_q
        # G = grad p / (p (1 - p)) = -mu / (1 - p) * grad eta
        factor = -mu / -np.expm1(-mu)
        return log_p, log_q, factor[..., None] * deta


@dataclass(frozen=True)
class Exponential(_CloglogFamily):
    r""":math:`p = 2^{-t/h}`: :math:`\eta = \log t + \log\log 2 - \log h`. theta = (log h,)."""

    def bounds(self, minutes):
        return np.array([[math.log(minutes.min()) - 12.0, math.log(minutes.max()) + 12.0]])

    def starts(self, minutes, rate):
        return np.array([[math.log(np.median(minutes))]])

    def evaluate(self, theta, minutes, gradient=True):
        eta = np.log(minutes) + math.log(LN2) - theta[:, :1]
        return self._logs(eta, -np.ones(eta.shape + (1,)), gradient)

    def params(self, theta):
        return {"half_life_minutes": np.exp(theta[..., 0])}

    def theta(self, params):
        return np.array([math.log(params["half_life_minutes"])])

    def horizon(self, theta, level):
        return np.exp(theta[..., 0]) * math.log2(1.0 / level)


@dataclass(frozen=True)
class Weibull(_CloglogFamily):
    r""":math:`p = \exp(-(t/s)^k)`: :math:`\eta = k(\log t - \log s)`. theta = (log s, log k)."""

    def bounds(self, minutes):
        return np.array([[math.log(minutes.min()) - 12.0, math.log(minutes.max()) + 12.0],
                         [math.log(0.01), math.log(20.0)]])

    def starts(self, minutes, rate):
        return np.array([[math.log(np.median(minutes)), math.log(0.5)]])

    def evaluate(self, theta, minutes, gradient=True):
        k = np.exp(theta[:, 1:2])
        gap = np.log(minutes) - theta[:, :1]
        eta = k * gap
        if not gradient:
            return self._logs(eta, None, False)
        deta = np.stack([-k * np.ones_like(gap), eta], axis=-1)
        return self._logs(eta, deta, True)

    def params(self, theta):
        return {"scale_minutes": np.exp(theta[..., 0]), "shape": np.exp(theta[..., 1])}

    def theta(self, params):
        return np.array([math.log(params["scale_minutes"]), math.log(params["shape"])])

    def horizon(self, theta, level):
        return np.exp(theta[..., 0]) * (-math.log(level)) ** np.exp(-theta[..., 1])


@dataclass(frozen=True)
class Steps(Family):
    r"""The independent-steps curve (module docstring). theta = (log beta, log tau, log kappa)
    [, sigma] with :math:`\kappa = \beta\log B`; ``mixed`` adds the log-normal spread of steps-mixed."""

    mixed: bool = False

    KAPPA_RANGE = (1e-2, 30.0)      # B = e^(kappa/beta) stays below e^600 for beta >= 0.05
    SIGMA_MAX = 6.0

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
        result = lt.table().logit(np.broadcast_to(beta, shape), np.exp(np.broadcast_to(log_n, shape)),
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
        log_p, log_q = _log_sigmoid(ell), _log_sigmoid(-ell)
        if not gradient:
            return log_p, log_q
        columns = [grads[0], -grads[2], grads[1]]                         # log beta, log tau, log kappa
        if self.mixed:
            columns.append(np.zeros_like(ell))
        return log_p, log_q, np.stack(columns, axis=-1)

    def _place(self, theta, gradient=True, window=None):
        """Per row, knots x (D, K) in log n where the steps curve is computed exactly: a scan of the whole
        range, then two zooms, each a scan across the points where the previous scans saw the curve fall
        from logit ``_ZOOM[i]`` to its negative (a cliff narrower than a scan step is resolved by the next).
        The scan covers ``window`` = (lo, hi) per row (default: the table's n range and 12 more units each
        side), cut at log B where success ends. Returns the knots and the curve's logit there, with its
        gradients (in log beta, log kappa and log n at fixed n) when ``gradient``."""
        from alignlab.horizons.lomax_table import N_RANGE
        log_b = np.exp(theta[:, 2]) / np.exp(theta[:, 0])
        if window is None:
            count = theta.shape[0]
            window = (np.full(count, math.log(N_RANGE[0]) - 12.0), np.full(count, math.log(N_RANGE[1]) + 12.0))
        hi = np.minimum(window[1], log_b)
        lo = np.minimum(window[0], hi - 1e-3)
        x = lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, _SCAN)[None, :]
        ell, grads = self._curve(theta, x, gradient)
        inner = np.linspace(0.0, 1.0, _SCAN + 2)[None, 1:-1]
        for level in _ZOOM:
            a = np.clip((ell >= level).sum(axis=1) - 1, 0, x.shape[1] - 1)        # last point above the level
            b = np.clip(x.shape[1] - (ell <= -level).sum(axis=1), 0, x.shape[1] - 1)
            rows = np.arange(theta.shape[0])
            start, stop = x[rows, a], x[rows, b]
            more = start[:, None] + (stop - start)[:, None] * inner
            more_ell, more_grads = self._curve(theta, more, gradient)
            order = np.argsort(np.concatenate([x, more], axis=1), axis=1, kind="stable")
            x = np.take_along_axis(np.concatenate([x, more], axis=1), order, axis=1)
            ell = np.take_along_axis(np.concatenate([ell, more_ell], axis=1), order, axis=1)
            if gradient:
                grads = tuple(np.take_along_axis(np.concatenate([g0, g1], axis=1), order, axis=1)
                              for g0, g1 in zip(grads, more_grads))
        return x, ell, grads

    def _knots(self, theta, gradient=True, window=None):
        """Knots (:meth:`_place`), the curve g there and, with ``gradient``, dg/d log beta and dg/d log
        kappa at the knots, which are held fixed: they only place the interpolant (so the gradient is
        that of the interpolant through fixed knots)."""
        x, ell, grads = self._place(theta, gradient, window)
        g = np.exp(_log_sigmoid(np.minimum.accumulate(ell, axis=1)))
        if not gradient:
            return x, g, None
        dg = g * (1.0 - g)
        return x, g, (dg * grads[0], dg * grads[1])                        # dg/d log beta, dg/d log kappa

    @staticmethod
    def _window(theta, log_n):
        """Where the Gaussian average at these log n reaches: 5 sigma beyond the extreme cells."""
        reach = 5.0 * theta[:, 3] + 0.5
        return log_n.min(axis=1) - reach, log_n.max(axis=1) + reach

    def _mixed(self, theta, log_n, gradient):
        log_n = np.broadcast_to(log_n, (theta.shape[0], log_n.shape[1]))
        x, g, dg = self._knots(theta, gradient, self._window(theta, log_n))   # (D, K)
        exact = self._plain(theta, log_n, gradient)
        g_m = np.exp(exact[0])
        p, parts = self._average(theta[:, 3], x, g, log_n, g_m, dg)
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

    @staticmethod
    def _average(sigma, x, g, log_n, g_m, dg=None):
        """p = E[L(m + sigma Z)] + keep (g(m) - L(m)) for the piecewise-linear curve L through the knots
        (x, g) (module docstring), at m = log n (D, C); g_m is the steps curve itself at m. With ``dg``
        (dg/d log beta and dg/d log kappa at the knots) also p's derivatives: in log beta and log kappa
        through the knot values, in m and in sigma, and ``keep``."""
        from scipy.special import ndtr
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            sig = sigma[:, None, None]
            m = log_n[:, :, None]
            h = np.maximum(np.diff(x, axis=1), 1e-12)[:, None, :]          # segment lengths (D, 1, K-1)
            u = (m - x[:, None, :]) / sig                                  # (D, C, K)
            phi = np.exp(-0.5 * u * u) * (1.0 / math.sqrt(2.0 * math.pi))
            cdf = ndtr(u)
            psi = u * cdf + phi
            # E[ramp_k(m + sigma Z)], the Gaussian average of the ramp from x_k to x_{k+1}
            ramp = sig / h * (psi[..., :-1] - psi[..., 1:])
            if (h < 1e-9 * sig).any():
                ramp = np.where(h < 1e-9 * sig, cdf[..., :-1], ramp)
            step = np.diff(g, axis=1)[:, None, :]                          # g_{k+1} - g_k
            # the interpolant's own error at m is kept in proportion to how little sigma averages it out
            # (the Gaussian damps an error of period h by exp(-2 pi^2 sigma^2 / h^2)); exact at sigma = 0
            damping = -2.0 * (math.pi * sigma) ** 2
            keep = np.zeros(log_n.shape)
            if (np.exp(damping / h.max(axis=-1)[:, 0] ** 2) > 1e-15).any():
                inside = (m > x[:, None, :-1]) & (m < x[:, None, 1:])
                at_m = np.clip((m - x[:, None, :-1]) / h, 0.0, 1.0)       # ramp_k(m)
                segment = np.where(inside, h, np.inf).min(axis=-1)
                keep = np.exp(damping[:, None] / segment ** 2)
                weight = ramp - keep[..., None] * at_m
            else:
                weight = ramp
            p = np.clip((1.0 - keep) * g[:, :1] + keep * g_m + (step * weight).sum(axis=-1), 0.0, 1.0)
            if dg is None:
                return p, None
            # p is linear in the knot values: sum_k w_k (dg_{k+1} - dg_k) + (1 - keep) dg_0
            d_beta = (1.0 - keep) * dg[0][:, :1] + np.einsum("dck,dk->dc", weight, np.diff(dg[0], axis=1))
            d_kappa = (1.0 - keep) * dg[1][:, :1] + np.einsum("dck,dk->dc", weight, np.diff(dg[1], axis=1))
            slope = step / h
            d_m = np.einsum("dck,dck->dc", slope, cdf[..., :-1] - cdf[..., 1:])
            d_sigma = np.einsum("dck,dck->dc", slope, phi[..., :-1] - phi[..., 1:])
            if keep.any():
                d_m = d_m - keep * (slope * inside).sum(axis=-1)
                d_keep = keep * 2.0 * damping[:, None] / (sigma[:, None] * segment ** 2)
                d_sigma = d_sigma + d_keep * (g_m - g[:, :1] - (step * at_m).sum(axis=-1))
            return p, (d_beta, d_kappa, d_m, d_sigma, keep)

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
        """Bisection on log n between 1e-12 and B (success falls from 1 to 0 there). steps-mixed bisects
        twice: over knots spanning the whole range, then over knots in the window that its curve uses at
        the first answer (so the curve evaluated at the horizon gives the level)."""
        theta = np.atleast_2d(theta)
        log_b = np.exp(theta[:, 2]) / np.exp(theta[:, 0])
        lo = np.full(theta.shape[0], math.log(1e-12))
        hi = log_b + (4.0 * theta[:, 3] if self.mixed else 0.0)
        mixed = self.mixed and bool((theta[:, 3] >= 1e-6).any())
        windows = [None, "answer"] if mixed else [None]
        for window in windows:
            if mixed:
                if window == "answer":
                    middle = 0.5 * (lo + hi)
                    window = self._window(theta, middle[:, None])
                    lo, hi = window[0] - 1.0, np.minimum(window[1], log_b + 4.0 * theta[:, 3])
                x, g, _ = self._knots(theta, False, window)
            for _ in range(_BISECTIONS):
                mid = 0.5 * (lo + hi)
                log_p = self._plain(theta, mid[:, None], False)[0]
                if mixed:
                    p = self._average(np.maximum(theta[:, 3], 1e-300), x, g, mid[:, None], np.exp(log_p))[0]
                    p = np.where(theta[:, 3, None] >= 1e-6, p, np.exp(log_p))
                    with np.errstate(divide="ignore"):
                        log_p = np.log(p)
                above = log_p[:, 0] > math.log(level)
                lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        return np.exp(0.5 * (lo + hi) + theta[:, 1])


FAMILIES = {
    "logistic": Logistic("logistic", ("intercept", "slope")),
    "exponential": Exponential("exponential", ("half_life_minutes",)),
    "weibull": Weibull("weibull", ("scale_minutes", "shape")),
    "steps": Steps("steps", ("beta", "tau_minutes", "budget")),
    "steps-mixed": Steps("steps-mixed", ("beta", "tau_minutes", "budget", "sigma"), mixed=True),
}

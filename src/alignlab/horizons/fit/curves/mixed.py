r"""steps-mixed's Gaussian average of the steps curve over log n, exact for a piecewise-linear interpolant.

:math:`p(t) = E[g(m + \sigma Z)]`, :math:`m = \log(t/\tau)`, with g the steps curve against log n. g can be
a cliff far narrower than sigma (beta > 1, many subtasks), where Gauss-Hermite quadrature in Z fails
(12 nodes: errors up to 0.13 in p). Instead g is computed exactly at knots (:func:`knots`: a scan of
the range the average reaches, then zooms where g falls from logit 6 to -6 and from 2 to -2), replaced
by its piecewise-linear interpolant L, and the Gaussian average of L is exact (:func:`average`). The
knots depend on the parameters only (the scan covers the table's n range and 5 sigma more on each side,
:func:`window`), never on the task lengths asked about, so p(t) is a function of t: a fit, its
cross-validation and ``predict`` evaluate the same curve.

.. math:: E[L(m + \sigma Z)] = g_0 + \sum_k (g_{k+1} - g_k)\,\frac{\sigma}{h_k}
          \Bigl[\psi\Bigl(\frac{m - x_k}{\sigma}\Bigr) - \psi\Bigl(\frac{m - x_{k+1}}{\sigma}\Bigr)\Bigr],
          \qquad \psi(u) = u\Phi(u) + \varphi(u),

plus the interpolant's error at m, g(m) - L(m), weighted by :math:`e^{-2\pi^2\sigma^2/h^2}` (how much the
Gaussian leaves of an error of period h), so that sigma = 0 is exactly ``steps``.
"""

from __future__ import annotations

import math

import numpy as np

from alignlab.numerics.logistic import log_sigmoid
from alignlab.horizons.lomax_table import N_RANGE

SCAN = 24                  # points of the scan of the steps curve against log n
ZOOM_POINTS = 24           # points of each zoom
ZOOM = (6.0, 2.0)          # each zoom rescans where the curve falls from logit +z to -z


def window(theta):
    """Per row, the range of log n the knots cover: the table's n range and 5 sigma (+ 0.5) more each side."""
    reach = 5.0 * theta[:, 3] + 0.5
    return math.log(N_RANGE[0]) - reach, math.log(N_RANGE[1]) + reach


def knots(curve, theta, gradient=True):
    """Knots (:func:`_place` over :func:`window`), the curve g there and, with ``gradient``, dg/d log beta
    and dg/d log kappa at the knots, which are held fixed: they only place the interpolant (so the
    gradient is that of the interpolant through fixed knots)."""
    x, ell, grads = _place(curve, theta, gradient, window(theta))
    g = np.exp(log_sigmoid(np.minimum.accumulate(ell, axis=1)))
    if not gradient:
        return x, g, None
    dg = g * (1.0 - g)
    return x, g, (dg * grads[0], dg * grads[1])                        # dg/d log beta, dg/d log kappa


def _place(curve, theta, gradient, span):
    """Per row, knots x (D, K) in log n where the steps curve ``curve(theta, log_n, gradient)`` is computed
    exactly: a scan of ``span`` = (lo, hi), cut at log B where success ends, then two zooms, each a scan
    across the points where the previous scans saw the curve fall from logit ``ZOOM[i]`` to its negative (a
    cliff narrower than a scan step is resolved by the next). Returns the knots and the curve's logit there,
    with its gradients (in log beta, log kappa and log n at fixed n) when ``gradient``."""
    log_b = np.exp(theta[:, 2]) / np.exp(theta[:, 0])
    hi = np.minimum(span[1], log_b)
    lo = np.minimum(span[0], hi - 1e-3)
    x = lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, SCAN)[None, :]
    ell, grads = curve(theta, x, gradient)
    inner = np.linspace(0.0, 1.0, ZOOM_POINTS + 2)[None, 1:-1]
    for level in ZOOM:
        a = np.clip((ell >= level).sum(axis=1) - 1, 0, x.shape[1] - 1)        # last point above the level
        b = np.clip(x.shape[1] - (ell <= -level).sum(axis=1), 0, x.shape[1] - 1)
        rows = np.arange(theta.shape[0])
        start, stop = x[rows, a], x[rows, b]
        more = start[:, None] + (stop - start)[:, None] * inner
        more_ell, more_grads = curve(theta, more, gradient)
        order = np.argsort(np.concatenate([x, more], axis=1), axis=1, kind="stable")
        x = np.take_along_axis(np.concatenate([x, more], axis=1), order, axis=1)
        ell = np.take_along_axis(np.concatenate([ell, more_ell], axis=1), order, axis=1)
        if gradient:
            grads = tuple(np.take_along_axis(np.concatenate([g0, g1], axis=1), order, axis=1)
                          for g0, g1 in zip(grads, more_grads))
    return x, ell, grads


def average(sigma, x, g, log_n, g_m, dg=None):
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
        phi = np.exp(-0.5 * u * u)
        phi *= 1.0 / math.sqrt(2.0 * math.pi)
        cdf = ndtr(u)
        psi = u * cdf
        psi += phi
        # E[ramp_k(m + sigma Z)], the Gaussian average of the ramp from x_k to x_{k+1}
        ramp = np.subtract(psi[..., :-1], psi[..., 1:])
        ramp *= sig / h
        if (h < 1e-9 * sig).any():
            ramp = np.where(h < 1e-9 * sig, cdf[..., :-1], ramp)
        step = np.diff(g, axis=1)[:, None, :]                          # g_{k+1} - g_k
        # the interpolant's own error at m is kept in proportion to how little sigma averages it out
        # (the Gaussian damps an error of period h by exp(-2 pi^2 sigma^2 / h^2)); exact at sigma = 0
        damping = -2.0 * (math.pi * sigma) ** 2
        keep = np.zeros(log_n.shape)
        # the sums over segments that p and its knot derivatives need, in one pass over ramp
        rises = np.stack([step[:, 0]] + ([] if dg is None else [np.diff(dg[0], axis=1), np.diff(dg[1], axis=1)]),
                         axis=-1)                                                # (D, K-1, 1 or 3)
        sums = np.einsum("dck,dkj->dcj", ramp, rises)
        core = sums[..., 0]
        if (np.exp(damping / h.max(axis=-1)[:, 0] ** 2) > 1e-15).any():
            # the segment holding m (strictly inside it; none at a knot or outside the knots)
            above = (x[:, None, :] < m).sum(axis=-1)                       # knots below m
            k = np.clip(above - 1, 0, x.shape[1] - 2)
            rows = np.arange(x.shape[0])[:, None]
            x0, x1 = x[rows, k], x[rows, k + 1]
            inside = (above >= 1) & (above <= x.shape[1] - 1) & (log_n < x1)
            width = np.where(inside, x1 - x0, np.inf)
            share = np.clip((log_n - x0) / (x1 - x0), 0.0, 1.0)                # ramp_k(m)
            keep = np.exp(damping[:, None] / width ** 2)
            lerp = lambda values: values[rows, k] + (values[rows, k + 1] - values[rows, k]) * share  # noqa: E731
            interpolant = lerp(g)                                              # L(m)
        p = np.clip(g[:, :1] + core + keep * (g_m - interpolant if keep.any() else 0.0), 0.0, 1.0)
        if dg is None:
            return p, None
        # p is linear in the knot values: dg_0 + sum_k ramp_k (dg_{k+1} - dg_k) - keep dL(m)
        d_beta = dg[0][:, :1] + sums[..., 1]
        d_kappa = dg[1][:, :1] + sums[..., 2]
        slope = step / h
        # sum_k slope_k (f_k - f_{k+1}) = sum_k (slope_k - slope_{k-1}) f_k, with slope_{-1} = slope_{K-1} = 0
        bends = np.diff(slope[:, 0], axis=1, prepend=0.0, append=0.0)                     # (D, K)
        d_m = np.einsum("dck,dk->dc", cdf, bends)
        d_sigma = np.einsum("dck,dk->dc", phi, bends)
        if keep.any():
            d_beta = d_beta - keep * lerp(dg[0])
            d_kappa = d_kappa - keep * lerp(dg[1])
            d_m = d_m - keep * np.where(inside, (g[rows, k + 1] - g[rows, k]) / (x1 - x0), 0.0)
            d_keep = keep * 2.0 * damping[:, None] / (sigma[:, None] * width ** 2)
            d_sigma = d_sigma + d_keep * (g_m - interpolant)
        return p, (d_beta, d_kappa, d_m, d_sigma, keep)

r"""An interpolation table of the Lomax-sum CDF, fast enough to sit inside a likelihood.

The steps families need :math:`F_n(y) = P(Y_n \le y)`, :math:`Y_n` the sum of n unit Lomax(beta)
variables (any real n > 0, :class:`alignlab.numerics.LomaxSum`), at every distinct task length of a
data set, for every trial parameter of every bootstrap fit: millions of values, a few microseconds
each. Inverting the Laplace transform per value costs about a millisecond, so the CDF is inverted
once per process on a grid (:func:`table`) and interpolated.

**Coordinates.** The table stores the logit :math:`\ell = \log F_n(y) - \log(1 - F_n(y))` (accurate
in both tails) against

* :math:`\log\beta` and :math:`\log n`, and
* :math:`u = z - \log n - \delta(\beta, n)`, where :math:`z = \log((1+y)^\beta - 1)` is the logit of
  the CDF of one subtask, :math:`F_1(y) = 1 - (1+y)^{-\beta}`.

In z the law of one subtask is the same for every beta (:math:`\ell = z` exactly at n = 1), and both
tails of :math:`\ell` are straight lines: on the right :math:`1 - F_n \approx n(1+y)^{-\beta}` (one
big subtask), so :math:`\ell \approx z - \log n`; on the left, near y = 0, the Lomax density is
beta, so :math:`F_n \approx (\beta y)^n/\Gamma(n+1)` and :math:`\ell \approx n z - \log\Gamma(n+1)`.
Subtracting :math:`\log n` and the offset :math:`\delta(\beta, n) = z_{med}(\beta, n+1) - \log(n+1)`
(:math:`z_{med}(\beta, m)` is z at the median of :math:`Y_m`; :math:`\delta \to 0` smoothly as
n -> 0 and follows the bulk of the law for large n, which drifts like :math:`(\beta-1)\log n` when
beta > 1) keeps the bulk of every law near u = 0, so that at fixed u the table is smooth in
:math:`\log\beta` and :math:`\log n`.

**Construction** (:func:`build_table`, vectorised, a few seconds). For each beta node the
transform :math:`G(s)` (:func:`alignlab.numerics.lomax_log_laplace`) is evaluated once on the
Talbot contours (the nodes of :mod:`alignlab.numerics.laplace`, 32 and 24 nodes) of every point of a
z grid; every n then costs only :math:`\sum_k w_k e^{s_k y} G(s_k)^n / s_k` (and the same with
:math:`1 - G^n` for the right tail). A value is kept where the two contours agree to
:math:`10^{-6}` in the logit. Beyond the last kept value on the right the logit continues with
slope 1 in z (the one-big-subtask asymptote); on the left with the slope at the last kept value
(slope n in the limit y -> 0). Where the contours cannot resolve the bulk at all (beta > 1 with
many subtasks: the law is then narrow, see the ``laplace`` module) the column is the last resolved
column of that beta stretched by the generalized-CLT scaling: the width of :math:`Y_n` grows like
:math:`n^{1/\gamma}`, :math:`\gamma = \min(\beta, 2)`, while its median grows like n, so in u the
bulk narrows like :math:`n^{1/\gamma - 1}`; the right tail keeps its exact asymptote
(``TABLE.resolved`` tells which columns are stretched).

**Interpolation** (:meth:`LomaxTable.logit`): a quintic B-spline in :math:`\log n` and u, through the
grid's values (along each of those axes the coefficients c solve
:math:`(c_{i-2} + 26c_{i-1} + 66c_i + 26c_{i+1} + c_{i+2})/120 = v_i`, with the coefficients beyond the ends
equal to the end ones: :func:`spline_coefficients`), and Catmull-Rom in :math:`\log\beta`, with the
derivatives of the interpolant, so that likelihoods get exact gradients of what they evaluate. The spline is
four times continuously differentiable in log n and u, the coordinates a task's effect moves
(``steps-joint`` integrates over :math:`\log n`), so those integrals converge fast under Gauss-Hermite
quadrature: with Catmull-Rom there (continuous in its first derivative only; before 2026-12-07) and with a
cubic spline (twice; before 2026-12-08) they converged algebraically, and steps-joint's quadrature missed
1e-8 nats (docs/horizons_joint.md). The log n grid is twice as fine as it was (step 0.15): on the old grid
the quintic spline was less accurate than the cubic one. In :math:`\log\beta` (23 nodes) a B-spline's
prefilter spreads the table's bends (the law's change of regime at beta = 2, the stretched columns)
along the axis: the steps curve at beta = 2.5 (n = 8) then missed the exact CDF by 4.7e-4 in p, against 1.4e-5 with
Catmull-Rom. A small C
extension, ``alignlab.horizons._lomax_interp``, does it point by point with the same formulas (built at
install where a C compiler is; else the NumPy kernel runs, :func:`kernel` says which); the two agree to
rounding (``tests/horizons/test_lomax_table.py``). Likelihoods call the table with a few dozen points at a
time, where NumPy's cost per call dominates: the compiled kernel is several times faster there
(``benchmarks/bench_lomax_table.py``). Outside the n range the law is continued: for n below :math:`10^{-3}`
by :math:`1 - F_n(y) \propto n` at fixed y (exact to first order in n); above :math:`10^4` by the last column.
The accuracy against direct inversion is checked in ``tests/horizons``.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass

import numpy as np

BETA_RANGE = (0.05, 4.0)
N_RANGE = (1e-3, 1e4)
_BETA_STEP = 0.2            # grid steps: log beta, log n, u, and the z grid of the inversion
_N_STEP = 0.15
_U_RANGE = (-40.0, 40.0)
_U_STEP = 0.2
_Z_RANGE = (-32.0, 48.0)
_Z_STEP = 0.2
_TALBOT = (32, 24)          # primary contour, check contour
_AGREE = 1e-6               # the two contours agreeing to this (in the logit) count as resolved
_RESOLVED_LOGIT = (-5.0, 8.0)   # a column is resolved when the contours resolve it over this logit range
_BLOCK = 8192
_MAX_LOG_Y = 700.0          # y = (1 + e^z)^(1/beta) - 1 must stay a finite double
# The uniform quintic B-spline on the stencil i-2 .. i+3 of a point t in [0, 1) past node i: weight k is
# sum_p _QUINTIC[k][p] t^p (the basis' polynomial pieces; at t = 0 they are _QUINTIC_AT_NODE / 120)
_QUINTIC = tuple(tuple(c / 120.0 for c in row) for row in (
    (1, -5, 10, -10, 5, -1), (26, -50, 20, 20, -20, 5), (66, 0, -60, 0, 30, -10),
    (26, 50, 20, -20, -20, 10), (1, 5, 10, 10, 5, -5), (0, 0, 0, 0, 0, 1)))
_QUINTIC_AT_NODE = tuple(row[0] * 120.0 for row in _QUINTIC[:-1])   # (1, 26, 66, 26, 1): the weights at t = 0
_WIDTH = len(_QUINTIC)      # coefficients per stencil along log n and u
SPLINE_PAD = _WIDTH // 2 - 1    # coefficients padded on each side of log n and u (the stencil reaches i-2 .. i+3)
KERNELS = ("compiled", "numpy")

try:
    from alignlab.horizons import _lomax_interp
except ImportError:             # not built here (no C compiler at install): the NumPy kernel runs
    _lomax_interp = None


def kernel() -> str:
    """The kernel :meth:`LomaxTable.logit` runs unless told: ``"compiled"`` (the C extension, where it was
    built) or ``"numpy"``."""
    return "compiled" if _lomax_interp is not None else "numpy"


_PARALLEL_POINTS = 16384    # a call with at least this many points is split over the process's threads


def _compiled(table, beta, n, y, rows: int) -> np.ndarray:
    """The compiled kernel on contiguous points: (rows, P), the logit (and its three derivatives for 4 rows).
    A call of :data:`_PARALLEL_POINTS` points or more is split into contiguous slices, one per thread
    (:func:`alignlab._executor.local_threads`; the kernel releases the GIL); each point is its own
    computation, so the values do not depend on the split."""
    from alignlab._executor import local_threads, ordered_map
    size = beta.size
    count = min(local_threads(), size // (_PARALLEL_POINTS // 2)) if size >= _PARALLEL_POINTS else 1
    cuts = np.linspace(0, size, count + 1).astype(int)

    def part(k):
        a, b = cuts[k], cuts[k + 1]
        piece = np.empty((rows, b - a))
        _lomax_interp.logit(table._grid, table._padded, table._padded_delta, table._padded_slope,
                            beta[a:b], n[a:b], y[a:b], piece)
        return piece

    if count == 1:                               # this thread: no pool, no copy
        return part(0)
    return np.concatenate(list(ordered_map(part, range(count), workers=count, threads=True)), axis=1)


def _checked_kernel(name: str | None) -> str:
    if name is None:
        return kernel()
    if name not in KERNELS or (name == "compiled" and _lomax_interp is None):
        available = [k for k in KERNELS if k != "compiled" or _lomax_interp is not None]
        raise ValueError(f"kernel: must be one of {', '.join(available)} here, not {name!r}")
    return name


@dataclass(frozen=True)
class LomaxTable:
    """The grid (see the module docstring). ``values[i, j, k]`` is the logit at ``log_beta[i]``,
    ``log_n[j]``, ``u[k]``; ``delta[i, j]`` the offset of u; ``left_slope[i, j]`` the slope in u that
    continues a column below ``u[0]`` (above ``u[-1]`` the slope is 1); ``resolved[i, j]`` is False
    where the column was stretched from a smaller n."""

    log_beta: np.ndarray
    log_n: np.ndarray
    u: np.ndarray
    values: np.ndarray
    delta: np.ndarray
    left_slope: np.ndarray
    resolved: np.ndarray

    def __post_init__(self):
        # the spline's coefficients, edge-padded (the ends' condition: 1 node along log beta, 2 along log n
        # and u), so that every (4, 6, 6) stencil is one gather with fixed offsets
        pad3, pad2 = ((1, 1), (SPLINE_PAD, SPLINE_PAD), (SPLINE_PAD, SPLINE_PAD)), ((1, 1), (SPLINE_PAD, SPLINE_PAD))
        padded = np.pad(spline_coefficients(self.values, (1, 2)), pad3, mode="edge")
        object.__setattr__(self, "_padded", padded.ravel())
        object.__setattr__(self, "_padded_delta",
                           np.pad(spline_coefficients(self.delta, (1,)), pad2, mode="edge").ravel())
        object.__setattr__(self, "_padded_slope",
                           np.pad(spline_coefficients(self.left_slope, (1,)), pad2, mode="edge").ravel())
        nb, nn, nu = padded.shape
        a, b, c = np.meshgrid(np.arange(4), np.arange(_WIDTH), np.arange(_WIDTH), indexing="ij")
        object.__setattr__(self, "_offsets3", ((a * nn + b) * nu + c).reshape(-1, 1))
        object.__setattr__(self, "_offsets2", (a[:, :, 0] * nn + b[:, :, 0]).reshape(-1, 1))
        object.__setattr__(self, "_strides", (nn * nu, nu))
        # the compiled kernel's view of the grid: per axis its first and last node, step and node count
        grid = [float(x) for nodes in (self.log_beta, self.log_n, self.u)
                for x in (nodes[0], nodes[-1], nodes[1] - nodes[0], nodes.size)]
        object.__setattr__(self, "_grid", np.array(grid))

    def logit(self, beta, n, y, derivatives: bool = False, kernel: str | None = None):
        r"""The logit :math:`\log F_n(y) - \log(1 - F_n(y))` at each (beta, n, y) (arrays that
        broadcast; y > 0); with ``derivatives`` a tuple: the logit and its partial derivatives in
        :math:`\log\beta`, :math:`\log n` and :math:`\log y`. ``kernel``: one of :data:`KERNELS`
        (default :func:`kernel`)."""
        kernel = _checked_kernel(kernel)
        beta, n, y = np.broadcast_arrays(np.asarray(beta, float), np.asarray(n, float), np.asarray(y, float))
        shape = beta.shape
        beta, n, y = beta.ravel(), n.ravel(), y.ravel()
        if kernel == "compiled":
            out = _compiled(self, np.ascontiguousarray(beta), np.ascontiguousarray(n), np.ascontiguousarray(y),
                            4 if derivatives else 1)
            return tuple(row.reshape(shape) for row in out) if derivatives else out[0].reshape(shape)
        # blocks that keep the 144-point stencils in cache (several times faster than one huge block)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):    # -inf/inf tails are meant
            blocks = [self._logit_block(beta[a:a + _BLOCK], n[a:a + _BLOCK], y[a:a + _BLOCK], derivatives)
                      for a in range(0, beta.size, _BLOCK)] or [self._logit_block(beta, n, y, derivatives)]
        if not derivatives:
            return np.concatenate(blocks).reshape(shape)
        return tuple(np.concatenate(parts).reshape(shape) for parts in zip(*blocks))

    def _logit_block(self, beta, n, y, derivatives):
        log_n = np.log(n)
        small = log_n < self.log_n[0]
        log_n_eval = np.maximum(log_n, self.log_n[0])
        z, dz_dlogbeta, dz_dlogy = _z_of_y(beta, y)
        ib, wb, dwb = _catmull_rom_weights(self.log_beta, np.log(beta), True)      # the module docstring
        jn, wn, dwn = _spline_weights(self.log_n, log_n_eval)
        wbn = wb[:, None] * wn[None, :]
        corner2 = ib * (self.log_n.size + 2 * SPLINE_PAD) + jn
        stencil2 = corner2[None, :] + self._offsets2                      # (24, P)
        delta_values = self._padded_delta[stencil2].reshape(4, _WIDTH, -1)
        delta = _contract(delta_values, wbn)
        u = z - log_n_eval - delta
        u_clamped = np.clip(u, self.u[0], self.u[-1])
        ku, wu, dwu = _spline_weights(self.u, u_clamped)
        stride_b, stride_n = self._strides
        corner3 = ib * stride_b + jn * stride_n + ku
        values = self._padded[corner3[None, :] + self._offsets3].reshape(4, _WIDTH, _WIDTH, -1)
        along_u = np.einsum("abcp,cp->abp", values, wu)
        ell = _contract(along_u, wbn)
        below, above = u < self.u[0], u > self.u[-1]
        outside = below | above
        if outside.any():
            slope_values = self._padded_slope[stencil2].reshape(4, _WIDTH, -1)
            slope = np.where(below, _contract(slope_values, wbn), 1.0)
            ell = ell + (u - u_clamped) * slope
        if not derivatives:
            if small.any():
                ell = _below_n_range(ell, log_n - self.log_n[0], small)[0]
            return ell
        wdb_n, wb_dn = dwb[:, None] * wn[None, :], wb[:, None] * dwn[None, :]
        delta_b, delta_n = _contract(delta_values, wdb_n), _contract(delta_values, wb_dn)
        ell_b, ell_n = _contract(along_u, wdb_n), _contract(along_u, wb_dn)
        ell_u = _contract(np.einsum("abcp,cp->abp", values, dwu), wbn)
        if outside.any():
            gap = u - u_clamped
            ell_b = ell_b + gap * np.where(below, _contract(slope_values, wdb_n), 0.0)
            ell_n = ell_n + gap * np.where(below, _contract(slope_values, wb_dn), 0.0)
            ell_u = np.where(outside, slope, ell_u)
        # chain rule through u = z(beta, y) - log n - delta(beta, n)
        d_logbeta = ell_b + ell_u * (dz_dlogbeta - delta_b)
        d_logn = ell_n - ell_u * (1.0 + delta_n)
        d_logy = ell_u * dz_dlogy
        if small.any():
            ell, scale, d_small = _below_n_range(ell, log_n - self.log_n[0], small)
            d_logbeta, d_logy = scale * d_logbeta, scale * d_logy
            d_logn = np.where(small, d_small, d_logn)
        return ell, d_logbeta, d_logn, d_logy


def _contract(values, weights):
    """The sum over the leading (4, 6) stencil (log beta, log n) of values * weights."""
    return np.einsum("abp,abp->p", values, weights)


def _z_of_y(beta, y):
    r""":math:`z = \log((1+y)^\beta - 1)` with its derivatives in :math:`\log\beta` and :math:`\log y`,
    stable from tiny to huge y."""
    log1p_y = np.log1p(y)
    v = beta * log1p_y                        # v = -log P(M > 1 + y): exponential(1) for one subtask
    tail = -np.expm1(-v)                      # 1 - e^-v = F_1(y)
    z = v + np.log(tail)
    ratio = v / tail                          # dz/dlog beta = v e^v / (e^v - 1), -> 1 as v -> 0
    return z, ratio, ratio * y / ((1.0 + y) * log1p_y)


def spline_coefficients(values: np.ndarray, axes) -> np.ndarray:
    r"""The quintic B-spline coefficients that interpolate ``values`` on its grid along ``axes``: along each,
    :math:`(c_{i-2} + 26c_{i-1} + 66c_i + 26c_{i+1} + c_{i+2})/120 = v_i` with :math:`c_{-2} = c_{-1} = c_0`
    and :math:`c_{N+1} = c_N = c_{N-1}` at the ends (the coefficients are edge-padded for evaluation, so the
    spline passes through every node, the end ones included)."""
    out = np.array(values, dtype=float)
    for axis in axes:
        size = out.shape[axis]
        system = np.zeros((size, size))
        rows = np.arange(size)
        for offset, weight in zip(range(-SPLINE_PAD, SPLINE_PAD + 1), _QUINTIC_AT_NODE):
            np.add.at(system, (rows, np.clip(rows + offset, 0, size - 1)), weight / 120.0)
        moved = np.moveaxis(out, axis, 0)
        out = np.moveaxis(np.linalg.solve(system, moved.reshape(size, -1)).reshape(moved.shape), 0, axis)
    return out


def _position(nodes: np.ndarray, x: np.ndarray):
    """The index i of the uniform grid's node at or below x (held inside the grid), the fraction t past it,
    and 1/h where x is inside the grid, else 0 (the derivative beyond it)."""
    h = nodes[1] - nodes[0]
    pos = np.clip((x - nodes[0]) / h, 0.0, nodes.size - 1 - 1e-9)
    i = np.floor(pos).astype(np.intp)
    inside = (x >= nodes[0]) & (x <= nodes[-1])
    return i, pos - i, inside / h


def _spline_weights(nodes: np.ndarray, x: np.ndarray):
    """The quintic B-spline's stencil on a uniform grid: the index i of the node at or below x (the stencil
    is the coefficients i-2 .. i+3), the six weights and their derivatives in x (:data:`_QUINTIC`, by
    Horner's rule in the fraction t past node i)."""
    i, t, scale = _position(nodes, x)
    w = np.empty((_WIDTH,) + np.shape(t))
    dw = np.empty_like(w)
    for k, row in enumerate(_QUINTIC):
        value, slope = row[5], 5 * row[5]
        for power in range(4, -1, -1):
            value = value * t + row[power]
            if power:
                slope = slope * t + power * row[power]
        w[k], dw[k] = value, slope * scale
    return i, w, dw


def _catmull_rom_weights(nodes: np.ndarray, x: np.ndarray, derivatives: bool = False):
    """Catmull-Rom on a uniform grid (through the values themselves): the index i, the four weights of
    the values i-1 .. i+2 (and with ``derivatives`` their derivatives in x)."""
    i, t, scale = _position(nodes, x)
    t2, t3 = t * t, t * t * t
    w = np.stack([(-t3 + 2 * t2 - t) / 2, (3 * t3 - 5 * t2 + 2) / 2, (-3 * t3 + 4 * t2 + t) / 2, (t3 - t2) / 2])
    if not derivatives:
        return i, w
    dw = np.stack([(-3 * t2 + 4 * t - 1) / 2, (9 * t2 - 10 * t) / 2, (-9 * t2 + 8 * t + 1) / 2,
                   (3 * t2 - 2 * t) / 2]) * scale
    return i, w, dw


def _below_n_range(ell, log_ratio, small):
    r"""Below the smallest n of the table, :math:`1 - F_n(y) = n\,\nu(y) + O(n^2)` (:math:`\nu` the Levy
    tail of the Lomax law): the survival function at the table's edge scaled by :math:`n / n_{min}`.
    Returns the logit, its derivative in the edge logit and its derivative in log n."""
    log_s0 = -np.logaddexp(0.0, ell)                          # log(1 - F) at the edge
    log_s = log_s0 + np.minimum(log_ratio, 0.0)
    s = np.exp(log_s)
    new = np.log1p(-s) - log_s
    scale = np.where(small, -np.expm1(log_s0) / (1.0 - s), 1.0)
    return np.where(small, new, ell), scale, -1.0 / (1.0 - s)


def table() -> LomaxTable:
    """The table, built on the first call in a process (a few seconds) and the same object after: a memo of
    :func:`build_table`, which is a pure function. Work sent to other processes carries the caller's
    table with it (the steps curves hold it), so workers never build their own. Threads that ask at once
    (several climbs of a fit) wait for one build."""
    with _BUILDING:
        return _memo()


_BUILDING = threading.Lock()


@functools.cache
def _memo() -> LomaxTable:
    return build_table()


def _grid(low: float, high: float, step: float) -> np.ndarray:
    count = int(math.ceil((high - low) / step - 1e-9)) + 1
    return np.linspace(low, high, count)


def build_table() -> LomaxTable:
    """Invert the transform on the grid (see the module docstring)."""
    log_beta = _grid(math.log(BETA_RANGE[0]), math.log(BETA_RANGE[1]), _BETA_STEP)
    log_n = _grid(math.log(N_RANGE[0]), math.log(N_RANGE[1]), _N_STEP)
    u = _grid(_U_RANGE[0], _U_RANGE[1], _U_STEP)
    # one beta node at a time, in this thread: threads gained 20% here, and a build that waited on the shared
    # thread pools while holding table()'s lock could wait forever on pool threads waiting for that lock
    columns = [_beta_column(beta, log_n, u) for beta in np.exp(log_beta)]
    values, delta, resolved = (np.stack(parts) for parts in zip(*columns))
    left_slope = (values[..., 1] - values[..., 0]) / (u[1] - u[0])
    return LomaxTable(log_beta, log_n, u, values, delta, left_slope, resolved)


def _beta_column(beta: float, log_n: np.ndarray, u: np.ndarray):
    """The table at one beta node: the logit at every (log n, u), the offsets delta and which n are resolved."""
    n = np.exp(log_n)
    values = np.empty((n.size, u.size))
    z = _grid(_Z_RANGE[0], min(_Z_RANGE[1], beta * _MAX_LOG_Y - 1.0), _Z_STEP)
    ell, ok = _logit_curves(beta, z, n)
    filled, resolved = _fill(z, ell, ok)
    delta = _offsets(beta, z, filled, resolved, log_n)
    for j in range(n.size):
        if resolved[j]:
            values[j] = _resample(z, filled[j], u + log_n[j] + delta[j])
        else:
            last = np.flatnonzero(resolved[:j])[-1]
            values[j] = _stretched(beta, n[j] / n[last], u, values[last], delta[j])
    return values, delta, resolved


def _logit_curves(beta: float, z: np.ndarray, ns: np.ndarray):
    """The logit of F_n at y(z) for every n (rows), from the primary Talbot contour, and where the
    check contour agrees with it."""
    from alignlab.numerics.laplace import talbot_contour
    from alignlab.numerics.lomax_sum import lomax_log_laplace

    y = np.expm1(np.logaddexp(0.0, z) / beta)
    contours = [talbot_contour(m) for m in _TALBOT]
    split = contours[0][0].size
    scale = np.repeat([float(m) for m in _TALBOT], [c[0].size for c in contours])[None, :] / y[:, None]
    s = scale * np.concatenate([c[0] for c in contours])[None, :]
    log_weight = np.log(scale * np.concatenate([c[1] for c in contours])[None, :] / s) + s * y[:, None]
    log_g = lomax_log_laplace(s.ravel(), beta).reshape(s.shape)
    with np.errstate(all="ignore"):
        power = ns[:, None, None] * log_g[None]
        cdf = np.exp(power + log_weight)
        sf = -np.expm1(power) * np.exp(log_weight)
        primary = np.log(cdf[..., :split].sum(axis=2).real) - np.log(sf[..., :split].sum(axis=2).real)
        check = np.log(cdf[..., split:].sum(axis=2).real) - np.log(sf[..., split:].sum(axis=2).real)
        ok = np.isfinite(primary) & (np.abs(primary - check) <= _AGREE * (1.0 + np.abs(primary)))
    return primary, ok


def _fill(z: np.ndarray, ell: np.ndarray, ok: np.ndarray):
    """Each row: the longest resolved run, made monotone, continued by straight lines (slope 1 on the
    right: the one-big-subtask asymptote; the run's end slope on the left). Returns the filled rows
    and whether each row counts as resolved (the run reaches logit -5 and 8, or the ends
    of the z grid: for small n, F_n stays near 1 down to the smallest y of the grid)."""
    filled = np.full_like(ell, np.nan)
    resolved = np.zeros(ell.shape[0], dtype=bool)
    h = z[1] - z[0]
    for j in range(ell.shape[0]):
        runs = np.split(np.arange(z.size), np.flatnonzero(np.diff(ok[j].astype(int)) != 0) + 1)
        runs = [r for r in runs if ok[j, r[0]] and r.size >= 4]
        if not runs:
            continue
        run = max(runs, key=len)
        a, b = run[0], run[-1]
        row = np.maximum.accumulate(ell[j, a:b + 1])
        resolved[j] = (row[0] <= _RESOLVED_LOGIT[0] or a == 0) and (row[-1] >= _RESOLVED_LOGIT[1] or b == z.size - 1)
        left = max((row[1] - row[0]) / h, 1e-6)
        filled[j] = np.concatenate([row[0] + (z[:a] - z[a]) * left, row, row[-1] + (z[b + 1:] - z[b])])
    return filled, resolved


def _resample(z: np.ndarray, row: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The filled row at the points ``at`` (Catmull-Rom inside the z grid, its straight ends outside)."""
    i, w = _catmull_rom_weights(z, at)
    inside = (row[np.clip(i + np.arange(-1, 3)[:, None], 0, z.size - 1)] * w).sum(axis=0)
    left = (row[1] - row[0]) / (z[1] - z[0])
    return np.where(at < z[0], row[0] + (at - z[0]) * left, np.where(at > z[-1], row[-1] + (at - z[-1]), inside))


def _offsets(beta: float, z: np.ndarray, filled: np.ndarray, resolved: np.ndarray, log_n: np.ndarray):
    r"""delta(beta, n) = z_med(beta, n + 1) - log(n + 1), with z_med interpolated in log n between the
    medians of the resolved rows; beyond them (beta > 1, narrow laws) the median moves with the mean
    n/(beta - 1)."""
    rows = np.flatnonzero(resolved & (log_n >= -0.5))
    medians = np.array([np.interp(0.0, filled[j], z) for j in rows])
    target = np.log1p(np.exp(log_n))
    z_med = np.interp(target, log_n[rows], medians)
    beyond = target > log_n[rows[-1]]
    if beyond.any() and beta > 1.0:
        def z_mean(log_m):
            return np.log(np.expm1(beta * np.log1p(np.exp(log_m) / (beta - 1.0))))
        z_med = np.where(beyond, medians[-1] + z_mean(target) - z_mean(log_n[rows[-1]]), z_med)
    return z_med - target


def _stretched(beta: float, ratio: float, u: np.ndarray, base: np.ndarray, delta: float) -> np.ndarray:
    r"""A column the contours cannot resolve (a narrow law: beta > 1 and many subtasks) from the last
    resolved column of the same beta, n/n_0 = ``ratio`` times smaller: the bulk narrows in u like
    :math:`(n/n_0)^{1/\gamma - 1}`, :math:`\gamma = \min(\beta, 2)`, and the right tail keeps the
    one-big-subtask asymptote :math:`1 - F \approx n(1+y)^{-\beta}`, i.e. logit = u + delta. Below the
    threshold u already scales the law (its bulk sits at z ~ log n) and the column is kept."""
    if beta <= 1.0:
        return base
    stretch = ratio ** (1.0 - 1.0 / min(beta, 2.0))
    at = u * stretch
    left = (base[1] - base[0]) / (u[1] - u[0])
    bulk = np.where(at < u[0], base[0] + (at - u[0]) * left,
                    np.where(at > u[-1], base[-1] + (at - u[-1]), np.interp(at, u, base)))
    # the right tail cannot rise faster than the one-big-subtask line: a smooth minimum of the two
    return bulk - np.logaddexp(0.0, bulk - (u + delta))

r"""Log-space adaptive quadrature for many integrals at once, accurate deep in the tails.

Every integral of :mod:`alignlab.goodhart` (and any other tail-sensitive integral) has the form :math:`\int e^{g(v)}\,dv` for a log
integrand ``g`` whose mass sits near a few known places (the median of each variable, support
edges, the point where the two tails balance) and spreads over many scales in between (a
power-law tail is as important at 1e3 as at 1e30). :func:`log_integral` handles a batch of such
integrals, one per row, in four steps:

1. **Fans.** Around every anchor ``a`` with scale ``w`` the line is cut into a short linear panel
   ``[a, a + w/8]`` and then panels in the log offset ``s = log|v - a|`` of width ``DS`` until the
   midpoint to the next anchor, or, on the outside, until the integrand is negligible (found by
   probing outward). In ``s`` a power law is an exponential, so a 15-point rule is exact to
   rounding on every panel, whatever the scale. Support edges get fans that reach 1e-26 of the
   gap, which absorbs integrable endpoint singularities. At an edge ``e != 0`` where the integrand
   is singular (infinite there, or growing toward it), offsets that small would land on ``e``
   itself (doubles near ``e`` are
   ``|e| * 2^-52`` apart): there the fan stops at ``|e| * RESOLVE``, the mass closer in is
   extrapolated from the integrand's log-linear decay in the log offset (exact for a power-law
   singularity), and the row is refined to ``SINGULAR_RTOL`` at most.
2. **Peak.** The largest value on the fan breakpoints is refined by golden-section search and
   becomes an anchor with its own scale (the distance over which ``g`` drops by 2), so a narrow
   bump far from every anchor (two light tails balancing at ``t/2``) is resolved.
3. **Pruning.** Panels whose mass bound ``width * max(e^g at the ends)`` is below ``e^-40`` of the
   largest are dropped (at most a few hundred panels, so the neglected mass is < 1e-15).
4. **Gauss-Kronrod (7, 15)** on each remaining panel, sums in log space relative to each row's
   maximum, the QUADPACK error estimate, and bisection of the worst panels until the relative
   error estimate is below ``rtol``.

The engine knows nothing about distributions: it sees a callable ``logf(v, rows)`` giving the log
integrand at points ``v`` for the rows (problems) ``rows``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Gauss-Kronrod (7, 15) on [-1, 1] (QUADPACK qk15)
_XK = np.array([0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                0.207784955007898467600689403773245, 0.0])
_WK = np.array([0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                0.204432940075298892414161999234649, 0.209482141084727828012999174891714])
_WG7 = np.array([0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                 0.381830050505118944950369775488975, 0.417959183673469387755102040816327])
NODES = np.concatenate([-_XK[:-1], _XK[::-1]])                      # 15 nodes, ascending
W_KRONROD = np.concatenate([_WK[:-1], _WK[::-1]])
W_GAUSS = np.zeros(15)
W_GAUSS[[1, 3, 5, 7, 9, 11, 13]] = np.concatenate([_WG7[:-1], _WG7[::-1]])

DS = 2.0                  # width of a log-offset panel (ratio e^2 between its ends)
INNER = -3.0 * np.log(2)  # the linear panel next to an anchor has length w * 2^-3
EDGE_DEPTH = 60.0         # fans into a support edge reach e^-60 of the gap
PRUNE = 40.0              # drop panels below e^-40 of the largest
PROBE = 4.0               # outward probes at ratio e^4
EPS = np.finfo(float).eps
MAX_LOG_OFFSET = 700.0    # offsets stay below e^700 ~ 1e304, inside the double range
INSET = 1e-6              # breakpoints are evaluated this far inside their panels (edges may be singular)
RESOLVE = 2.0 ** -26      # the closest a fan comes to a singular edge e != 0: |e| RESOLVE, 2^26 doubles away
SINGULAR_RTOL = 1e-9      # rows with such an edge stop refining here: the rounding of the offsets next to it
                          # (|e| eps against |e| RESOLVE) is noise no finer panel removes
RTOL = 1e-11              # the relative accuracy alignlab asks of its tail integrals by default


@dataclass(frozen=True)
class LogIntegral:
    """``log_value[i] = log int exp(logf(v, i)) dv`` with a relative error estimate.

    ``rel_error`` combines the Gauss-Kronrod estimate with the rounding floor of evaluating the
    log integrand (``eps * |g|`` near the peak); ``inf`` where the row did not converge.
    """

    log_value: np.ndarray
    rel_error: np.ndarray
    peak: np.ndarray
    evaluations: int


LogF = Callable[[np.ndarray, np.ndarray], np.ndarray]


def log_integral(logf: LogF, lo, hi, anchors, scales, *, rtol: float = 1e-12, max_rounds: int = 40,
                 lo_scale=None, hi_scale=None) -> LogIntegral:
    """Integrate ``exp(logf)`` over ``[lo[i], hi[i]]`` for every row ``i`` (limits may be infinite).

    ``anchors`` and ``scales`` have shape (rows, k): places where mass may sit and the length on
    which the integrand varies there (``nan`` for none). A finite limit is an edge where the
    integrand may be singular, unless ``lo_scale``/``hi_scale`` give it a scale (the integrand is
    smooth across it). Rows with ``lo >= hi`` give ``-inf``.
    """
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    B = lo.size
    lo_scale = np.full(B, np.nan) if lo_scale is None else np.broadcast_to(np.asarray(lo_scale, float), (B,))
    hi_scale = np.full(B, np.nan) if hi_scale is None else np.broadcast_to(np.asarray(hi_scale, float), (B,))
    anchors = np.atleast_2d(np.asarray(anchors, dtype=float)).reshape(B, -1)
    scales = np.atleast_2d(np.asarray(scales, dtype=float)).reshape(B, -1)
    counter = _Counter(logf)
    out_log = np.full(B, -np.inf)
    out_err = np.zeros(B)
    out_peak = np.full(B, np.nan)
    live = np.flatnonzero(hi > lo)
    if live.size == 0:
        return LogIntegral(out_log, out_err, out_peak, 0)
    lo, hi, anchors, scales = lo[live], hi[live], anchors[live], scales[live]
    limit_scales = (lo_scale[live], hi_scale[live])
    f = _Rows(counter, live)

    pts, wid = _anchor_table(lo, hi, anchors, scales, *limit_scales)
    floors = _singular_edges(f, lo, hi, *limit_scales)
    ext_lo, ext_hi, leak = _extents(f, pts, wid, lo, hi)
    peak, peak_scale, g_peak = _find_peak(f, pts, wid, lo, hi, ext_lo, ext_hi, floors)
    # a peak inside an anchor's linear panel, no narrower than it, is already resolved
    covered = (np.abs(pts - peak[:, None]) <= np.exp(INNER) * wid) & (peak_scale[:, None] >= np.exp(INNER) * wid)
    new = np.where(covered.any(axis=1), np.nan, peak)
    pts, wid = _anchor_table(lo, hi, np.column_stack([anchors, new]), np.column_stack([scales, peak_scale]),
                             *limit_scales)
    panels = _fan_panels(pts, wid, lo, hi, ext_lo, ext_hi, floors)
    panels = _prune(f, panels)
    # exp(g) carries the rounding of g (eps |g|) and of the peak's position (eps |v| g'): no rule
    # can do better, so refinement stops there. A peak at an anchor varies on the anchor's scale.
    g_abs = np.where(np.isfinite(g_peak), np.abs(g_peak), 0.0)
    near = np.nanargmin(np.where(np.isnan(pts), np.inf, np.abs(pts - peak[:, None])), axis=1)
    w_near = wid[np.arange(lo.size), near]            # nan where the nearest point is a hard edge
    scale_at_peak = np.where(np.isfinite(peak_scale), peak_scale, w_near)
    interior = (peak - lo > 4 * scale_at_peak) & (hi - peak > 4 * scale_at_peak)
    position = np.where(interior, np.nan_to_num(np.abs(peak) / scale_at_peak, nan=0.0, posinf=0.0), 0.0)
    rounding = 8 * EPS * (g_abs + 1.0 + position)
    floor = np.where(np.isfinite(floors[0]) | np.isfinite(floors[1]), SINGULAR_RTOL, 0.0)
    log_value, rel_error = _gauss_kronrod(f, panels, lo.size, np.maximum(np.maximum(rtol, 8 * rounding), floor),
                                          max_rounds)
    # mass the fans cannot reach: beyond e^700 (super-heavy tails) or inside e^-60 of a hard edge
    edge_leak, edge_mass = _edge_leak(f, pts, wid, lo, hi, floors)
    leak = np.logaddexp(leak, edge_leak)
    if np.isfinite(edge_mass).any():               # singular edges: the extrapolated mass inside the floor
        total = np.logaddexp(log_value, edge_mass)
        with np.errstate(invalid="ignore"):
            rel_error = np.where(np.isfinite(total), rel_error * np.exp(log_value - total), rel_error)
        log_value = total
    with np.errstate(over="ignore", invalid="ignore"):
        rel_error = rel_error + np.nan_to_num(np.exp(leak - log_value), nan=0.0)
    unresolved = interior & np.isfinite(g_peak) & (scale_at_peak < 64 * EPS * np.maximum(np.abs(peak), 1e-300))
    rel_error = np.where(unresolved, np.inf, np.where(np.isfinite(log_value), rel_error + rounding, 0.0))
    out_log[live], out_err[live], out_peak[live] = log_value, rel_error, peak
    return LogIntegral(out_log, out_err, out_peak, counter.calls)


class _Counter:
    def __init__(self, logf):
        self.logf, self.calls = logf, 0

    def __call__(self, v, rows):
        self.calls += v.size
        out = np.asarray(self.logf(v, rows), dtype=float)
        if np.isnan(out).any():
            i = int(np.flatnonzero(np.isnan(out))[0])
            raise FloatingPointError(f"log integrand is nan at v = {v.flat[i]!r} (row {rows.flat[i]})")
        return np.where(out == np.inf, np.finfo(float).max, out)


class _Rows:
    """The integrand seen with row numbers local to the live rows."""

    def __init__(self, counter, live):
        self.counter, self.live = counter, live

    def __call__(self, v, rows):
        return self.counter(v, self.live[rows])


def _anchor_table(lo, hi, anchors, scales, lo_scale, hi_scale):
    """Sorted distinct anchor positions per row, with finite limits added (scale nan: a true edge)."""
    B = lo.size
    a = np.where(np.isfinite(anchors) & np.isfinite(scales) & (scales > 0), anchors, np.nan)
    a = np.where((a <= lo[:, None]) | (a >= hi[:, None]), np.nan, a)       # limits are edges, added below
    w = np.where(np.isnan(a), np.nan, scales)
    pts = np.column_stack([np.where(np.isfinite(lo), lo, np.nan), a, np.where(np.isfinite(hi), hi, np.nan)])
    wid = np.column_stack([np.where(np.isfinite(lo), lo_scale, np.nan), w, np.where(np.isfinite(hi), hi_scale, np.nan)])
    order = np.argsort(np.where(np.isnan(pts), np.inf, pts), axis=1, kind="stable")
    pts = np.take_along_axis(pts, order, axis=1)
    wid = np.take_along_axis(wid, order, axis=1)
    last = pts[:, 0].copy()
    last_col = np.zeros(B, dtype=int)
    rows = np.arange(B)
    for j in range(1, pts.shape[1]):           # merge anchors equal to rounding, keeping the smaller scale
        dup = np.abs(pts[:, j] - last) <= 4 * EPS * np.maximum(np.abs(last), 1e-300)
        wid[rows[dup], last_col[dup]] = np.fmin(wid[rows[dup], last_col[dup]], wid[dup, j])
        pts[dup, j] = np.nan
        new = ~dup & ~np.isnan(pts[:, j])
        last = np.where(new, pts[:, j], last)
        last_col = np.where(new, j, last_col)
    order = np.argsort(np.where(np.isnan(pts), np.inf, pts), axis=1, kind="stable")
    return np.take_along_axis(pts, order, axis=1), np.take_along_axis(wid, order, axis=1)


def _outermost(pts, wid):
    """First and last anchor (position, scale) per row."""
    valid = ~np.isnan(pts)
    first = np.argmax(valid, axis=1)
    last = pts.shape[1] - 1 - np.argmax(valid[:, ::-1], axis=1)
    rows = np.arange(pts.shape[0])
    p_lo, p_hi = pts[rows, first], pts[rows, last]
    return (np.where(np.isnan(p_lo), 0.0, p_lo), wid[rows, first], np.where(np.isnan(p_hi), 0.0, p_hi),
            wid[rows, last])


def _extents(f, pts, wid, lo, hi):
    """How far the outer fans must reach: probe outward at ratio e^PROBE until two probes in a
    row carry negligible mass. Returns log offsets from the outermost anchors (nan: finite limit)
    and the log mass bound left beyond the double range where probing had to stop (-inf if none)."""
    p_lo, w_lo, p_hi, w_hi = _outermost(pts, wid)
    B = lo.size
    rows = np.arange(B)
    ref = np.full(B, -np.inf)
    valid = ~np.isnan(pts) & ~np.isnan(wid)
    if valid.any():
        r, c = np.nonzero(valid)
        vals = f(pts[r, c], r) + np.log(wid[r, c])
        np.maximum.at(ref, r, vals)
    out = []
    leak = np.full(B, -np.inf)
    for origin, scale, direction, open_end in ((p_lo, w_lo, -1.0, ~np.isfinite(lo)),
                                               (p_hi, w_hi, 1.0, ~np.isfinite(hi))):
        scale = np.where(np.isnan(scale), 1.0, scale)
        log_off = np.log(scale)
        quiet = np.zeros(B, dtype=int)
        active = open_end.copy()
        reach = np.full(B, np.nan)
        reach[open_end] = log_off[open_end]
        previous = np.full(B, -np.inf)
        step = 0
        while active.any() and step < 200:
            step += 1
            idx = np.flatnonzero(active)
            lo_ = np.minimum(log_off[idx] + PROBE * step, MAX_LOG_OFFSET)
            x = origin[idx] + direction * np.exp(lo_)
            mass = f(x, rows[idx]) + lo_              # ~ the mass per unit of log offset there
            ref[idx] = np.maximum(ref[idx], mass)
            negligible = (mass < ref[idx] - PRUNE - 10) | ~np.isfinite(x)
            quiet[idx] = np.where(negligible, quiet[idx] + 1, 0)
            reach[idx] = lo_
            active[idx] = (quiet[idx] < 2) & (lo_ < MAX_LOG_OFFSET)
            # a tail heavier than the double range (super-heavy): bound what lies beyond by the
            # geometric series of the last two probes, doubled
            stopped = (quiet[idx] < 2) & (lo_ >= MAX_LOG_OFFSET)
            if stopped.any():
                with np.errstate(invalid="ignore"):
                    beyond = mass + _log_series(mass - previous[idx], PROBE)
                leak[idx] = np.where(stopped, np.logaddexp(leak[idx], np.nan_to_num(beyond, nan=np.inf)), leak[idx])
            previous[idx] = mass
        out.append(np.where(open_end, reach, np.nan))
    return out[0], out[1], leak


def _singular_edges(f, lo, hi, lo_scale, hi_scale):
    """Per row, the log of the smallest offset a fan may take into the lower and the upper limit:
    ``log(|e| RESOLVE)`` at a hard edge ``e != 0`` where the integrand is singular, else -inf (no floor).

    Singular: infinite at ``e``, or growing toward ``e`` (the mass per unit log offset falls toward the
    edge at a rate below 0.9, where a bounded integrand gives 1), measured at offsets ``|e| RESOLVE``
    and ``e^DS`` times that. The value at ``e`` alone can miss it: ``e`` rounded to a double may lie
    just outside the support, where the integrand is zero."""
    out = []
    width = hi - lo
    for edge, scale, inward in ((lo, lo_scale, 1.0), (hi, hi_scale, -1.0)):
        floor = np.full(edge.size, -np.inf)
        hard = np.flatnonzero(np.isfinite(edge) & np.isnan(scale) & (edge != 0)
                              & (width > 2 * np.abs(edge) * RESOLVE * np.exp(DS)))
        if hard.size:
            e = edge[hard]
            x = [e + inward * np.abs(e) * RESOLVE * np.exp(j * DS) for j in range(2)]
            grows = grows_toward(*(f(xj, hard) for xj in x), *(np.log(np.abs(xj - e)) for xj in x))
            singular = hard[(f(e, hard) >= np.finfo(float).max) | grows]
            floor[singular] = np.log(np.abs(edge[singular]) * RESOLVE)
        out.append(floor)
    return out


def grows_toward(log_near, log_far, log_offset_near, log_offset_far):
    """Whether an integrand is unbounded toward an edge, from its logs at two offsets from it: its
    mass per unit log offset, ``log f + log d``, falls toward the edge at a rate below 0.9 (a bounded
    integrand gives 1, a power singularity ``d^-p`` gives ``1 - p``)."""
    near, far = log_near + log_offset_near, log_far + log_offset_far
    with np.errstate(invalid="ignore"):
        return np.isfinite(near) & ((far - near) / (log_offset_far - log_offset_near) < 0.9)


def _point_floors(pts, lo, hi, floors):
    """The floors of :func:`_singular_edges` at the points of the anchor table (-inf elsewhere)."""
    out = np.full(pts.shape, -np.inf)
    if floors is not None:
        out = np.where(pts == lo[:, None], floors[0][:, None], out)
        out = np.where(pts == hi[:, None], floors[1][:, None], out)
    return out


def _fan_panels(pts, wid, lo, hi, ext_lo, ext_hi, floors=None):
    """Panels (row, origin, direction, s0, s1, is_log) tiling [lo, hi] from the anchors' fans; ``floors``
    (:func:`_singular_edges`) stop the fans into singular edges short of them."""
    B, A = pts.shape
    rows = np.repeat(np.arange(B), A)
    p = pts.ravel()
    w = wid.ravel()
    nxt = np.column_stack([pts[:, 1:], np.full(B, np.nan)]).ravel()
    prv = np.column_stack([np.full(B, np.nan), pts[:, :-1]]).ravel()
    is_edge = np.isnan(w) & ~np.isnan(p)
    floor = np.where(is_edge, _point_floors(pts, lo, hi, floors).ravel(), -np.inf)
    singular = np.isfinite(floor)
    e_lo = np.repeat(ext_lo, A)
    e_hi = np.repeat(ext_hi, A)
    pieces = []
    for direction, neighbour, ext in ((1.0, nxt, e_hi), (-1.0, prv, e_lo)):
        with np.errstate(invalid="ignore"):
            half = np.abs(neighbour - p) / 2
        outer = np.isnan(neighbour) & ~np.isnan(p)
        length = np.where(outer, np.exp(np.minimum(ext, MAX_LOG_OFFSET)), half)
        use = ~np.isnan(p) & ~np.isnan(length) & (length > 0)
        log_len = np.log(np.where(use, length, 1.0))
        log_r0 = np.where(is_edge, np.maximum(log_len - EDGE_DEPTH, floor),
                          np.log(np.where(np.isnan(w), 1.0, w)) + INNER)
        log_r0 = np.minimum(log_r0, log_len)
        n_log = np.where(use, np.ceil((log_len - log_r0) / DS - 1e-9).astype(int), 0)
        n_log = np.maximum(n_log, 0)
        # linear panel [0, r0]; at a singular edge its mass is the edge leak instead
        idx = np.flatnonzero(use & ~singular)
        pieces.append((rows[idx], p[idx], np.full(idx.size, direction), np.zeros(idx.size),
                       np.exp(log_r0[idx]), np.zeros(idx.size, dtype=bool)))
        k_max = int(n_log.max()) if n_log.size else 0
        if k_max:
            k = np.arange(k_max)
            sel_r, sel_k = np.nonzero(k[None, :] < n_log[:, None])
            s0 = log_r0[sel_r] + DS * sel_k
            s1 = np.minimum(s0 + DS, log_len[sel_r])
            pieces.append((rows[sel_r], p[sel_r], np.full(sel_r.size, direction), s0, s1,
                           np.ones(sel_r.size, dtype=bool)))
    cols = [np.concatenate([pc[i] for pc in pieces]) for i in range(6)]
    keep = cols[4] > cols[3]
    return _Panels(*(c[keep] for c in cols))


@dataclass
class _Panels:
    row: np.ndarray
    origin: np.ndarray
    direction: np.ndarray
    s0: np.ndarray
    s1: np.ndarray
    is_log: np.ndarray

    def select(self, mask):
        return _Panels(self.row[mask], self.origin[mask], self.direction[mask], self.s0[mask], self.s1[mask],
                       self.is_log[mask])

    def points(self, y):
        """Points and Jacobians at reference nodes y in [-1, 1]; shape (panels, len(y))."""
        half = (self.s1 - self.s0)[:, None] / 2
        s = (self.s0 + self.s1)[:, None] / 2 + half * np.asarray(y)[None, :]
        with np.errstate(over="ignore"):
            off = np.where(self.is_log[:, None], np.exp(s), s)
        jac = np.where(self.is_log[:, None], off, 1.0) * half
        return self.origin[:, None] + self.direction[:, None] * off, jac

    def ends(self, inset: float = 0.0):
        """The panel's ends, or points ``inset`` of the way in (where an edge may be singular)."""
        s0 = self.s0 + inset * (self.s1 - self.s0)
        s1 = self.s1 - inset * (self.s1 - self.s0)
        with np.errstate(over="ignore"):
            lo_s = np.where(self.is_log, np.exp(s0), s0)
            hi_s = np.where(self.is_log, np.exp(s1), s1)
        return self.origin + self.direction * lo_s, self.origin + self.direction * hi_s


def _find_peak(f, pts, wid, lo, hi, ext_lo, ext_hi, floors=None):
    """Position of the largest integrand value and its scale. A maximum at an anchor is resolved
    by that anchor's fans; one between fan breakpoints is refined by golden-section search."""
    panels = _fan_panels(pts, wid, lo, hi, ext_lo, ext_hi, floors)
    a, b = panels.ends(INSET)
    B = lo.size
    xs = np.concatenate([a, b])
    rs = np.concatenate([panels.row, panels.row])
    order = np.lexsort((xs, rs))
    xs, rs = xs[order], rs[order]
    distinct = np.ones(xs.size, dtype=bool)
    distinct[1:] = (xs[1:] != xs[:-1]) | (rs[1:] != rs[:-1])
    xs, rs = xs[distinct], rs[distinct]
    vals = f(xs, rs)
    best = np.full(B, -np.inf)
    np.maximum.at(best, rs, vals)
    first = np.full(B, -1)
    cand = np.flatnonzero(vals == best[rs])
    first[rs[cand[::-1]]] = cand[::-1]                   # first occurrence per row
    has = first >= 0
    i = np.where(has, first, 0)
    n = xs.size
    same_l = (i > 0) & (rs[np.maximum(i - 1, 0)] == rs[i])
    same_r = (i < n - 1) & (rs[np.minimum(i + 1, n - 1)] == rs[i])
    left = np.where(same_l, xs[np.maximum(i - 1, 0)], xs[i])
    right = np.where(same_r, xs[np.minimum(i + 1, n - 1)], xs[i])
    at_anchor = (np.abs(pts - xs[i][:, None]) <= 4 * EPS * np.abs(xs[i][:, None])).any(axis=1)
    refine = np.flatnonzero(has & ~at_anchor & np.isfinite(best))
    peak = np.where(has, xs[i], np.nan)
    g_peak = np.where(has, best, -np.inf)
    scale = np.full(B, np.inf)
    if refine.size:
        p = _golden(f, left[refine], right[refine], refine)
        gp = f(p, refine)
        better = gp >= g_peak[refine]
        peak[refine] = np.where(better, p, peak[refine])
        g_peak[refine] = np.where(better, gp, g_peak[refine])
        scale[refine] = _peak_scale(f, peak[refine], g_peak[refine],
                                    np.maximum(right - peak, peak - left)[refine], lo[refine], hi[refine], refine)
    return peak, scale, g_peak


def _log_series(log_ratio, step):
    """log of 2 * step / (1 - r), r = exp(log_ratio): the tail of a geometric series of masses per
    unit log offset, doubled; huge where the masses hardly fall (r near 1)."""
    r = np.exp(np.minimum(log_ratio, 0.0))
    return np.log(2 * step) - np.log(np.maximum(1 - r, 1e-3))


def _edge_leak(f, pts, wid, lo, hi, floors=None):
    """log of a bound on the mass inside the innermost panel next to each hard edge,
    [e, e + r0] with r0 = e^-EDGE_DEPTH of the half-gap: the geometric series of the densities
    times offsets there and one fan step further out. At a singular edge (``floors``) r0 is the
    floor and the mass inside it is extrapolated instead: returns (log error bound, log mass to add;
    -inf where none)."""
    B = lo.size
    rows = np.arange(B)
    out = np.full(B, -np.inf)
    extra = np.full(B, -np.inf)
    valid = ~np.isnan(pts)
    first = np.argmax(valid, axis=1)
    last = pts.shape[1] - 1 - np.argmax(valid[:, ::-1], axis=1)
    no_floor = np.full(B, -np.inf)
    for edge, idx, nxt, sign, floor in ((lo, first, np.minimum(first + 1, pts.shape[1] - 1), 1.0,
                                         no_floor if floors is None else floors[0]),
                                        (hi, last, np.maximum(last - 1, 0), -1.0,
                                         no_floor if floors is None else floors[1])):
        hard = (np.isfinite(edge) & np.isnan(wid[rows, idx]) & (pts[rows, idx] == edge) & (nxt != idx)
                & ~np.isnan(pts[rows, nxt]))
        if not hard.any():
            continue
        singular = hard & np.isfinite(floor)
        r = np.flatnonzero(hard & ~singular)
        log_r0 = np.log(np.abs(pts[r, nxt[r]] - edge[r]) / 2) - EDGE_DEPTH
        with np.errstate(divide="ignore", invalid="ignore"):
            inner = f(edge[r] + sign * np.exp(log_r0) / 2, r) + log_r0
            outer = f(edge[r] + sign * np.exp(log_r0 + DS / 2), r) + log_r0 + DS / 2
            out[r] = np.where(np.isfinite(inner), inner + _log_series(inner - outer, DS), -np.inf)
        r = np.flatnonzero(singular)
        if r.size:
            log_half = np.log(np.abs(pts[r, nxt[r]] - edge[r]) / 2)
            log_r0 = np.minimum(np.maximum(log_half - EDGE_DEPTH, floor[r]), log_half)
            # mass per unit log offset m(s) = g(e + e^s) + s, growing at rate k away from the edge (an
            # integrable power singularity |v - e|^-p has k = 1 - p exactly): int_-inf^s0 e^m ds = e^m(s0)/k,
            # added to the integral; its error is the change of k over the next DS...
            s, m = [], []
            for j in range(3):
                x = edge[r] + sign * np.exp(log_r0 + j * DS)
                s.append(np.log(np.abs(x - edge[r])))          # the offset x really has (exact: Sterbenz)
                m.append(f(x, r) + s[-1])
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                k1 = np.nan_to_num((m[1] - m[0]) / (s[1] - s[0]), nan=0.0)
                k2 = np.nan_to_num((m[2] - m[1]) / (s[2] - s[1]), nan=0.0)
                decays = np.isfinite(m[0]) & (k1 > 1e-2)
                mass = m[0] - np.log(np.where(decays, k1, 1.0))
                extra[r] = np.where(decays, mass, -np.inf)
                # ... plus the rounding of the fan's innermost offsets (|e| eps against r0), which the
                # Gauss-Kronrod estimate does not see
                change = np.log(np.abs(k1 - k2) / np.where(decays, k1, 1.0) + 8 * EPS / RESOLVE)
                out[r] = np.where(decays, mass + change, np.where(np.isfinite(m[0]), np.inf, -np.inf))
    return out, extra


def _golden(f, a, b, rows, iterations: int = 48):
    inv_phi = (np.sqrt(5.0) - 1) / 2
    a, b = a.copy(), b.copy()
    c = b - inv_phi * (b - a)
    d = a + inv_phi * (b - a)
    fc, fd = f(c, rows), f(d, rows)
    for _ in range(iterations):
        left = fc >= fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new = np.where(left, b - inv_phi * (b - a), a + inv_phi * (b - a))
        fn = f(new, rows)
        d, fd, c, fc = (np.where(left, c, new), np.where(left, fc, fn), np.where(left, new, d),
                        np.where(left, fn, fd))
    return np.where(fc >= fd, c, d)


def _peak_scale(f, peak, g_peak, reach, lo, hi, rows):
    """Largest offset d = reach * 4^-j (j < 30, by bisection) at which g has dropped by at most 2
    on both sides of the peak."""
    reach = np.where(np.isfinite(reach) & (reach > 0), reach, 1.0)
    good = np.full(peak.size, 30)     # smallest j known to be within the drop (30: assume the finest)
    bad = np.full(peak.size, -1)      # largest j known to drop too much
    for _ in range(5):
        j = (good + bad) // 2
        d = reach * 4.0 ** -j
        with np.errstate(invalid="ignore"):
            ok = ((g_peak - f(np.clip(peak - d, lo, hi), rows) <= 2) & (g_peak - f(np.clip(peak + d, lo, hi), rows) <= 2))
        good = np.where(ok, j, good)
        bad = np.where(ok, bad, j)
    return reach * 4.0 ** -np.minimum(good, 29)


def _prune(f, panels):
    """Drop panels whose mass bound is below e^-PRUNE of the row's largest (all of a row whose
    integrand vanishes at every breakpoint: its integral is zero to double precision)."""
    a, b = panels.ends(INSET)
    ga, gb = f(a, panels.row), f(b, panels.row)
    with np.errstate(divide="ignore"):
        mass = np.maximum(ga, gb) + np.log(np.abs(b - a) / (1 - 2 * INSET))
    best = np.full(int(panels.row.max()) + 1, -np.inf)
    np.maximum.at(best, panels.row, mass)
    keep = (mass >= best[panels.row] - PRUNE) & np.isfinite(best[panels.row])
    return panels.select(keep)


def _gauss_kronrod(f, panels, B, rtol, max_rounds, max_panels: int = 4000):
    """Adaptive GK15 over the panels; returns the log integral and its relative error estimate."""
    done_val = np.full(B, -np.inf)            # log of the sum over converged (frozen) panels, per row
    done_err = np.zeros(B)                    # their absolute error, relative to exp(done_val)
    total_log = np.full(B, -np.inf)
    rel = np.full(B, np.inf)
    work = panels
    for _ in range(max_rounds):
        v, jac = work.points(NODES)
        g = f(v.ravel(), np.repeat(work.row, NODES.size)).reshape(v.shape)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            logj = np.log(np.abs(jac))
            lg = g + logj
            m = np.max(lg, axis=1)
            m_ok = np.where(np.isfinite(m), m, 0.0)
            e = np.exp(lg - m_ok[:, None])
            k = e @ W_KRONROD
            gs = e @ W_GAUSS
            resasc = np.abs(e - (k / 2.0)[:, None]) @ W_KRONROD
            err = np.abs(k - gs)
            scaled = np.where((resasc > 0) & (err > 0), resasc * np.minimum(1.0, (200 * err / resasc) ** 1.5), err)
            err = np.maximum(scaled, 50 * EPS * k)
            log_k = np.where(k > 0, np.log(k), -np.inf) + m_ok
            log_k = np.where(np.isfinite(m), log_k, -np.inf)
            log_err = np.where(err > 0, np.log(err), -np.inf) + m_ok
        # row totals: frozen panels + current panels
        cur = np.full(B, -np.inf)
        np.logaddexp.at(cur, work.row, log_k)
        total_log = np.logaddexp(done_val, cur)
        cur_err = np.full(B, -np.inf)
        np.logaddexp.at(cur_err, work.row, np.where(np.isfinite(log_err), log_err, -np.inf))
        with np.errstate(invalid="ignore", over="ignore"):
            err_rel = np.exp(cur_err - total_log) + done_err * np.exp(done_val - total_log)
            err_rel = np.where(np.isfinite(total_log), np.nan_to_num(err_rel, nan=0.0), 0.0)
        rel = err_rel
        rel_panel = np.exp(log_err - total_log[work.row])
        rel_panel = np.where(np.isfinite(total_log[work.row]), rel_panel, 0.0)
        count = np.bincount(work.row, minlength=B)
        unconverged = (rel > rtol) & (count < max_panels)
        split = unconverged[work.row] & (rel_panel > rtol[work.row] * 1e-3)
        freeze = ~split
        # freeze the panels that need no more work
        if freeze.any():
            fr = np.full(B, -np.inf)
            np.logaddexp.at(fr, work.row[freeze], log_k[freeze])
            fe = np.full(B, -np.inf)
            np.logaddexp.at(fe, work.row[freeze], np.where(np.isfinite(log_err[freeze]), log_err[freeze], -np.inf))
            new_done = np.logaddexp(done_val, fr)
            with np.errstate(invalid="ignore", over="ignore"):
                done_err = np.nan_to_num(done_err * np.exp(done_val - new_done) + np.exp(fe - new_done), nan=0.0)
            done_err = np.where(np.isfinite(new_done), done_err, 0.0)
            done_val = new_done
        if not split.any():
            break
        work = _bisect(work.select(split))
    return total_log, rel


def _bisect(panels):
    mid = (panels.s0 + panels.s1) / 2
    return _Panels(np.repeat(panels.row, 2), np.repeat(panels.origin, 2), np.repeat(panels.direction, 2),
                   np.column_stack([panels.s0, mid]).ravel(), np.column_stack([mid, panels.s1]).ravel(),
                   np.repeat(panels.is_log, 2))

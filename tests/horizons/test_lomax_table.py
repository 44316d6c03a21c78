"""The interpolation table of the Lomax-sum CDF against direct Laplace inversion, and the steps curve
against exact CDFs at whole n, Monte Carlo, the semigroup property and the small-y law at real n."""

import math

import numpy as np
import pytest

from alignlab.horizons import lomax_table as lt
from alignlab.horizons.fit.curves import CURVES
from alignlab.numerics.lomax_sum import LomaxSum


@pytest.fixture(scope="module")
def table():
    return lt.table()


def _truth(beta, n, y):
    ev = LomaxSum(beta, n).evaluate(y)
    return math.log(ev.cdf) - math.log(ev.sf)


def _resolved(table, beta, n):
    """Whether every column of the interpolation stencil was resolved by the contours."""
    i = np.searchsorted(table.log_beta, math.log(beta))
    j = np.searchsorted(table.log_n, math.log(n))
    return table.resolved[max(i - 2, 0):i + 2, max(j - 2, 0):j + 2].all()


def test_table_matches_direct_inversion(table):
    """Random (beta, n, y) with the true logit in [-12, 12], in the resolved part of the table.
    Measured (seed 3, 120 points; the quintic spline table on the finer log n grid of 2026-12-08): median
    |logit error| 9.5e-6, 90th percentile 2.7e-4, max 0.0035 where |logit| <= 5 and 0.016 overall (the cubic
    spline table before, 2026-12-07: 2.9e-5, 1.1e-3, 0.018 and 0.019, which fails the median bound; the
    Catmull-Rom table: 3.0e-5, 6.6e-4, 0.021 and 0.024; a 400-point sample then showed up to 0.5 in the far
    left tail of large sums, logit -11.6: success probabilities below 1e-5)."""
    rng = np.random.default_rng(3)
    rows = []
    while len(rows) < 120:
        beta = math.exp(rng.uniform(math.log(0.05), math.log(4.0)))
        n = math.exp(rng.uniform(math.log(1e-3), math.log(300.0)))
        if not _resolved(table, beta, n):
            continue
        scale = (n / beta) if beta > 1 else n ** (1.0 / beta)
        y = scale * math.exp(rng.uniform(-3.0, 3.0))
        if not 1e-10 < y < 1e250:
            continue
        truth = _truth(beta, n, y)
        if abs(truth) <= 12:
            rows.append((beta, n, y, truth))
    beta, n, y, truth = map(np.array, zip(*rows))
    err = np.abs(table.logit(beta, n, y) - truth)
    assert np.median(err) < 2e-5
    assert err[np.abs(truth) <= 5].max() < 0.01
    assert err.max() < 0.03


def test_one_subtask_is_exact(table):
    """At n = 1 the law is Lomax itself: logit F_1(y) = log((1+y)^beta - 1)."""
    beta = np.array([0.1, 0.5, 1.0, 2.5])[:, None]
    y = np.exp(np.linspace(-5, 8, 30))[None, :]
    exact = np.log(np.expm1(beta * np.log1p(y)))
    assert np.abs(table.logit(np.broadcast_to(beta, (4, 30)), np.ones((4, 30)), np.broadcast_to(y, (4, 30)))
                  - exact).max() < 5e-3          # measured: 2.0e-3 (beta = 0.1, logit -7)


@pytest.mark.parametrize("kernel", lt.KERNELS[::-1] if lt.kernel() == "compiled" else ("numpy",))
def test_the_spline_passes_through_every_node_the_end_ones_included(table, kernel):
    """At a grid node (log beta, log n, u) the interpolant is the stored value: the spline's coefficients
    solve the interpolation system with the ends' condition (a wrong end row moves the first and last
    nodes of log n and u)."""
    i = np.array([2, 8, 12, 16])                               # log beta nodes, Catmull-Rom there
    j = np.array([0, 1, 20, table.log_n.size - 2, table.log_n.size - 1])
    k = np.array([0, 1, 150, 200, 250, table.u.size - 2, table.u.size - 1])
    I, J, K = np.meshgrid(i, j, k, indexing="ij")
    beta, log_n, u = np.exp(table.log_beta[I]), table.log_n[J], table.u[K]
    z = u + log_n + table.delta[I, J]                          # u = z - log n - delta(beta, n)
    log_y = np.log(np.expm1(np.logaddexp(0.0, z) / beta))     # z = log((1 + y)^beta - 1)
    ok = np.isfinite(log_y) & (log_y < 700)
    got = table.logit(beta[ok], np.exp(log_n[ok]), np.exp(log_y[ok]), kernel=kernel)
    want = table.values[I, J, K][ok]
    assert ok.sum() > 100
    assert np.max(np.abs(got - want) / (1 + np.abs(want))) < 1e-7


def test_derivatives_are_those_of_the_interpolant(table):
    rng = np.random.default_rng(0)
    beta = np.exp(rng.uniform(-2.5, 1.2, 200))
    n = np.exp(rng.uniform(-6, 5, 200))
    y = np.exp(rng.uniform(-4, 8, 200))
    ell, d_beta, d_n, d_y = table.logit(beta, n, y, derivatives=True)
    h = 1e-6
    for d, (db, dn, dy) in ((d_beta, (h, 0, 0)), (d_n, (0, h, 0)), (d_y, (0, 0, h))):
        up = table.logit(beta * math.exp(db), n * math.exp(dn), y * math.exp(dy))
        down = table.logit(beta * math.exp(-db), n * math.exp(-dn), y * math.exp(-dy))
        fd = (up - down) / (2 * h)
        assert np.max(np.abs(fd - d) / (1 + np.abs(fd))) < 1e-4


def test_steps_curve_at_whole_n_is_the_exact_cdf():
    """p(t) = P(S_n <= B) with n = t / tau whole: the steps family against LomaxSum(beta, n).cdf(B - n)."""
    steps = CURVES["steps"]
    for beta, tau, budget in ((0.4, 2.0, 300.0), (1.5, 5.0, 40.0), (2.5, 1.0, 12.0)):
        theta = steps.theta({"beta": beta, "tau_minutes": tau, "budget": budget})[None]
        n = np.array([1, 2, 3, 5, 8])
        p = np.exp(steps.evaluate(theta, n * tau, gradient=False)[0][0])
        exact = np.array([LomaxSum(beta, int(k)).cdf(budget - k) for k in n])
        assert np.max(np.abs(p - exact)) < 2e-4, (beta, p, exact)


def test_steps_curve_against_monte_carlo_at_whole_n():
    """S_n = sum of n Pareto(beta) subtask times; 200,000 tasks: binomial sd <= 0.0011, tolerance 5 sd."""
    rng = np.random.default_rng(7)
    steps = CURVES["steps"]
    beta, budget, trials = 1.3, 25.0, 200_000
    theta = steps.theta({"beta": beta, "tau_minutes": 1.0, "budget": budget})[None]
    for n in (1, 4, 9):
        s = (rng.pareto(beta, (trials, n)) + 1.0).sum(axis=1)
        mc = (s <= budget).mean()
        p = float(np.exp(steps.evaluate(theta, np.array([float(n)]), gradient=False)[0][0, 0]))
        assert abs(p - mc) < 5 * math.sqrt(mc * (1 - mc) / trials) + 2e-4


def test_real_n_semigroup_with_exact_lomax_draws():
    """Y_{1+f} = Y_1 + Y_f in law (infinite divisibility), for f < 1: F_{1+f}(y) = E[F_f(y - Y_1)], with Y_1
    drawn exactly (Lomax) and F_f from the table at a different n: a check of real n that uses no sampler
    of Y_f. 100,000 draws: the Monte Carlo sd of a mean of values in [0, 1] is at most 0.0016."""
    rng = np.random.default_rng(11)
    table = lt.table()
    for beta, f, y in ((0.6, 0.3, 4.0), (1.8, 0.55, 2.5), (3.0, 0.8, 1.2)):
        y1 = rng.pareto(beta, 100_000)                          # Lomax(beta): P(Y > y) = (1 + y)^-beta
        rest = y - y1
        inner = np.zeros_like(rest)
        ok = rest > 0
        inner[ok] = 1.0 / (1.0 + np.exp(-table.logit(np.full(ok.sum(), beta), np.full(ok.sum(), f), rest[ok])))
        direct = 1.0 / (1.0 + math.exp(-float(table.logit(beta, 1.0 + f, y))))
        assert abs(inner.mean() - direct) < 5 * inner.std() / math.sqrt(inner.size) + 1e-3


def test_real_n_convolution_of_two_fractional_sums():
    """F_{n1+n2}(y) = int F_{n1}(y - x) dF_{n2}(x) for n1, n2 < 1 (both from the table, at three different
    n), by quadrature over the quantiles of Y_{n2}."""
    table = lt.table()
    for beta, n1, n2, y in ((0.7, 0.3, 0.45, 3.0), (2.0, 0.4, 0.5, 0.8)):
        # x = F_{n2}^{-1}(q) by bisection on the table, q at Gauss-Legendre nodes
        q, w = np.polynomial.legendre.leggauss(200)
        q, w = 0.5 * (q + 1), 0.5 * w
        lo, hi = np.full(q.size, 1e-300), np.full(q.size, 1e300)
        target = np.log(q / (1 - q))
        for _ in range(200):
            mid = np.sqrt(lo * hi)
            above = table.logit(np.full(q.size, beta), np.full(q.size, n2), mid) > target
            hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
        x = np.sqrt(lo * hi)
        rest = y - x
        inner = np.where(rest > 0, 1 / (1 + np.exp(-table.logit(np.full(q.size, beta), np.full(q.size, n1),
                                                                 np.maximum(rest, 1e-300)))), 0.0)
        direct = 1 / (1 + math.exp(-float(table.logit(beta, n1 + n2, y))))
        assert abs((w * inner).sum() - direct) < 3e-3


def test_small_y_law_for_fractional_n():
    """Near y = 0 the Lomax density is beta, so F_n(y) ~ (beta y)^n / Gamma(n + 1): the singular density of
    S_n near n when n < 1. Checked against direct inversion and the table."""
    table = lt.table()
    for beta, n in ((0.5, 0.3), (2.0, 0.7), (1.0, 0.05)):
        for y in (1e-7, 1e-5):
            law = n * math.log(beta * y) - math.lgamma(n + 1.0)
            inverted = math.log(LomaxSum(beta, n).cdf(y))
            tabled = -math.log1p(math.exp(-float(table.logit(beta, n, y))))
            assert abs(inverted - law) < 1e-3 * max(1.0, beta) * (1 + n)
            assert abs(tabled - law) < 5e-3


@pytest.mark.skipif(lt._lomax_interp is None, reason="the compiled kernel was not built here (no C compiler)")
@pytest.mark.parametrize("derivatives", [False, True])
def test_compiled_and_numpy_kernels_agree_to_rounding(table, derivatives):
    """Both kernels over the whole domain and beyond it (beta, n outside the grid, n below its range, u
    beyond both ends, huge y): equal infinities, finite values within 1e-12 (relative to 1 + |value|;
    measured 3e-13: only the order of the 64-term stencil sums differs)."""
    rng = np.random.default_rng(5)
    size = 20000
    beta = np.exp(rng.uniform(math.log(0.02), math.log(6.0), size))
    n = np.exp(rng.uniform(math.log(1e-5), math.log(3e4), size))
    y = np.exp(rng.uniform(-20.0, 30.0, size))
    y[:20] = [0.0, np.inf] * 10
    ours = table.logit(beta, n, y, derivatives=derivatives, kernel="compiled")
    reference = table.logit(beta, n, y, derivatives=derivatives, kernel="numpy")
    assert lt.kernel() == "compiled"
    for a, b in zip(*((ours, reference) if derivatives else ((ours,), (reference,)))):
        finite = np.isfinite(b)
        assert (np.isfinite(a) == finite).all() and (a[~finite & ~np.isnan(b)] == b[~finite & ~np.isnan(b)]).all()
        assert np.max(np.abs(a[finite] - b[finite]) / (1.0 + np.abs(b[finite]))) < 1e-12


def test_a_kernel_that_is_not_there_is_refused(table):
    with pytest.raises(ValueError, match="kernel: must be one of"):
        table.logit(1.0, 1.0, 1.0, kernel="fortran")
    assert lt.kernel() in lt.KERNELS


@pytest.mark.skipif(lt._lomax_interp is None, reason="the compiled kernel was not built here (no C compiler)")
@pytest.mark.parametrize("derivatives", [False, True])
def test_a_call_split_over_threads_equals_one_call_bit_for_bit(table, monkeypatch, derivatives):
    """The compiled kernel splits a large call over threads (``_executor.local_threads``); each point is its
    own computation, so any split gives the same doubles, and every point is written (none left unset)."""
    from alignlab import _executor
    rng = np.random.default_rng(8)
    size = 3 * lt._PARALLEL_POINTS + 17                         # uneven slices
    beta = np.exp(rng.uniform(math.log(0.05), math.log(4.0), size))
    n = np.exp(rng.uniform(math.log(1e-3), math.log(1e4), size))
    y = np.exp(rng.uniform(-10.0, 20.0, size))
    monkeypatch.setattr(_executor, "local_threads", lambda: 1)
    one = table.logit(beta, n, y, derivatives=derivatives, kernel="compiled")
    for count in (2, 3):
        monkeypatch.setattr(_executor, "local_threads", lambda: count)
        split = table.logit(beta, n, y, derivatives=derivatives, kernel="compiled")
        for a, b in zip(*((one, split) if derivatives else ((one,), (split,)))):
            np.testing.assert_array_equal(a, b)


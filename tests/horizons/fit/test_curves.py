"""The five curves: gradients, horizons, parameters, and steps-mixed's Gaussian average."""

import math

import numpy as np
import pytest

from alignlab.horizons.fit.curves import CURVES

MINUTES = np.exp(np.linspace(0.0, math.log(1400.0), 25))
POINTS = {
    "logistic": [{"intercept": 1.5, "slope": -0.4}, {"intercept": -0.5, "slope": -1.2}],
    "exponential": [{"half_life_minutes": 40.0}, {"half_life_minutes": 700.0}],
    "weibull": [{"scale_minutes": 30.0, "shape": 0.4}, {"scale_minutes": 300.0, "shape": 1.7}],
    "steps": [{"beta": 0.7, "tau_minutes": 12.0, "budget": 20.0}, {"beta": 2.2, "tau_minutes": 40.0, "budget": 30.0}],
    "steps-mixed": [{"beta": 0.7, "tau_minutes": 12.0, "budget": 20.0, "sigma": 0.8},
                    {"beta": 2.5, "tau_minutes": 3.0, "budget": 60.0, "sigma": 1.7},
                    {"beta": 0.06, "tau_minutes": 20.0, "budget": 1e13, "sigma": 3.0}],
}


def _theta(name):
    curve = CURVES[name]
    return curve, np.array([curve.theta(p) for p in POINTS[name]])


@pytest.mark.parametrize("name", list(CURVES))
def test_gradient_matches_finite_differences(name, monkeypatch):
    """G = grad p / (p (1 - p)) against central differences of p. steps-mixed differentiates its
    interpolant with the knots held where they are (they move with beta and kappa, by up to a few percent
    of the derivative: that only slows the optimiser), so its differences are taken with the knots frozen."""
    curve, theta = _theta(name)
    if name == "steps-mixed":
        from alignlab.horizons.fit.curves import mixed
        frozen = {}
        place = mixed._place

        def fixed(curve_fn, th, gradient, span):
            if "x" not in frozen:
                frozen["x"] = place(curve_fn, th, False, span)[0]
            return (frozen["x"], *curve_fn(th, frozen["x"], gradient))
        monkeypatch.setattr(mixed, "_place", fixed)
    log_p, log_q, g = curve.evaluate(theta, MINUTES)
    p = np.exp(log_p)
    for k in range(curve.k):
        step = np.zeros(curve.k)
        step[k] = 1e-5
        up = np.exp(curve.evaluate(theta + step, MINUTES, gradient=False)[0])
        down = np.exp(curve.evaluate(theta - step, MINUTES, gradient=False)[0])
        fd = (up - down) / 2e-5
        analytic = g[..., k] * p * (1 - p)
        scale = np.abs(fd).max(axis=1, keepdims=True) + 1e-12
        tolerance = 1e-5
        assert np.max(np.abs(fd - analytic) / scale) < tolerance, (name, k)


@pytest.mark.parametrize("name", list(CURVES))
def test_horizons_are_where_the_curve_crosses(name):
    """The curve at the horizon is the level (steps-mixed's knots depend on its parameters only, so the
    bisection and the curve evaluate the same interpolant)."""
    curve, theta = _theta(name)
    tolerance = 1e-6
    for level in (0.5, 0.8):
        t = curve.horizon(theta, level)
        for row, minutes in zip(theta, t):
            p = math.exp(curve.evaluate(row[None], np.array([minutes]), gradient=False)[0][0, 0])
            assert abs(p - level) < tolerance


@pytest.mark.parametrize("name", list(CURVES))
def test_named_parameters_round_trip(name):
    curve, theta = _theta(name)
    for row, named in zip(theta, POINTS[name]):
        got = {k: float(v) for k, v in curve.params(row).items()}
        assert got.keys() == named.keys() == set(curve.param_names)
        for k in named:
            assert abs(got[k] - named[k]) <= 1e-9 * abs(named[k])


def test_closed_forms():
    t = np.array([10.0, 40.0, 160.0])
    p = lambda name, params: np.exp(CURVES[name].evaluate(CURVES[name].theta(params)[None], t, False)[0][0])
    assert np.allclose(p("exponential", {"half_life_minutes": 40.0}), 2.0 ** (-t / 40.0), rtol=1e-12)
    assert np.allclose(p("weibull", {"scale_minutes": 50.0, "shape": 0.5}), np.exp(-(t / 50.0) ** 0.5), rtol=1e-12)
    assert np.allclose(p("logistic", {"intercept": 1.0, "slope": -0.5}),
                       1 / (1 + np.exp(-(1.0 - 0.5 * np.log2(t)))), rtol=1e-12)


def test_steps_mixed_at_sigma_zero_is_steps():
    steps, spread = CURVES["steps"], CURVES["steps-mixed"]
    for params in POINTS["steps"]:
        a = steps.evaluate(steps.theta(params)[None], MINUTES, gradient=False)[0]
        b = spread.evaluate(spread.theta({**params, "sigma": 0.0})[None], MINUTES, gradient=False)[0]
        c = spread.evaluate(spread.theta({**params, "sigma": 1e-3})[None], MINUTES, gradient=False)[0]
        assert np.array_equal(a, b)
        assert np.max(np.abs(np.exp(a) - np.exp(c))) < 1e-3


def test_steps_mixed_is_a_function_of_each_task_length():
    """The success at a task length does not depend on which other lengths are asked about with it."""
    spread = CURVES["steps-mixed"]
    for params in POINTS["steps-mixed"]:
        theta = spread.theta(params)[None]
        together = spread.evaluate(theta, MINUTES, gradient=False)[0][0]
        alone = [spread.evaluate(theta, MINUTES[i:i + 1], gradient=False)[0][0, 0] for i in range(MINUTES.size)]
        assert np.array_equal(together, alone)


def test_steps_mixed_is_the_gaussian_average_of_steps():
    """E over Z of the steps curve at log n + sigma Z, by brute force (6,001-point rule on [-9, 9]) against the
    curve's exact average of its piecewise-linear interpolant. Includes a cliff far narrower than sigma
    (beta 2.5) where Gauss-Hermite quadrature with 12 nodes is off by up to 0.13."""
    steps, spread = CURVES["steps"], CURVES["steps-mixed"]
    z = np.linspace(-9, 9, 6001)
    weight = np.exp(-z * z / 2) / math.sqrt(2 * math.pi) * (z[1] - z[0])
    t = MINUTES[::3]
    for params in POINTS["steps-mixed"]:
        plain = steps.theta({k: v for k, v in params.items() if k != "sigma"})[None]
        brute = np.array([(np.exp(steps.evaluate(plain, m * np.exp(params["sigma"] * z), False)[0][0]) * weight).sum()
                          for m in t])
        ours = np.exp(spread.evaluate(spread.theta(params)[None], t, gradient=False)[0][0])
        assert np.max(np.abs(ours - brute)) < 3e-3, params

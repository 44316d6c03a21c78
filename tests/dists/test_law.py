"""Spec strings to scipy distributions: parsing, tail classes, log tails deep in the tails against
mpmath, partial expectations, and fuzzing (never evaluates code; always a clear error)."""

import builtins
import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats

from alignlab._validate import ParameterError
from alignlab.dists import FAMILY_NAMES, Continuous, TailKind, continuous, from_frozen

ISSUE_SPECS = {  # the examples of the issue: family, shapes, loc, scale, right tail (kind, index)
    "norm(0,1)": ("norm", (), 0, 1, (TailKind.LIGHT, None)),
    "t(df=3)": ("t", (3,), 0, 1, (TailKind.REGULARLY_VARYING, 3)),
    "lognorm(s=1)": ("lognorm", (1,), 0, 1, (TailKind.SUBEXPONENTIAL, None)),
    "levy": ("levy", (), 0, 1, (TailKind.REGULARLY_VARYING, 0.5)),
    "pareto(b=2.5)": ("pareto", (2.5,), 0, 1, (TailKind.REGULARLY_VARYING, 2.5)),
    "genpareto(c=0.5)": ("genpareto", (0.5,), 0, 1, (TailKind.REGULARLY_VARYING, 2.0)),
    "expon(scale=2)": ("expon", (), 0, 2, (TailKind.EXPONENTIAL, 0.5)),
}


@pytest.mark.parametrize("text", sorted(ISSUE_SPECS))
def test_issue_specs_parse_to_the_right_family_parameters_and_tail(text):
    family, shapes, loc, scale, (kind, index) = ISSUE_SPECS[text]
    d = continuous(text, "error")
    assert (d.name, d.shapes, d.loc, d.scale) == (family, tuple(float(s) for s in shapes), loc, scale)
    assert d.tail.kind is kind and d.tail.index == index
    ref = getattr(stats, family)(*shapes, loc=loc, scale=scale)
    x = np.array([0.3, 1.7, 4.0])
    assert np.allclose(np.exp(d.logpdf(x)), ref.pdf(x), rtol=1e-12, atol=0)


@pytest.mark.parametrize("text, right, left", [
    ("cauchy", (TailKind.REGULARLY_VARYING, 1.0), (TailKind.REGULARLY_VARYING, 1.0)),
    ("laplace(scale=0.5)", (TailKind.EXPONENTIAL, 2.0), (TailKind.EXPONENTIAL, 2.0)),
    ("logistic(scale=4)", (TailKind.EXPONENTIAL, 0.25), (TailKind.EXPONENTIAL, 0.25)),
    ("gumbel_r", (TailKind.EXPONENTIAL, 1.0), (TailKind.LIGHT, None)),
    ("gamma(a=3, scale=2)", (TailKind.EXPONENTIAL, 0.5), (TailKind.BOUNDED, None)),
    ("weibull_min(c=0.5)", (TailKind.SUBEXPONENTIAL, None), (TailKind.BOUNDED, None)),
    ("weibull_min(c=1, scale=3)", (TailKind.EXPONENTIAL, 1 / 3), (TailKind.BOUNDED, None)),
    ("weibull_min(c=2)", (TailKind.LIGHT, None), (TailKind.BOUNDED, None)),
    ("genpareto(c=0)", (TailKind.EXPONENTIAL, 1.0), (TailKind.BOUNDED, None)),
    ("genpareto(c=-0.5)", (TailKind.BOUNDED, None), (TailKind.BOUNDED, None)),
    ("invgamma(a=1.5)", (TailKind.REGULARLY_VARYING, 1.5), (TailKind.BOUNDED, None)),
    ("fisk(c=2.5)", (TailKind.REGULARLY_VARYING, 2.5), (TailKind.BOUNDED, None)),
    ("invweibull(c=4)", (TailKind.REGULARLY_VARYING, 4.0), (TailKind.BOUNDED, None)),
    ("lomax(c=1.2)", (TailKind.REGULARLY_VARYING, 1.2), (TailKind.BOUNDED, None)),
    ("logcauchy(sigma=2)", (TailKind.SUPER_HEAVY, None), (TailKind.BOUNDED, None)),
    ("uniform(-1, 2)", (TailKind.BOUNDED, None), (TailKind.BOUNDED, None)),
    ("halfnorm", (TailKind.LIGHT, None), (TailKind.BOUNDED, None)),
    ("t(5, 1, 3)", (TailKind.REGULARLY_VARYING, 5.0), (TailKind.REGULARLY_VARYING, 5.0)),
])
def test_tail_classes_follow_the_closed_form_knowledge_of_each_family(text, right, left):
    d = continuous(text)
    assert (d.tail.kind, d.tail.index) == right
    assert (d.left_tail.kind, d.left_tail.index) == left


def test_finite_mean_follows_both_tails():
    assert continuous("t(df=3)").has_finite_mean and continuous("t(df=1.01)").has_finite_mean
    for text in ("cauchy", "levy", "pareto(b=1)", "t(df=0.9)", "logcauchy(sigma=1)"):
        assert not continuous(text).has_finite_mean
    assert math.isinf(continuous("levy").mean) and math.isnan(continuous("cauchy").mean)


# -- deep tails against mpmath --------------------------------------------------------------

def _mp_t_sf(df, x):
    w = df / (df + x * x)
    upper = mp.betainc(df / 2, mp.mpf(1) / 2, 0, w, regularized=True) / 2
    return upper if x > 0 else 1 - upper


MP_SF = {  # exact survival functions at 40 digits, independent of scipy
    "t(df=3)": lambda x: _mp_t_sf(mp.mpf(3), x),
    "t(df=1.5)": lambda x: _mp_t_sf(mp.mpf(1.5), x),
    "cauchy": lambda x: mp.atan2(1, x) / mp.pi,
    "norm": lambda x: mp.erfc(x / mp.sqrt(2)) / 2,
    "laplace": lambda x: mp.exp(-x) / 2 if x > 0 else 1 - mp.exp(x) / 2,
    "gumbel_r": lambda x: -mp.expm1(-mp.exp(-x)),
    "gamma(a=2.5)": lambda x: mp.gammainc(mp.mpf(2.5), x, mp.inf, regularized=True),
    "invgamma(a=2)": lambda x: mp.gammainc(mp.mpf(2), 0, 1 / x, regularized=True),
    "fisk(c=3)": lambda x: 1 / (1 + x ** 3),
    "invweibull(c=2)": lambda x: -mp.expm1(-x ** -2),
    "pareto(b=2.5)": lambda x: x ** mp.mpf(-2.5),
    "lognorm(s=1)": lambda x: mp.erfc(mp.log(x) / mp.sqrt(2)) / 2,
    "levy": lambda x: mp.erf(1 / mp.sqrt(2 * x)),
    "halfnorm": lambda x: mp.erfc(x / mp.sqrt(2)),
    "logcauchy(sigma=1)": lambda x: mp.atan2(1, mp.log(x)) / mp.pi,
    "weibull_min(c=0.5)": lambda x: mp.exp(-mp.sqrt(x)),
}


@pytest.mark.parametrize("text", sorted(MP_SF))
def test_logsf_is_accurate_far_into_the_tail(text):
    d = continuous(text)
    xs = [2.0, 30.0, 1e3, 1e8, 1e40, 1e150, 1e300]
    with mp.workdps(40):
        for x in xs:
            got = float(d.logsf(x))
            try:
                ref = mp.log(MP_SF[text](mp.mpf(x)))
            except OverflowError:     # mpmath gives up where exp(-x^2/2) is below every scale
                ref = -mp.inf
            if ref < -1e300:          # below the double range of a log: -inf is right
                assert got == -math.inf or got < -1e300, (text, x, got)
                continue
            assert math.isfinite(got), (text, x)
            assert abs(got - float(ref)) <= 1e-12 * max(1.0, abs(float(ref))), (text, x, got, float(ref))


@pytest.mark.parametrize("text, x", [("t(df=3)", -1e10), ("t(df=3)", -1e200), ("cauchy", -1e250), ("norm", -40.0),
                                     ("laplace", -800.0), ("t(df=1.5)", -3.0)])
def test_logcdf_in_the_left_tail(text, x):
    with mp.workdps(40):
        ref = float(mp.log(MP_SF[text](mp.mpf(-x))))      # symmetric families: F(x) = S(-x)
    assert abs(float(continuous(text).logcdf(x)) - ref) <= 1e-12 * max(1.0, abs(ref))


@pytest.mark.parametrize("text, pdf", [
    ("t(df=3)", lambda x: 6 * mp.sqrt(3) / (mp.pi * (3 + x * x) ** 2)),
    ("cauchy", lambda x: 1 / (mp.pi * (1 + x * x))),
    ("levy", lambda x: mp.exp(-1 / (2 * x)) / mp.sqrt(2 * mp.pi * x ** 3)),
    ("pareto(b=2.5)", lambda x: mp.mpf(2.5) * x ** mp.mpf(-3.5)),
    ("invweibull(c=2)", lambda x: 2 * x ** -3 * mp.exp(-x ** -2)),
    ("laplace", lambda x: mp.exp(-abs(x)) / 2),
])
def test_logpdf_does_not_overflow_far_out(text, pdf):
    d = continuous(text)
    with mp.workdps(40):
        for x in (3.0, 1e5, 1e100, 1e250):
            ref = float(mp.log(pdf(mp.mpf(x))))
            assert abs(float(d.logpdf(x)) - ref) <= 1e-12 * max(1.0, abs(ref)), (text, x)


# -- partial expectations H(x) = E[(X - mu) 1{X > x}] ---------------------------------------

PARTIAL = ["norm(1, 2)", "t(df=3)", "t(df=10, scale=2)", "logistic", "laplace(0.5, 2)", "expon(scale=2)",
           "lognorm(s=0.8)", "pareto(b=3)", "lomax(c=2.5)", "uniform(-1, 3)", "gumbel_r", "gamma(a=2)",
           "weibull_min(c=1.5)", "fisk(c=4)"]


@pytest.mark.parametrize("text", PARTIAL)
def test_partial_expectation_matches_its_definition(text):
    """Closed forms (first nine) and the exp-sinh rule (the rest) against mpmath quadrature of the
    definition at 30 digits."""
    d = continuous(text)
    mu = mp.mpf(d.mean)
    lo, hi = d.support
    xs = [float(d.frozen.ppf(q)) for q in (1e-6, 0.05, 0.3, 0.5, 0.8, 0.99, 1 - 1e-9)]
    pdf = lambda x: mp.mpf(d.frozen.pdf(float(x)))       # noqa: E731  (double precision density is enough)
    got = np.exp(d.log_partial_expectation(np.array(xs)))
    with mp.workdps(30):
        for x, g in zip(xs, got):
            upper = mp.mpf(hi) if math.isfinite(hi) else mp.inf
            pts = [mp.mpf(x)] + [mp.mpf(p) for p in sorted(set(float(d.frozen.ppf(q)) for q in (0.5, 0.9, 0.999)))
                                 if p > x] + [upper]
            ref = mp.quad(lambda w: (w - mu) * pdf(w), pts)
            assert abs(g - float(ref)) <= 1e-9 * max(abs(float(ref)), 1e-300) + 1e-14 * d.scale, (text, x, g, ref)


def test_partial_expectation_needs_a_finite_mean():
    with pytest.raises(ParameterError, match="utility"):
        continuous("cauchy").log_partial_expectation(1.0)


# -- bad specs and fuzzing ------------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("foo(1)", "unknown distribution 'foo'"), ("t", "t needs df"), ("t(df=0)", "df > 0"),
    ("t(df=-1)", "df > 0"), ("norm(0, -1)", "scale > 0"), ("norm(scale=0)", "scale > 0"),
    ("norm(0, 1, 2)", "at most 2 arguments"), ("t(nu=3)", "t takes df, loc, scale"),
    ("t(3, df=3)", "got df twice"), ("t(df=3, df=4)", "repeats"), ("t(3", "unclosed"),
    ("t(df=inf)", "finite"), ("t(df=nan)", "finite"), ("norm(loc=1e400)", "finite"), ("", "spec"),
    ("__import__('os').system('true')", "arguments"), ("norm(0, 1) + 1", "parenthesis"), ("lognorm(s=True)", "number"),
    ("genpareto(c=inf)", "finite"), ("weibull_min", "needs c"),
])
def test_bad_specs_raise_one_clear_error_naming_the_parameter(text, words):
    with pytest.raises(ParameterError) as err:
        continuous(text, "utility")
    assert err.value.param == "utility"
    assert str(err.value).startswith("utility: ")
    assert words.lower() in str(err.value).lower()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_any_text_is_a_distribution_or_a_clear_error(text):
    _check(text)


NAMES = st.sampled_from(list(FAMILY_NAMES) + ["normal", "student_t", "os", "__import__", "eval", "x" * 40])
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10 ** 30, 10 ** 30),
                    st.sampled_from(["1e999", "-0", "True", "None", "'a'", "[1]", "(1,)", "1j", "lambda: 1",
                                     "__import__('os')", "x", "1 if 1 else 2"]))
KEYS = st.sampled_from(["df", "s", "b", "c", "a", "sigma", "loc", "scale", "nu", "__class__", "1"])


@settings(max_examples=300, deadline=None)
@given(NAMES, st.lists(NUMBERS, max_size=4), st.lists(st.tuples(KEYS, NUMBERS), max_size=3))
@example("lomax", [1.6102015283787668e-305], [])        # quartiles beyond the doubles: width was inf - inf
@example("pareto", [1e-300], [])
def test_fuzz_structured_specs_never_evaluate_and_never_crash(name, args, kwargs):
    parts = [str(a) for a in args] + [f"{k}={v}" for k, v in kwargs]
    _check(f"{name}({', '.join(parts)})")


def _check(text):
    """The parser runs with eval and exec recording every call (none may happen); building the
    distribution then gives a valid law or one ParameterError line naming the parameter. (scipy
    itself execs a fixed template when it freezes a distribution, so the recording covers the
    parser, where user text is handled.)"""
    from alignlab.dists import parse_spec
    real_eval, real_exec = builtins.eval, builtins.exec
    calls = []
    builtins.eval = lambda *a, **k: calls.append(a) or real_eval(*a, **k)       # noqa: E731
    builtins.exec = lambda *a, **k: calls.append(a) or real_exec(*a, **k)       # noqa: E731
    try:
        parse_spec(text, "error")
    except ParameterError:
        pass
    finally:
        builtins.eval, builtins.exec = real_eval, real_exec
    assert not calls, f"eval/exec called while parsing {text!r}"
    try:
        d = continuous(text, "error")
    except ParameterError as err:
        assert err.param == "error" and str(err).startswith("error: ") and "\n" not in str(err)
        return
    assert isinstance(d, Continuous) and d.scale > 0     # a valid law: log functions without nan
    x = np.array([d.median, d.median + d.width, d.loc - 1e300, 1e300])
    tails = np.concatenate([d.logsf(x), d.logcdf(x)])
    assert not np.isnan(tails).any() and (tails <= 0).all()
    assert not np.isnan(d.logpdf(x)).any()


def test_from_frozen_round_trips_and_rejects_unknown_families():
    d = from_frozen(stats.t(3, loc=1, scale=2))
    assert d.spec == "t(df=3, loc=1, scale=2)" and continuous(d.spec) == d
    with pytest.raises(ParameterError, match="must be one of"):
        from_frozen(stats.rayleigh())



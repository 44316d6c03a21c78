"""H9-H11 decided on small synthetic results, without building the report."""

from __future__ import annotations

from alignlab.horizons.joint.report import GAIN_MIN, MARGIN, decide_h9, decide_h10, decide_h11
from alignlab.horizons.joint.results import Estimate, JointResult, ModelFit, Score
from alignlab.horizons.joint.results import Test as LikelihoodRatio       # not a pytest class


def _fit(name, cells=None, shared=None, tests=()):
    cv = {} if cells is None else {"cells": Score(cells * 100, 100, cells, cells, 5)}
    return ModelFit(name, shared or {}, (), (), -1.0, 2.0, 2.0, 1, 100, 24, 0.0, True, tuple(tests), cv)


def _result(models, logistic=-0.47):
    return JointResult("x", "none", ("a", "b"), models, {"logistic": _fit("logistic", logistic),
                                                         "weibull": _fit("weibull", -0.46)}, 0, 5, 10, 0)


def _test(parameter, p):
    return LikelihoodRatio(f"{parameter} = 0", parameter, -2.0, 10.0, 1, p, True)


def test_h9_holds_with_a_significant_spread_and_a_held_out_gain():
    fit = _fit("logistic-joint", -0.47 + 2 * GAIN_MIN, {"s": Estimate(2.0, (1.5, 2.5))}, (_test("s", 1e-9),))
    assert decide_h9(_result({"logistic-joint": fit})).verdict == "holds"


def test_h9_fails_without_spread_or_gain_and_is_conditional_with_one():
    none = _fit("logistic-joint", -0.47, {"s": Estimate(0.1, (0.0, 0.5))}, (_test("s", 0.4),))
    assert decide_h9(_result({"logistic-joint": none})).verdict == "fails"
    one = _fit("logistic-joint", -0.47, {"s": Estimate(2.0, (1.5, 2.5))}, (_test("s", 1e-9),))
    assert decide_h9(_result({"logistic-joint": one})).verdict == "conditional"
    assert decide_h9(_result({})).verdict == "undetermined"


def test_h10_reads_the_test_of_gamma_1_and_its_interval():
    def steps(gamma, ci, p):
        return {"steps-joint": _fit("steps-joint", -0.3, {"gamma": Estimate(gamma, ci)}, (_test("gamma", p),))}
    assert decide_h10(_result(steps(0.3, (0.2, 0.4), 1e-6))).verdict == "fails"
    assert decide_h10(_result(steps(1.0, (0.8, 1.2), 0.6))).verdict == "holds"
    assert decide_h10(_result(steps(1.0, (0.3, 3.0), 0.6))).verdict == "undetermined"


def test_h11_compares_steps_joint_with_the_best_joint_curve():
    def models(steps):
        return {"steps-joint": _fit("steps-joint", steps), "rasch": _fit("rasch", -0.30),
                "logistic-joint": _fit("logistic-joint", -0.31)}
    assert decide_h11(_result(models(-0.30 - MARGIN / 2))).verdict == "holds"
    assert decide_h11(_result(models(-0.30 - 2 * MARGIN))).verdict == "fails"
    assert decide_h11(_result({"rasch": _fit("rasch", -0.3)})).verdict == "undetermined"

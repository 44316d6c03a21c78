"""Claims R1-R3 decided on small synthetic results: every branch of every rule, no sample diagnosed."""

import numpy as np

from alignlab.tails import decisions as d
from alignlab.tails.diagnosis import Diagnosis, vote
from alignlab.tails.estimators import TailPath
from alignlab.tails.experiments import Recovery, RecoveryRow, Verdicts
from alignlab.tails.peaks_over_threshold import ThresholdFit

HEAVY, LIGHT, NEITHER = (0.2, 0.03), (-0.15, 0.02), (0.05, 0.05)      # (xi, se) of one GPD threshold


def diagnosis(verdict: str, *shapes) -> Diagnosis:
    """A diagnosis with ``verdict`` and one GPD fit per (xi, se), at the 90%, 95% and 98% quantiles."""
    hill = TailPath(estimator="hill", n=1000, k=np.array([50]), xi=np.array([0.2]), se=np.array([0.01]),
                    selection="fixed", chosen_k=50, chosen_xi=0.2, chosen_se=0.01)
    fits = tuple(ThresholdFit(level=level, threshold=1.0, k=100, xi=xi, sigma=1.0, se=se)
                 for level, (xi, se) in zip((0.90, 0.95, 0.98), shapes))
    return Diagnosis(verdict=verdict, n=1000, mean=0.0, sd=1.0, hill=hill, moment=hill, pickands=hill,
                     thresholds=fits, evidence=(), implication="")


def test_the_synthetic_thresholds_vote_as_named():
    assert [vote(f) for f in diagnosis("ambiguous", HEAVY, LIGHT, NEITHER).thresholds] == ["heavy", "light",
                                                                                           "neither"]


def test_r1_holds_when_we_also_find_light_tails():
    decision = d.R1(diagnosis("light", LIGHT, LIGHT, NEITHER))
    assert decision.verdict == "holds" and decision.numbers["votes"] == {"90%": "light", "95%": "light",
                                                                         "98%": "neither"}


def test_r1_is_undetermined_when_no_threshold_decides():
    assert d.R1(diagnosis("ambiguous", NEITHER, NEITHER, NEITHER)).verdict == "undetermined"


def test_r1_is_conditional_when_the_thresholds_disagree():
    decision = d.R1(diagnosis("ambiguous", LIGHT, HEAVY, NEITHER))
    assert decision.verdict == "conditional" and "weaker" in decision.conditions


def test_r1_fails_on_heavy_tails():
    assert d.R1(diagnosis("heavy", NEITHER, HEAVY, HEAVY)).verdict == "fails"


def test_r2_is_conditional_when_ambiguous_with_a_heavier_top():
    decision = d.R2(diagnosis("ambiguous", LIGHT, HEAVY, HEAVY))
    assert decision.verdict == "conditional" and "above the 95% quantile" in decision.conditions
    assert decision.numbers["heavy_levels"] == [0.95, 0.98]


def test_r2_holds_when_ambiguous_without_a_heavier_top():
    assert d.R2(diagnosis("ambiguous", NEITHER, NEITHER, NEITHER)).verdict == "holds"


def test_r2_is_conditional_when_we_find_light_tails_and_fails_on_heavy():
    light = d.R2(diagnosis("light", LIGHT, NEITHER, NEITHER))
    assert light.verdict == "conditional" and "light" in light.conditions
    assert d.R2(diagnosis("heavy", HEAVY, HEAVY, NEITHER)).verdict == "fails"


def recovery(pareto_se: float, other_se: float) -> Recovery:
    """Hill off by ``pareto_se`` standard errors on the exact Pareto samples and ``other_se`` on the others."""
    def row(label, xi, off):
        return RecoveryRow(label=label, true_xi=xi, hill_k=100, hill_xi=xi + off * 0.01, hill_se=0.01, fit_xmin=1.0,
                           fit_alpha=1 + 1 / xi, fit_sigma=0.1, true_alpha=1 + 1 / xi)
    return Recovery(n=1000, rows=(row(d.EXACT_LABELS[0], 0.5, pareto_se), row("t(df=3)", 1 / 3, other_se)))


def verdicts(wrong: bool = False) -> Verdicts:
    return Verdicts(n=1000, labels=("norm", "pareto(b=1.5)"), expected=("light", "heavy"),
                    verdicts=("light", "ambiguous" if wrong else "heavy"))


def test_r3_holds_when_every_verdict_is_right_and_hill_is_close():
    decision = d.R3(recovery(1.0, 2.0), verdicts())
    assert decision.verdict == "holds" and decision.numbers["right"] == 2


def test_r3_is_conditional_when_only_asymptotic_power_laws_miss():
    decision = d.R3(recovery(1.0, d.HILL_SE_LIMIT + 0.5), verdicts())
    assert decision.verdict == "conditional" and decision.numbers["worst_other_se"] > d.HILL_SE_LIMIT


def test_r3_fails_on_a_wrong_verdict_or_hill_off_on_an_exact_pareto():
    assert d.R3(recovery(1.0, 2.0), verdicts(wrong=True)).verdict == "fails"
    assert d.R3(recovery(d.HILL_SE_LIMIT + 0.5, 2.0), verdicts()).verdict == "fails"


def test_rules_print_their_thresholds():
    assert f"{d.HILL_SE_LIMIT:g} standard errors" in d.R3.rule
    assert "light" in d.R1.rule and "ambiguous" in d.R2.rule and "0.1" in d.R1.rule

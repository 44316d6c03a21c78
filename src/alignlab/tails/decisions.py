"""How claims R1-R3 are decided: each a :class:`~alignlab.evidence.claims.Rule` whose thresholds are the
named constants below (and the diagnosis' own, :data:`alignlab.tails.diagnosis.LIGHT_XI`), so the rule
printed in the report and the decision cannot disagree.

R1 and R2 compare our diagnosis of a reward sample (:func:`alignlab.tails.diagnosis.diagnose`) with how
Kwa et al. (2024) read it; R3 checks the estimators and the verdict on synthetic samples whose tails are
known (:mod:`alignlab.tails.experiments`). Every ``decide_*`` is a pure function of those results.
"""

from __future__ import annotations

from functools import partial

from alignlab.evidence.claims import Decision, Rule
from alignlab.tails.diagnosis import LIGHT_XI, vote
from alignlab.tails.experiments import EXACT_POWER_LAWS

HILL_SE_LIMIT = 4.0          # Hill at the double-bootstrap k this many standard errors from the truth is off
EXACT_LABELS = tuple(label for label, _, _ in EXACT_POWER_LAWS)


def decide_paper(diagnosis, expected: str) -> Decision:
    """Our diagnosis verdict against the paper's reading ``expected`` (``light`` or ``ambiguous``)."""
    ours = diagnosis.verdict
    votes = {f"{t.level:.0%}": vote(t) for t in diagnosis.thresholds}
    heavy = [t for t in diagnosis.thresholds if vote(t) == "heavy"]
    numbers = {"verdict": ours, "expected": expected, "votes": votes,
               "shapes": {f"{t.level:.0%}": [t.xi, *t.interval()] for t in diagnosis.thresholds},
               "heavy_levels": [t.level for t in heavy], "heaviest_shape": max((t.xi for t in heavy), default=None),
               "hill": {"xi": diagnosis.hill.chosen_xi, "se": diagnosis.hill.chosen_se, "k": diagnosis.hill.chosen_k}}
    if ours == expected == "ambiguous" and heavy:
        return Decision("conditional", numbers,
                        f"ambiguous, as the paper says, but not simply light: above the "
                        f"{min(t.level for t in heavy):.0%} quantile the excesses are heavier than exponential "
                        f"(GPD shape up to {max(t.xi for t in heavy):.2f}), while the bulk of the upper tail is "
                        f"exponential or lighter; our Hill estimate at k = {diagnosis.hill.chosen_k} is "
                        f"{diagnosis.hill.chosen_xi:.2f}")
    if ours == expected:
        return Decision("holds", numbers)
    if ours == "ambiguous" and all(v == "neither" for v in votes.values()):
        return Decision("undetermined", numbers)
    if {expected, ours} == {"ambiguous", "light"}:
        return Decision("conditional", numbers, "the evidence is weaker than the paper's reading"
                        if ours == "ambiguous" else "our verdict is light where the paper found the evidence ambiguous")
    return Decision("fails", numbers)


def _paper_rule(expected: str) -> str:
    return (f"our diagnosis (the GPD shape xi of the excesses over the 90%, 95% and 98% quantiles: a threshold says "
            f"heavy when the 95% interval of xi lies above 0, light when it lies below {LIGHT_XI:g} or xi <= -1/2) "
            f"against the paper's reading, {expected}: holds when the verdicts agree"
            + (", conditional when both say ambiguous but some threshold says heavy" if expected == "ambiguous" else "")
            + "; otherwise undetermined when ours is ambiguous because no threshold says either, conditional "
              "when one says ambiguous and the other light, and fails when one says heavy")


R1 = Rule("R1", "Starling-RM-7B-alpha rewards of Llama-2-7B-chat generations are roughly normal: the Hill plot never "
                "stabilises and the exponential QQ plot bends down, consistent with light-tailed error.",
          _paper_rule("light"), partial(decide_paper, expected="light"))
R2 = Rule("R2", "Starling-RM-7B-alpha rewards of uniformly random token sequences are ambiguous (one outlier on the "
                "exponential QQ plot, Hill estimate about 0.20 at large k) and overall consistent with light tails.",
          _paper_rule("ambiguous"), partial(decide_paper, expected="ambiguous"))


def decide_synthetic(recovery, verdicts) -> Decision:
    """Every synthetic verdict right, and Hill at the double-bootstrap k within ``HILL_SE_LIMIT`` standard
    errors of the truth: on exact Pareto samples (required) and on samples that are power laws only
    asymptotically (else conditional: their standard errors understate the bias)."""
    wrong = [label for label, e, g in zip(verdicts.labels, verdicts.expected, verdicts.verdicts) if e != g]
    pareto = [r for r in recovery.rows if r.label in EXACT_LABELS]
    other = [r for r in recovery.rows if r.label not in EXACT_LABELS]
    worst_pareto = max(r.hill_error_in_se for r in pareto)
    worst_other = max((r.hill_error_in_se for r in other), default=0.0)
    numbers = {"right": len(verdicts.labels) - len(wrong), "samples": len(verdicts.labels), "wrong": wrong,
               "worst_pareto_se": worst_pareto, "worst_other_se": worst_other}
    if wrong or worst_pareto >= HILL_SE_LIMIT:
        return Decision("fails", numbers)
    if worst_other >= HILL_SE_LIMIT:
        return Decision("conditional", numbers,
                        "standard errors understate the error where the tail is a power law only asymptotically")
    return Decision("holds", numbers)


R3 = Rule("R3", "The toolkit's estimators recover known tail indices, and its verdict calls normal, exponential and "
                "uniform samples light and Pareto, Student-t and Frechet samples heavy.",
          f"holds when the diagnosis verdict is right on every synthetic sample and Hill at the double-bootstrap k is "
          f"within {HILL_SE_LIMIT:g} standard errors of the true index on every heavy sample; conditional when only "
          f"the samples whose tails are power laws asymptotically ({', '.join(EXACT_LABELS)} are exact) miss by "
          f"{HILL_SE_LIMIT:g} or more; fails otherwise", decide_synthetic)

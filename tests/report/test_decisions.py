"""The decision vocabulary: rules decide apart from prose; four verdicts."""

import pytest

from alignlab.evidence.claims import LEGEND, VERDICTS, Claim, Decision, Rule


def test_four_verdicts_each_with_a_definition():
    assert VERDICTS == ("holds", "conditional", "fails", "undetermined")
    assert set(LEGEND) == set(VERDICTS)


def test_a_rule_turns_its_decision_into_a_claim_with_rule_and_numbers():
    limit = 3.0
    rule = Rule("X1", "x is small", f"holds when x < {limit:g}; undetermined without x",
                lambda x: Decision("undetermined") if x is None else
                Decision("holds" if x < limit else "fails", {"x": x}))
    decision = rule(2.0)
    claim = rule.claim_from(decision, "x = 2", ("fig",))
    assert (claim.verdict, claim.rule, claim.numbers, claim.figures) == ("holds", "holds when x < 3; undetermined "
                                                                                   "without x", {"x": 2.0}, ("fig",))
    assert rule(None).verdict == "undetermined"
    assert Claim.from_dict(claim.to_dict()) == claim


def test_a_rule_must_return_a_decision():
    with pytest.raises(TypeError):
        Rule("X", "c", "r", lambda: "holds")()


def test_unknown_verdicts_are_refused():
    with pytest.raises(ValueError):
        Decision("maybe")

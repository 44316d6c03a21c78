"""The docs state the claims' rules by the names of the constants the decisions use, so they cannot go
stale silently: every constant a claims section names must exist in the system's decisions module."""

import importlib
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


def claims_section(text: str) -> str:
    """The text under the first level-2 heading that mentions claims, up to the next level-2 heading."""
    match = re.search(r"^## [^\n]*[Cc]laims[^\n]*\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, "no claims section"
    return match.group(1)


@pytest.mark.parametrize("system", ["steps", "tails", "goodhart"])
def test_every_constant_a_claims_section_names_is_one_the_decisions_use(system):
    section = claims_section((DOCS / f"{system}.md").read_text())
    named = set(re.findall(r"`([A-Z][A-Z0-9_]{2,})`", section))
    decisions = importlib.import_module(f"alignlab.{system}.decisions")
    assert named, "the rules should be written from the constants"
    assert not {name for name in named if not hasattr(decisions, name)}
    for rule_id in re.findall(r"\*\*([A-Z]+[0-9])\*\*", section):
        assert getattr(decisions, rule_id).id == rule_id

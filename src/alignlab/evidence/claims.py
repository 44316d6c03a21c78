"""The report's vocabulary: claims decided by rules, figures with captions, small tables.

A claim is decided apart from its prose. Each system states, once per claim, a :class:`Rule`: the
sentence of the notes, the decision rule in words (written from the named constants the decision
uses, so the page and the code cannot disagree) and ``decide(results) -> Decision``, a pure
function of experiment results that returns the verdict and the numbers that decided it. The
report then writes the evidence sentence from those numbers::

    MARGIN = 2.0

    H1 = Rule("H1", "A logistic in log task length describes agent success (METR).",
              f"holds when no agent's logistic trails its best curve by {MARGIN:g} held-out nats or more; "
              f"fails when more than half do; conditional otherwise",
              decide_h1)

    def decide_h1(result) -> Decision:
        ...
        return Decision("conditional", {"trailing": trailing}, conditions="...")

    claim = H1.claim_from(decision, evidence="...", figures=("horizons_agents",))

Decision functions are unit-tested on synthetic results without building the report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alignlab._results import Result, plain

VERDICTS = ("holds", "conditional", "fails", "undetermined")
LEGEND = {
    "holds": "the numbers meet the claim's rule",
    "conditional": "the claim holds only under the conditions stated beside it",
    "fails": "the numbers contradict the claim",
    "undetermined": "the data cannot decide: a parameter is not identified, every interval straddles the "
                    "threshold, or there are too few agents, dates or runs to test it",
}


def _check_verdict(verdict: str) -> None:
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)} (got {verdict!r})")


@dataclass(frozen=True)
class Decision:
    """What a rule concluded: the verdict, the numbers that decided it (plain data, shown in
    ``claims.json``) and, for ``conditional``, the conditions under which the claim holds."""

    verdict: str
    numbers: dict[str, Any] = field(default_factory=dict)
    conditions: str = ""

    def __post_init__(self):
        _check_verdict(self.verdict)
        object.__setattr__(self, "numbers", plain(dict(self.numbers)))


@dataclass(frozen=True)
class Rule:
    """One claim of the notes and how it is decided (see the module docstring)."""

    id: str
    claim: str
    rule: str
    decide: Callable[..., Decision] = field(repr=False, compare=False)

    def __call__(self, *results, **options) -> Decision:
        decision = self.decide(*results, **options)
        if not isinstance(decision, Decision):
            raise TypeError(f"rule {self.id} must decide with a Decision (got {type(decision).__name__})")
        return decision

    def claim_from(self, decision: Decision, evidence: str, figures: tuple[str, ...] = ()) -> Claim:
        """The report's :class:`Claim` for this rule's ``decision``, with the evidence sentence."""
        return Claim(self.id, self.claim, decision.verdict, evidence, decision.conditions, tuple(figures),
                     self.rule, decision.numbers)


@dataclass(frozen=True)
class Claim(Result):
    """One claim of the notes and what the experiments say about it.

    ``verdict`` is one of :data:`VERDICTS` (see :data:`LEGEND`); ``evidence`` gives the numbers
    that decide it in a sentence or two; ``rule`` the decision rule in words; ``numbers`` the
    values the rule read.
    """

    id: str
    claim: str
    verdict: str
    evidence: str
    conditions: str = ""
    figures: tuple[str, ...] = ()
    rule: str = ""
    numbers: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        _check_verdict(self.verdict)


@dataclass(frozen=True)
class Figure:
    """A rendered figure: ``name`` becomes ``name.png`` beside the report."""

    name: str
    caption: str
    png: bytes = field(repr=False)


@dataclass(frozen=True)
class Table:
    """A small table of numbers for the report (already formatted as strings)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    """What one system contributes to the report. The report fills ``id`` and ``title`` from the
    system's declaration (:class:`alignlab.systems.System`) and ``seconds`` from the clock."""

    summary: str
    claims: tuple[Claim, ...]
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()
    id: str = ""
    title: str = ""
    seconds: float = 0.0

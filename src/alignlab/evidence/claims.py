"""The report's vocabulary: claims with verdicts, figures with captions, small tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from alignlab._results import Result

VERDICTS = ("holds", "fails", "conditional")


@dataclass(frozen=True)
class Claim(Result):
    """One claim of the notes and what the experiments say about it.

    ``verdict`` is ``holds``, ``fails`` or ``conditional`` (holds only under ``conditions``);
    ``evidence`` gives the numbers that decide it in a sentence or two.
    """

    id: str
    claim: str
    verdict: str
    evidence: str
    conditions: str = ""
    figures: tuple[str, ...] = ()

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)} (got {self.verdict!r})")


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

"""The report: every claim of the notes next to the number and the figure that decide it.

Each system contributes one module listed in :data:`alignlab.report.registry.SECTIONS` with a
``build(context) -> Section`` function; :func:`build_report` runs them in order and writes
``index.html`` (self-contained, figures embedded), the figures as PNG files and ``claims.json``.
"""

from alignlab.report.build import ReportResult, build_report
from alignlab.report.claims import VERDICTS, Claim, Figure, Section, Table
from alignlab.report.context import ReportContext

__all__ = ["VERDICTS", "Claim", "Figure", "ReportContext", "ReportResult", "Section", "Table", "build_report"]

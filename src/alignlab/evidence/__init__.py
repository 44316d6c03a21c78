"""What a system hands the report: claims with the numbers and figures that decide them.

* :mod:`alignlab.evidence.claims`: :class:`Rule` (a claim of the notes, its decision rule in words and
  ``decide(results) -> Decision``), :class:`Decision` (verdict and the numbers that decided it),
  :class:`Claim` (what the report shows), :class:`Figure`, :class:`Table`, :class:`Section` (what one
  system contributes), :data:`VERDICTS` and their :data:`LEGEND`;
* :mod:`alignlab.evidence.context`: :class:`ReportContext`, what a section builder gets (where to write,
  where the data is, a JSON cache for long experiments, progress).

The systems build sections from these; :mod:`alignlab.report` runs the systems' sections and writes the
page. This package sits below both.
"""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "VERDICTS": "claims", "LEGEND": "claims", "Rule": "claims", "Decision": "claims", "Claim": "claims", "Figure": "claims", "Section": "claims", "Table": "claims",
    "ReportContext": "context",
})

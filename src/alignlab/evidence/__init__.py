"""What a system hands the report: claims with the numbers and figures that decide them.

* :mod:`alignlab.evidence.claims`: :class:`Claim` (a claim of the notes and its verdict), :class:`Figure`,
  :class:`Table`, :class:`Section` (what one system contributes);
* :mod:`alignlab.evidence.context`: :class:`ReportContext`, what a section builder gets (where to write,
  where the data is, a JSON cache for long experiments, progress).

The systems build sections from these; :mod:`alignlab.report` runs the systems' sections and writes the
page. This package sits below both.
"""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "VERDICTS": "claims", "Claim": "claims", "Figure": "claims", "Section": "claims", "Table": "claims",
    "ReportContext": "context",
})

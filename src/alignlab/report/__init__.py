"""The report: every claim of the notes next to the number and the figure that decide it.

Each system declares a report function (``System.report``, :mod:`alignlab.systems`) taking a
:class:`~alignlab.evidence.ReportContext` and returning a :class:`~alignlab.evidence.Section` (the
vocabulary lives below the systems, in :mod:`alignlab.evidence`); :func:`build_report` runs them in
order and writes ``index.html`` (self-contained, figures embedded), the figures as PNG files and
``claims.json``.
"""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {"ReportResult": "build", "build_report": "build"})

"""Trends of the 50% horizon against release date: where the points come from (:mod:`.sources`, with
release dates from :mod:`.dates`), the trends fitted to them (:mod:`.fit`: exponential, accelerating,
a change of doubling time at a fixed date, and the steps model's beta), and their results (:mod:`.results`)."""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "TrendResult": "results", "fit_trends": "fit", "runs_trend": "fit", "fitted_input": "sources",
    "published_input": "sources", "read_release_dates": "dates",
})

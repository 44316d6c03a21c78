"""Agent time horizons: success against task length for real agents, fitted by METR's logistic, a
constant hazard, a Weibull survival and the independent-steps model, compared out of sample; and the
trend of horizons against release date (doubling time, acceleration, the steps model's beta)."""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "AgentHorizons": "results", "FAMILIES": "families", "FamilyFit": "results", "HorizonsResult": "results",
    "Runs": "runs", "fit_horizons": "fit", "load_runs": "runs", "run_weights": "runs",
    "steps_regimes": "experiments",
    "TrendResult": "trend_results", "fit_trends": "trend", "fitted_input": "trend_sources",
    "published_input": "trend_sources", "read_release_dates": "dates", "runs_trend": "trend",
})

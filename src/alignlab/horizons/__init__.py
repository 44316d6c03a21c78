"""Agent time horizons: success against task length for real agents, fitted by METR's logistic, a
constant hazard, a Weibull survival and the independent-steps model, compared out of sample
(:mod:`.fit`); and the trend of horizons against release date (:mod:`.trend`). Shared by both (and by
joint models): the runs (:mod:`.runs`), the hierarchical resampling (:mod:`.hierarchy`), the Lomax-sum
table of the steps curve (:mod:`.lomax_table`) and percentile intervals (:mod:`.intervals`)."""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "AgentHorizons": "fit.results", "CURVES": "fit.curves", "CurveFit": "fit.results", "FamilyFit": "fit.results",
    "HorizonsResult": "fit.results", "Effort": "fit.optimize", "fit_horizons": "fit.fit", "load_fit": "fit.predict",
    "predict": "fit.predict", "save_fit": "fit.predict", "Prediction": "fit.predict", "doubling_shape": "fit.shape",
    "ShapeResult": "fit.shape", "Runs": "runs", "load_runs": "runs", "run_weights": "runs",
    "steps_regimes": "experiments", "TrendResult": "trend.results", "fit_trends": "trend.fit",
    "runs_trend": "trend.fit", "fitted_input": "trend.sources", "published_input": "trend.sources",
    "read_release_dates": "trend.dates",
})

"""Curves of success against task length fitted to agents' runs: the curves (:mod:`.curves`), the optimiser
(:mod:`.optimize`), cross-validation (:mod:`.crossval`), the bootstrap (:mod:`.bootstrap`), the fit
(:mod:`.fit`), its results (:mod:`.results`), saved fits and predictions (:mod:`.predict`) and the
per-doubling shape of success (:mod:`.shape`)."""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "CURVES": "curves", "AgentHorizons": "results", "CurveFit": "results", "FamilyFit": "results",
    "HorizonsResult": "results", "Effort": "optimize", "fit_horizons": "fit", "load_fit": "predict",
    "predict": "predict", "save_fit": "predict", "Prediction": "predict", "doubling_shape": "shape",
    "ShapeResult": "shape",
})

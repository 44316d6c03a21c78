"""One model for every agent and every task: item-response models and the steps model fitted jointly by
maximum marginal likelihood, tested on what they have not seen (docs/horizons_joint.md)."""

from alignlab._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "JointResult": "results", "MODELS": "models", "fit_joint": "fit", "simulate": "simulate",
    "recovery_study": "simulate",
})

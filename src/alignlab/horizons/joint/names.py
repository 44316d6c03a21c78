"""The names of the joint models and of their held-out tests, apart from the models themselves, so that
`alignlab horizons joint --help` lists them without importing NumPy's and SciPy's numerics."""

MODELS = ("logistic-joint", "rasch", "weibull-joint", "irt-2pl", "steps-joint")
CV_KINDS = ("cells", "family", "agent")    # K folds of agent x task cells; each task family out; each agent out

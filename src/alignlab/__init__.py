"""alignlab: runnable, checkable toy models of AI alignment, confronted with real data.

The systems, one subpackage each (``alignlab SYSTEM --help`` on the command line):

- :mod:`alignlab.steps`     the independent-steps model of cognitive power
- :mod:`alignlab.goodhart`  catastrophic Goodhart: conditioning, best-of-n, KL-regularised optimisation
- :mod:`alignlab.tails`     tail-index estimation and power-law fits on samples
- :mod:`alignlab.tripwire`  the belief tripwire: a small model, monitors, a breaker, responses
- :mod:`alignlab.horizons`  agent time horizons: curves per agent, joint models, trends

The layers they share: :mod:`alignlab.dists` (the one distribution language), :mod:`alignlab.numerics`
(Laplace inversion, quadrature, Lomax sums), :mod:`alignlab.samplers` (random draws on CPU and GPU),
:mod:`alignlab.data` (the shipped data sets), :mod:`alignlab.evidence` (claims, rules, verdicts).
And the house: :mod:`alignlab.report` (the HTML report), :mod:`alignlab.sweep` (grids on Dask),
:mod:`alignlab.cli` (the ``alignlab`` command), :mod:`alignlab.systems` (the registry they plug into).
"""

from alignlab._validate import ParameterError

__version__ = "0.1.0"

__all__ = ["ParameterError", "__version__"]

"""alignlab: runnable, checkable toy models of AI alignment.

Subpackages, one per system, with shared numerics beside them:

- :mod:`alignlab.dists`    tail-aware distributions and the spec-string parser
- :mod:`alignlab.numerics` numerical Laplace inversion and other shared numerics
- :mod:`alignlab.steps`    the independent-steps model of cognitive power
- :mod:`alignlab.report`   claims, figures and the HTML report
- :mod:`alignlab.cli`      the ``alignlab`` command
"""

from alignlab._validate import ParameterError

__version__ = "0.1.0"

__all__ = ["ParameterError", "__version__"]

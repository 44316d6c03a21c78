"""Everything the joint models take from the rest of :mod:`alignlab.horizons`, in one place.

The joint package reads runs files, weights and the Lomax-sum table through these names only, so
that a move of those modules changes this file and nothing else.
"""

from __future__ import annotations

from alignlab.horizons import lomax_table
from alignlab.horizons.runs import WEIGHTS, Runs, load_runs, run_weights

__all__ = ["WEIGHTS", "Runs", "load_runs", "lomax_table", "run_weights"]

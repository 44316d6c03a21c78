"""Numerics shared by the systems: Laplace-transform inversion and complex special functions."""

from alignlab.numerics.laplace import LaplaceInversionError, TransformDistribution, clog1p

__all__ = ["LaplaceInversionError", "TransformDistribution", "clog1p"]

"""Figures through Matplotlib's object-oriented API: no pyplot state, no backend switching.

``figure(...)`` returns a :class:`matplotlib.figure.Figure` with its axes, drawn off screen by the
Agg canvas whatever backend a notebook uses, so importing or calling a plotting function never
changes the user's Matplotlib; ``save`` and ``png_bytes`` are the one way alignlab writes figures.
"""

from __future__ import annotations

import io
from pathlib import Path

DPI = 120
SUFFIXES = (".png", ".pdf", ".svg")      # what a command's --out figure may be (checked before any work)


def figure(nrows: int = 1, ncols: int = 1, *, figsize=(7, 4.2), **subplot_kw):
    """``(fig, axes)`` like ``pyplot.subplots``, on a Figure that no pyplot window manager tracks."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=figsize)
    axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def axes_on(ax=None, *, figsize=(7, 4.2)):
    """``(fig, ax)``: the Axes ``ax`` a plot was given and its Figure, or a new figure's one Axes."""
    if ax is None:
        return figure(figsize=figsize)
    _check_axes([ax])
    return ax.figure, ax


def panels(ax, nrows: int, ncols: int, *, figsize, **subplot_kw):
    """``(fig, axes, own)`` for a plot of ``nrows x ncols`` panels: a new figure's axes when ``ax`` is None
    (``own`` True: the plot may set the figure's title and layout), else the ``nrows * ncols`` Axes given
    (an array or any sequence, in reading order), as an (nrows, ncols) array."""
    if ax is None:
        fig, axes = figure(nrows, ncols, figsize=figsize, squeeze=False, **subplot_kw)
        return fig, axes, True
    import numpy as np
    axes = np.empty(nrows * ncols, dtype=object)
    given = list(np.ravel(np.asarray(ax, dtype=object)))
    if len(given) != axes.size:
        from alignlab._validate import ParameterError
        raise ParameterError("ax", f"must be {axes.size} Axes, one per panel ({nrows} x {ncols}, in reading order) "
                                   f"(got {len(given)})")
    _check_axes(given)
    axes[:] = given
    return given[0].figure, axes.reshape(nrows, ncols), False


def _check_axes(axes) -> None:
    for ax in axes:
        if not (hasattr(ax, "plot") and hasattr(ax, "figure")):
            from alignlab._validate import ParameterError
            raise ParameterError("ax", f"must be a Matplotlib Axes (got {type(ax).__name__})")


def save(fig, path: str | Path, dpi: int = DPI) -> str:
    """Write ``fig`` to ``path`` (format from the extension) and return the path written."""
    path = Path(path)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return str(path)


def png_bytes(fig, dpi: int = 110) -> bytes:
    """``fig`` as PNG bytes (the report embeds them)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()

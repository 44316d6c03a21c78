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

"""Saved fits and what they predict: ``horizons fit --out FIT.json`` and ``horizons predict FIT.json``.

A saved fit is a JSON object ``{"format": "alignlab.horizons.fit", "version": 1, "result": ...}`` whose
``result`` is :meth:`HorizonsResult.to_dict`: everything, the bootstrap draws included (``inf`` and
``nan`` written as JSON's ``Infinity`` and ``NaN``, as Python's ``json`` reads and writes them), so that
:func:`load_fit` gives back an equal result. Reading one runs no code: it is JSON, rebuilt field by field.

:func:`predict` gives each agent's success probability per curve at chosen task lengths, with the 95%
interval of the bootstrap draws saved in the fit (:meth:`CurveFit.success_interval`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from alignlab import _validate as v
from alignlab._results import Result
from alignlab.horizons._names import names
from alignlab.horizons.fit.results import HorizonsResult

FORMAT = "alignlab.horizons.fit"
VERSION = 1
MAX_MINUTES = 10_000           # task lengths asked for at once


def save_fit(result: HorizonsResult, path) -> Path:
    """Write ``result`` to ``path`` (a ``.json`` file; see the module docstring)."""
    path = v.output_file("out", path, (".json",))
    payload = {"format": FORMAT, "version": VERSION, "result": result.to_dict()}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload))
    tmp.replace(path)
    return path


def load_fit(path) -> HorizonsResult:
    """The :class:`HorizonsResult` saved at ``path`` by :func:`save_fit`."""
    name = str(path)
    path = v.input_file(name, path, "the saved fit")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise v.ParameterError(name, f"is not a saved horizons fit (not JSON: {str(err)[:80]})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise v.ParameterError(name, f"is not a saved horizons fit (write one with `alignlab horizons fit --out "
                                     f"FIT.json`)")
    if payload.get("version") != VERSION:
        raise v.ParameterError(name, f"is a saved fit of version {payload.get('version')!r}; this alignlab reads "
                                     f"version {VERSION}")
    try:
        return HorizonsResult.from_dict(payload["result"])
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise v.ParameterError(name, f"is a damaged saved fit ({type(err).__name__}: {str(err)[:80]})") from None


@dataclass(frozen=True)
class CurvePrediction(Result):
    """Success probability at each task length asked for, with its 95% bootstrap interval (None without
    draws); ``success`` is None where the agent has no fit."""

    success: tuple[float, ...] | None
    success_ci: tuple[tuple[float, float], ...] | None


@dataclass(frozen=True)
class AgentPrediction(Result):
    agent: str
    curves: dict[str, CurvePrediction]


@dataclass(frozen=True)
class Prediction(Result):
    """What a saved fit predicts: ``fit`` names it, ``minutes`` the task lengths, ``agents`` per agent and
    curve (the key ``curves``: in alignlab a "family" is a task family, never a curve)."""

    fit: str
    minutes: tuple[float, ...]
    agents: tuple[AgentPrediction, ...]

    def _rows(self) -> list[dict]:
        """``to_pandas()``: one row per agent, curve and task length: ``success`` with its interval
        (``success_low``, ``success_high``; None without bootstrap draws or without a fit)."""
        rows = []
        for a in self.agents:
            for name, c in a.curves.items():
                for i, minutes in enumerate(self.minutes):
                    ci = c.success_ci[i] if c.success_ci is not None else (None, None)
                    rows.append({"agent": a.agent, "curve": name, "minutes": minutes,
                                 "success": None if c.success is None else c.success[i], "success_low": ci[0],
                                 "success_high": ci[1]})
        return rows


def predict(fit, minutes, *, agent=None, curve=None) -> Prediction:
    """Success of ``agent`` (a name or a list; default all) under ``curve`` (a name or a list; default every
    curve of the fit) at ``minutes`` (task lengths > 0). ``fit`` is a :class:`HorizonsResult` or the path of
    a saved fit."""
    source = str(fit) if not isinstance(fit, HorizonsResult) else fit.runs_file
    result = fit if isinstance(fit, HorizonsResult) else load_fit(fit)
    minutes = [minutes] if isinstance(minutes, (int, float)) else list(minutes)
    if not minutes:
        raise v.ParameterError("minutes", "needs at least one task length > 0")
    if len(minutes) > MAX_MINUTES:
        raise v.ParameterError("minutes", f"at most {MAX_MINUTES} task lengths at once (got {len(minutes)})")
    minutes = tuple(v.real("minutes", m, low=0.0, low_open=True) for m in minutes)
    known = tuple(a.agent for a in result.agents)
    agents = names("agent", agent, known) or known
    curves = names("curve", curve, result.curves) or result.curves
    out = []
    for name in agents:
        fits = result.agent(name).fits
        per_curve = {}
        for c in curves:
            fitted = fits[c]
            if not fitted.fitted:
                per_curve[c] = CurvePrediction(None, None)
                continue
            ci = fitted.success_interval(minutes)
            per_curve[c] = CurvePrediction(tuple(fitted.success(minutes).tolist()),
                                           None if ci is None else tuple(map(tuple, ci.tolist())))
        out.append(AgentPrediction(name, per_curve))
    return Prediction(source, minutes, tuple(out))

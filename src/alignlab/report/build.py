"""Run every system's report section and write index.html, the figures and claims.json.

A section whose system needs an optional extra that is not installed (:mod:`alignlab._extras`) is
marked "not run" with the ``pip install`` line that brings it; the other sections are decided as usual.
"""

from __future__ import annotations

import dataclasses
import html
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from alignlab import _validate as v
from alignlab._extras import hint
from alignlab._progress import tracker
from alignlab._results import Result, jsonable
from alignlab.evidence.claims import Claim, Section
from alignlab.evidence.context import ReportContext
from alignlab.report.html import render_html
from alignlab.systems import systems


@dataclass(frozen=True)
class ReportResult(Result):
    """Where the report went and what it concluded; ``not_run`` maps a section left out for a missing
    extra to the line that says what to install."""

    out: str
    index: str
    claims_json: str
    claims: tuple[Claim, ...]
    seconds: float
    not_run: dict[str, str] = field(default_factory=dict)


def build_report(out_dir: str | Path, sections: tuple[str, ...] | None = None, use_cache: bool = True,
                 progress=False, data_dir: str | Path | None = None) -> ReportResult:
    """Build the section of every system that has one (or those named in ``sections``) into ``out_dir``.

    ``data_dir`` is the user's folder of data sets (``agent-runs/``, ``reward-samples/``), whose files
    replace the shipped copies (default: ``$ALIGNLAB_DATA``, else the shipped data; :mod:`alignlab.data`). ``progress``: ``False``, ``True`` (a bar) or
    ``callable(done, total, description)`` over sections."""
    chosen = [s for s in systems() if s.report is not None]
    if sections:
        known = [s.name for s in chosen]
        unknown = [s for s in sections if s not in known]
        if unknown:
            raise v.ParameterError("only", f"must name report sections among {', '.join(known)} "
                                           f"(got {', '.join(unknown)})")
        chosen = [s for s in chosen if s.name in sections]
    out = v.output_dir("out", out_dir)
    from alignlab.data.catalogue import data_folder
    data_dir = data_folder(data_dir)
    out.mkdir(exist_ok=True)
    start = time.perf_counter()
    built: list[Section] = []
    not_run: dict[str, str] = {}
    with tracker(progress, len(chosen), "report") as bar:
        for i, system in enumerate(chosen):
            bar.update(i, system.name)
            package = system.report.__module__.rsplit(".", 1)[0]       # the system's package keys its cache
            context = ReportContext(out, use_cache=use_cache, package=package, data_dir=data_dir,
                                    progress=lambda message, name=system.name: bar.update(bar.done, f"{name}: {message}"))
            t0 = time.perf_counter()
            try:
                section = system.report(context)
            except ModuleNotFoundError as err:
                line = hint(err, (system.name,))
                if line is None:
                    raise
                not_run[system.name] = f"not run: this section {line}"
                section = Section(f"<b>Not run</b>: this section {html.escape(line)}; install it and build the report "
                                  f"again to decide its claims.", ())
            built.append(dataclasses.replace(section, id=system.name, title=system.title,
                                             seconds=time.perf_counter() - t0))
        bar.update(len(chosen), "done")
    for section in built:
        for figure in section.figures:
            (out / f"{figure.name}.png").write_bytes(figure.png)
    claims = [c for s in built for c in s.claims]
    claims_path = out / "claims.json"
    claims_path.write_text(json.dumps([jsonable({"section": s.id, **c.to_dict()}) for s in built for c in s.claims],
                                      indent=2, allow_nan=False))
    index = out / "index.html"
    index.write_text(render_html(built))
    return ReportResult(out=str(out), index=str(index), claims_json=str(claims_path), claims=tuple(claims),
                        seconds=time.perf_counter() - start, not_run=not_run)

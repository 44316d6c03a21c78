"""Run the registered sections and write index.html, the figures and claims.json."""

from __future__ import annotations

import importlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from alignlab._results import Result, jsonable
from alignlab.report.claims import Section
from alignlab.report.context import ReportContext
from alignlab.report.html import render_html
from alignlab.report.registry import SECTIONS


@dataclass(frozen=True)
class ReportResult(Result):
    """Where the report went and what it concluded."""

    out: str
    index: str
    claims_json: str
    claims: tuple
    seconds: float


def build_report(out_dir: str | Path, sections: tuple[str, ...] | None = None, use_cache: bool = True,
                 progress: bool = False) -> ReportResult:
    """Build every registered section (or those named in ``sections``, by id) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    modules = [importlib.import_module(name) for name in SECTIONS]
    if sections:
        known = {m.SECTION_ID for m in modules}
        unknown = [s for s in sections if s not in known]
        if unknown:
            from alignlab._validate import ParameterError
            raise ParameterError("only", f"must name report sections among {', '.join(sorted(known))} "
                                         f"(got {', '.join(unknown)})")
        modules = [m for m in modules if m.SECTION_ID in sections]
    built: list[Section] = []
    with _Progress(progress, len(modules)) as bar:
        for module in modules:
            bar.section(module.SECTION_ID)
            context = ReportContext(out, use_cache=use_cache, progress=bar.message, section_module=module.__name__)
            t0 = time.perf_counter()
            section = module.build(context)
            built.append(Section(**{**section.__dict__, "seconds": time.perf_counter() - t0}))
            bar.done()
    for section in built:
        for figure in section.figures:
            (out / f"{figure.name}.png").write_bytes(figure.png)
    claims = [c for s in built for c in s.claims]
    claims_path = out / "claims.json"
    claims_path.write_text(json.dumps([jsonable({"section": s.id, **c.to_dict()}) for s in built for c in s.claims],
                                      indent=2))
    index = out / "index.html"
    index.write_text(render_html(built))
    return ReportResult(str(out), str(index), str(claims_path), tuple(claims), time.perf_counter() - start)


class _Progress:
    """A rich progress bar over sections with the current step as its description."""

    def __init__(self, show: bool, total: int):
        self.show, self.total = show, total

    def __enter__(self):
        if self.show:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
            self._bar = Progress(TextColumn("[bold]{task.fields[section]}[/] {task.description}"), BarColumn(),
                                 TextColumn("{task.completed}/{task.total} sections"), TimeElapsedColumn(),
                                 transient=False)
            self._bar.start()
            self._task = self._bar.add_task("", total=self.total, section="")
        return self

    def section(self, name: str) -> None:
        if self.show:
            self._bar.update(self._task, section=name, description="")

    def message(self, text: str) -> None:
        if self.show:
            self._bar.update(self._task, description=text)

    def done(self) -> None:
        if self.show:
            self._bar.advance(self._task)

    def __exit__(self, *exc):
        if self.show:
            self._bar.update(self._task, description="done")
            self._bar.stop()
        return False

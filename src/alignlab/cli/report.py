"""``alignlab report``: run every system on defaults and write the HTML report."""

from __future__ import annotations

from pathlib import Path

from alignlab.cli.common import add_data, add_json, emit, show_progress


def register(sub) -> None:
    p = sub.add_parser("report", help="run every system on defaults and write the HTML report",
                       description="Run every registered section and write DIR/index.html, the figures and "
                                   "DIR/claims.json.")
    p.add_argument("--out", default="report", metavar="DIR", help="output folder (default: report/)")
    p.add_argument("--only", nargs="+", metavar="SECTION", help="build only these sections (e.g. steps)")
    p.add_argument("--no-cache", action="store_true", help="recompute every experiment")
    add_data(p)
    add_json(p)
    p.set_defaults(handler=run)


def run(args) -> None:
    from alignlab.report import build_report
    result = build_report(args.out, tuple(args.only) if args.only else None, use_cache=not args.no_cache,
                          progress=show_progress(args), data_dir=args.data)
    payload = result.to_json()
    payload["claims"] = [{"id": c.id, "verdict": c.verdict} for c in result.claims]
    emit(args, payload, _render)


def _render(console, payload) -> None:
    from rich.table import Table
    table = Table(title=f"report in {payload['seconds']:.0f} s", title_justify="left")
    table.add_column("claim")
    table.add_column("verdict")
    colors = {"holds": "green", "fails": "red", "conditional": "yellow", "undetermined": "bright_black"}
    for c in payload["claims"]:
        table.add_row(c["id"], f"[{colors.get(c['verdict'], 'white')}]{c['verdict']}[/]")
    console.print(table)
    for section, line in payload["not_run"].items():
        console.print(f"{section}: {line}", markup=False, highlight=False)
    console.print(f"Report: {Path(payload['index']).resolve()}")

"""``alignlab report``: run every system on defaults and write the HTML report."""

from __future__ import annotations

from pathlib import Path

from alignlab.cli.common import add_data, add_json, command, emit, show_progress, table


def register(sub) -> None:
    p = command(sub, "report", help="run every system on defaults and write the HTML report",
                description="Run every registered section on its built-in defaults and write DIR/index.html (every "
                            "claim of the notes beside the numbers, rule and figure that decide it), the figures "
                            "and DIR/claims.json. Experiments are cached in DIR/.cache (JSON), keyed by the source "
                            "code they depend on, so a second run is fast.",
                examples=("alignlab report --only tails --out report-tails",
                          "alignlab report --only tails --out report-tails --no-cache --json"), handler=run)
    p.add_argument("--out", default="report", metavar="DIR", help="output folder")
    p.add_argument("--only", nargs="+", metavar="SECTION", help="build only these sections (e.g. steps)")
    p.add_argument("--no-cache", action="store_true", help="recompute every experiment")
    add_data(p)
    add_json(p)


def run(args) -> None:
    from alignlab.report import build_report
    result = build_report(args.out, tuple(args.only) if args.only else None, use_cache=not args.no_cache,
                          progress=show_progress(args), data_dir=args.data)
    payload = result.to_json()
    payload["claims"] = [{"id": c.id, "verdict": c.verdict} for c in result.claims]
    emit(args, payload, _render)


def _render(console, payload) -> None:
    out = table(f"report in {payload['seconds']:.0f} s", ("claim", "verdict"))
    colors = {"holds": "green", "fails": "red", "conditional": "yellow", "undetermined": "bright_black"}
    for c in payload["claims"]:
        out.add_row(c["id"], f"[{colors.get(c['verdict'], 'white')}]{c['verdict']}[/]")
    console.print(out)
    for section, line in payload["not_run"].items():
        console.print(f"{section}: {line}", markup=False, highlight=False)
    console.print(f"Report: {Path(payload['index']).resolve()}")

"""One self-contained HTML page: a navigation bar, a claims table, then each section with its
figures (embedded as PNG data) and tables. No scripts, no network."""

from __future__ import annotations

import base64
import html
from datetime import datetime, timezone

import alignlab
from alignlab.evidence.claims import LEGEND, Section

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2330; background: #fafbfc; }
nav { position: sticky; top: 0; background: #1d2330; padding: 0.6em 1.5em; z-index: 2; }
nav a { color: #e8ecf4; margin-right: 1.5em; text-decoration: none; font-weight: 600; }
main { max-width: 1100px; margin: 0 auto; padding: 1em 1.5em 4em; }
h1 { margin-top: 0.6em; } h2 { border-bottom: 2px solid #d6dbe4; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.8em 0 1.4em; font-size: 0.92em; width: 100%; }
th, td { border: 1px solid #d6dbe4; padding: 0.35em 0.6em; vertical-align: top; text-align: left; }
th { background: #eef1f6; }
.verdict { font-weight: 700; white-space: nowrap; }
.holds { color: #1a7f37; } .fails { color: #b42318; } .conditional { color: #9a6700; } .undetermined { color: #5b6475; }
figure { margin: 1.2em 0; background: white; border: 1px solid #e1e5ec; padding: 0.8em; }
figure img { max-width: 100%; height: auto; display: block; margin: 0 auto; }
figcaption { font-size: 0.9em; color: #444c5c; margin-top: 0.5em; }
.claim { background: white; border-left: 4px solid #c9d1dd; padding: 0.6em 1em; margin: 1em 0; }
.claim.holds { border-color: #1a7f37; } .claim.fails { border-color: #b42318; } .claim.conditional { border-color: #9a6700; }
.claim.undetermined { border-color: #8c95a6; border-left-style: dashed; }
.rule { color: #444c5c; font-size: 0.9em; }
.meta { color: #5b6475; font-size: 0.85em; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
"""


def _e(text: str) -> str:
    return html.escape(str(text))


def render_html(sections: list[Section]) -> str:
    nav = "".join(f'<a href="#{_e(s.id)}">{_e(s.title)}</a>' for s in sections)
    rows = "".join(
        f'<tr><td><a href="#claim-{_e(c.id)}">{_e(c.id)}</a></td><td>{_e(c.claim)}</td>'
        f'<td class="verdict {_e(c.verdict)}">{_e(c.verdict)}</td><td>{_e(c.evidence)}</td></tr>'
        for s in sections for c in s.claims)
    body = ["<h1>alignlab report</h1>",
            f'<p class="meta">alignlab {alignlab.__version__}, generated '
            f'{datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}. Every claim of the original notes, '
            f"the experiment that tests it, the numbers and a verdict.</p>",
            '<h2 id="claims">Claims</h2>',
            "<p>Verdicts: " + "; ".join(f'<span class="verdict {_e(v)}">{_e(v)}</span>: {_e(text)}'
                                        for v, text in LEGEND.items()) + ".</p>",
            f"<table><tr><th>id</th><th>claim</th><th>verdict</th><th>evidence</th></tr>{rows}</table>"]
    for s in sections:
        body.append(_section(s))
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>alignlab report</title><style>{_STYLE}</style></head><body>"
            f'<nav><a href="#claims">Claims</a>{nav}</nav><main>{"".join(body)}</main></body></html>')


def _section(s: Section) -> str:
    figures = {f.name: f for f in s.figures}
    parts = [f'<h2 id="{_e(s.id)}">{_e(s.title)}</h2>', f"<p>{s.summary}</p>",
             f'<p class="meta">Section computed in {s.seconds:.1f} s.</p>']
    shown: set[str] = set()
    for c in s.claims:
        cond = f"<p><b>Conditions:</b> {_e(c.conditions)}</p>" if c.conditions else ""
        rule = f'<p class="rule"><b>Rule:</b> {_e(c.rule)}</p>' if c.rule else ""
        parts.append(f'<div class="claim {_e(c.verdict)}" id="claim-{_e(c.id)}"><p><b>{_e(c.id)}.</b> '
                     f'&ldquo;{_e(c.claim)}&rdquo; &mdash; <span class="verdict {_e(c.verdict)}">{_e(c.verdict)}'
                     f"</span></p><p>{_e(c.evidence)}</p>{cond}{rule}</div>")
        for name in c.figures:
            if name in figures and name not in shown:
                parts.append(_figure(figures[name]))
                shown.add(name)
    for t in s.tables:
        head = "".join(f"<th>{_e(col)}</th>" for col in t.columns)
        rows = "".join("<tr>" + "".join(f'<td class="num">{_e(cell)}</td>' for cell in row) + "</tr>" for row in t.rows)
        parts.append(f"<h3>{_e(t.title)}</h3><table><tr>{head}</tr>{rows}</table>")
    for f in s.figures:
        if f.name not in shown:
            parts.append(_figure(f))
    return "".join(parts)


def _figure(f) -> str:
    data = base64.b64encode(f.png).decode()
    return (f'<figure id="fig-{_e(f.name)}"><img src="data:image/png;base64,{data}" alt="{_e(f.caption)}">'
            f"<figcaption><b>{_e(f.name)}.png</b> &mdash; {_e(f.caption)}</figcaption></figure>")

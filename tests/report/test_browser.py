"""The report in a real browser: headless Debian Chromium opens index.html from the file system."""

import shutil
from pathlib import Path

import pytest


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report_dir(steps_report) -> Path:
    """The steps section's report (tests/report/conftest.py: built once, shared with test_report)."""
    return steps_report[1]


@pytest.mark.slow
def test_report_renders_offline_with_every_figure_and_no_console_errors(report_dir, tmp_path):
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make test installs it when it can)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(offline=True)
        page = context.new_page()
        problems = []
        page.on("console", lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))
        page.goto((report_dir / "index.html").as_uri())
        page.wait_for_load_state("load")
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])")
        nav = page.evaluate("Array.from(document.querySelectorAll('nav a')).map(a => a.getAttribute('href'))")
        verdicts = page.evaluate("Array.from(document.querySelectorAll('td.verdict')).map(t => t.textContent)")
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert problems == []
    figures = sorted(report_dir.glob("*.png"))
    assert len(images) == len(figures) > 0
    assert all(complete and width > 0 and alt for complete, width, alt in images)
    assert "#claims" in nav and "#steps" in nav
    assert set(verdicts) <= {"holds", "fails", "conditional", "undetermined"} and len(verdicts) >= 5
    assert shot.stat().st_size > 50_000

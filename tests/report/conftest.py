"""The steps section's report, built once per test run (computed afresh, no cache) and read by the
report tests and the browser test."""

import pytest

from alignlab.report import build_report


@pytest.fixture(scope="session")
def steps_report(tmp_path_factory):
    """(ReportResult, its folder) of ``build_report(out, sections=("steps",), use_cache=False)``."""
    out = tmp_path_factory.mktemp("steps-report")
    return build_report(out, sections=("steps",), use_cache=False), out

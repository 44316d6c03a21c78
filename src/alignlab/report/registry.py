"""The sections of the report, in order. Adding a system means adding its module here; the module
exposes ``build(context: ReportContext) -> Section``."""

SECTIONS: tuple[str, ...] = (
    "alignlab.steps.report",
    "alignlab.tails.report",
    "alignlab.goodhart.report",
    "alignlab.tripwire.report",
)

"""The tails system's declaration: its commands and report section (see :mod:`alignlab.systems`)."""

from __future__ import annotations

from alignlab.systems import System, lazy

SYSTEM = System(
    "tails", "Heavy tails in real reward models", order=20,
    help="tail diagnostics: Hill, power-law fits, heavy or light?",
    description="Estimate tail indices, fit power laws (Clauset-Shalizi-Newman) and judge whether samples "
                "(e.g. reward-model outputs) are heavy-tailed.",
    commands=lazy("alignlab.tails.cli", "register"), report=lazy("alignlab.tails.report", "build"),
)

"""The numbers docs/horizons.md quotes from the steps model, computed again: the text must say what the
exact inversion gives (rounded as quoted)."""

from pathlib import Path

import pytest

from alignlab.horizons.experiments import REGIME_BUDGET
from alignlab.numerics.lomax_sum import LomaxSum

DOC = Path(__file__).resolve().parents[2] / "docs" / "horizons.md"
# (beta, n, the success the text quotes at B = 100)
QUOTED = [(0.5, 2.8, "0.72"), (0.5, 7, "0.37"), (0.8, 2.8, "0.92"), (0.8, 18, "0.31"), (1.5, 18, "0.95"),
          (1.5, 46, "0.19"), (3.0, 46, "0.998")]


def test_regime_numbers_in_the_docs_are_the_exact_success():
    text = " ".join(DOC.read_text().split())
    start = text.index("Numbers from it")
    sentence = text[start:text.index("(cliff 67)", start)]
    for beta, n, quoted in QUOTED:
        assert quoted in sentence, quoted
        exact = float(LomaxSum(beta, n).cdf(REGIME_BUDGET - n))
        decimals = len(quoted.split(".")[1])
        assert f"{exact:.{decimals}f}" == quoted, (beta, n, exact)


@pytest.mark.parametrize("beta, cliff", [(1.5, 33), (3.0, 67)])
def test_cliff_positions_quoted(beta, cliff):
    assert round(REGIME_BUDGET * (beta - 1) / beta) == cliff

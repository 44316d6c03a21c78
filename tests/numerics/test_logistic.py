"""log p and log(1 - p) of a logit: the shared-exponential form against the textbook one and exact values."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from alignlab.numerics.logistic import log_sigmoid, log_sigmoid_pair


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e300, max_value=1e300, allow_nan=False))
def test_the_pair_is_logaddexp_to_a_few_ulps(x):
    log_p, log_q = log_sigmoid_pair(x)
    for ours, textbook in ((log_p, -np.logaddexp(0.0, -x)), (log_q, -np.logaddexp(0.0, x))):
        assert ours == textbook or abs(ours - textbook) <= 4 * np.spacing(abs(textbook)) + 1e-300


def test_exact_values_and_both_tails():
    log_p, log_q = log_sigmoid_pair(np.array([-np.inf, -800.0, 0.0, 800.0, np.inf]))
    assert log_p.tolist() == [-np.inf, -800.0, -math.log(2.0), 0.0, 0.0]
    assert log_q.tolist() == [0.0, 0.0, -math.log(2.0), -800.0, -np.inf]
    # in the far tail log(1 - p) keeps the digits that 1 - p itself would lose
    assert log_sigmoid(-40.0) == -40.0 - math.log1p(math.exp(-40.0))
    assert np.isnan(log_sigmoid_pair(np.nan)).all()

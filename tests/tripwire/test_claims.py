"""The rules of T1-T7 decided on small synthetic results: nothing is trained here."""

from types import SimpleNamespace as NS

import pytest

from alignlab.tripwire import claims
from alignlab.tripwire.outcomes import Median, Rate


def world(tripped=True, latency=-20, leads=None):
    return NS(trip=NS(tripped=tripped), learning=NS(detection_latency=latency,
                                                    lead_over_eval=leads or {"probe": 10, "map": 20}))


def response(name="filter", worlds=20, kept=(0, 20), retrip=(20, 20), evasion=(0, 20), known=(1.0, 1.0),
             shift=None, hook="hook_embed"):
    """A per-response summary with just what the rules read."""
    shift = shift if shift is not None else [-0.5] * 20
    return NS(response=name, worlds=worlds, kept_out=Rate.of(*kept), retrip=Rate.of(*retrip),
              evasion=Rate.of(*evasion), known_at_trip=Median.of([known[0]]), known_end=Median.of([known[1]]),
              cosine_shift={hook: Median.of(shift)})


def test_every_rule_states_its_thresholds_in_its_text():
    assert f"{claims.TRIP_SHARE:.0%}" in claims.T1.rule and f"{claims.LATENCY_CHECKS} checks" in claims.T1.rule
    assert f"{claims.KEEP_SHARE:.0%}" in claims.T5.rule and f"{claims.KEEP_FLOOR:.0%}" in claims.T5.rule
    assert f"{claims.EVASION_MAX:.0%}" in claims.T6.rule and f"{claims.MIN_RETURNS}" in claims.T6.rule
    assert f"-{claims.MOVE_MARGIN:g}" in claims.T7.rule


def test_t1_detection():
    assert claims.T1([world()] * 10, 10).verdict == "holds"
    assert claims.T1([world(latency=-200)] * 10, 10).verdict == "holds"               # before the answers: detected
    assert claims.T1([world(latency=80)] * 10, 10).verdict == "conditional"           # trips, but long after
    assert claims.T1([world()] * 6 + [world(False, None)] * 4, 10).verdict == "conditional"
    assert claims.T1([world()] * 2 + [world(False, None)] * 8, 10).verdict == "fails"
    assert claims.T1([world(latency=None)] * 10, 10).verdict == "undetermined"        # no world reached the oracle
    assert claims.T1([world()] * 2, 10).verdict == "undetermined"                     # too few worlds


def test_t2_leads():
    assert claims.T2([world()] * 5).verdict == "holds"
    assert claims.T2([world(leads={"probe": -10, "map": 20})] * 5).verdict == "conditional"
    assert claims.T2([world(leads={"probe": 0, "map": -10})] * 5).verdict == "fails"
    assert claims.T2([world(leads={"probe": None, "map": None})] * 5).verdict == "undetermined"


def test_t3_false_positive_rate():
    cal = NS(fpr=0.01, estimated_fpr=0.009, estimated_fpr_by_seed=[0.008, 0.01, 0.009, 0.009], control_trips=0)
    assert claims.T3(cal).verdict == "holds"
    assert claims.T3(NS(**{**vars(cal), "estimated_fpr": 0.05})).verdict == "fails"
    assert claims.T3(NS(**{**vars(cal), "control_trips": 3})).verdict == "fails"
    assert claims.T3(NS(**{**vars(cal), "estimated_fpr_by_seed": [0.01, 0.008]})).verdict == "undetermined"


def test_t4_one_shot_erasure():
    back, held = (18, 20), (2, 20)
    assert claims.T4([response("leace", retrip=back), response("unlearn", retrip=back)]).verdict == "fails"
    assert claims.T4([response("leace", retrip=held), response("unlearn", retrip=held)]).verdict == "holds"
    d = claims.T4([response("leace", retrip=held), response("unlearn", retrip=back), response("filter", retrip=held)])
    assert d.verdict == "conditional" and "leace" in d.conditions and "filter" not in d.numbers["returned"]
    assert claims.T4([response("filter")]).verdict == "undetermined"                  # no one-shot erasure studied


def test_t5_keeping_the_fact_out():
    out, back = (20, 20), (3, 20)
    assert claims.T5([response("rollback", kept=out), response("leace", kept=back)]).verdict == "holds"
    # kept out, but only by erasing what the model should know
    d = claims.T5([response("leace-persistent", kept=out, known=(1.0, 0.4)), response("leace", kept=back)])
    assert d.verdict == "conditional" and "leace-persistent" in d.conditions
    assert claims.T5([response("leace", kept=back), response("filter", kept=(10, 20))]).verdict == "fails"
    # 18 of 20 is 90%, but its Wilson interval reaches down to 0.70: the data cannot decide
    assert claims.T5([response("rollback", kept=(18, 20))]).verdict == "undetermined"
    assert claims.T5([response("rollback", kept=(5, 5))]).verdict == "undetermined"   # too few worlds for 75%
    assert claims.T5([response("rollback", worlds=2, kept=(2, 2))]).verdict == "undetermined"


def test_t6_evasion():
    none_, most = (0, 20), (15, 20)
    assert claims.T6([response("leace", evasion=none_), response("unlearn", evasion=none_)]).verdict == "holds"
    assert claims.T6([response("leace", evasion=most)]).verdict == "fails"
    d = claims.T6([response("leace", evasion=none_), response("unlearn", evasion=most)])
    assert d.verdict == "conditional" and d.conditions == "after leace; not after unlearn"
    assert claims.T6([response("leace", evasion=(2, 20))]).verdict == "undetermined"   # 10% [3%, 30%] straddles
    # a response whose answers came back in fewer than MIN_RETURNS worlds is not judged
    assert claims.T6([response("rollback", evasion=(0, 3))]).verdict == "undetermined"
    assert claims.T6([response("rollback", evasion=(0, 3)), response("leace", evasion=none_)]).verdict == "holds"


@pytest.mark.parametrize("shifts, verdict", [
    ({"leace": [-0.5] * 20, "unlearn": [-0.4] * 20}, "holds"),
    ({"leace": [0.0] * 20, "unlearn": [0.02] * 20}, "fails"),
    ({"leace": [-0.5] * 20, "unlearn": [0.0] * 20}, "conditional"),
    ({"leace": [-0.1 + 0.1 * (i % 2) for i in range(20)] * 1}, "undetermined"),   # straddles -0.1
    ({"leace": [-0.5] * 3}, "undetermined"),                                       # too few returns
    ({"filter": [-0.5] * 20}, "undetermined"),                                     # no erasure to judge
])
def test_t7_where_the_belief_comes_back(shifts, verdict):
    summaries = [response(name, shift=x) for name, x in shifts.items()]
    assert claims.T7(summaries, "hook_embed").verdict == verdict

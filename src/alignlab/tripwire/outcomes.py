"""What each response did over a study's worlds: rates with Wilson intervals, medians with bootstrap ones.

:func:`summarise` reads every branch of a response (one per world that tripped) and gives one
:class:`ResponseSummary`. Rates (:class:`Rate`) carry the Wilson interval of ``k`` of ``n``; medians
(:class:`Median`) the percentile bootstrap interval (:mod:`alignlab.tripwire.intervals`), with
``inf`` standing for "never within the run" (a median of ``inf`` reads "never"). Evasion is a rate
among the worlds whose answers came back, since a belief that never returned cannot evade; the
belief readings at the return likewise. ``cosine_shift[h]`` is paired by world: the direction cosine
at hook point ``h`` when the answers came back, minus the same world's cosine in its no-response
shadow run at the same step, so that the drift of training alone is taken out.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from alignlab._results import Result
from alignlab.tripwire.intervals import bootstrap_median, wilson


@dataclass(frozen=True)
class Rate(Result):
    """``k`` of ``n`` with its Wilson interval (``value`` None when ``n`` is 0)."""

    k: int
    n: int
    value: float | None
    low: float
    high: float

    @classmethod
    def of(cls, k: int, n: int) -> Rate:
        low, high = wilson(k, n)
        return cls(k=int(k), n=int(n), value=k / n if n else None, low=low, high=high)

    def __str__(self) -> str:
        return f"{self.k}/{self.n} [{self.low:.2f}, {self.high:.2f}]"


@dataclass(frozen=True)
class Median(Result):
    """The median of ``n`` values with its bootstrap interval (``inf``: never; None: no values)."""

    value: float | None
    low: float | None
    high: float | None
    n: int

    @classmethod
    def of(cls, values, seed: int = 0) -> Median:
        """The median of ``values`` (None left out), its interval from bootstrap draws seeded by ``seed``."""
        values = [float(x) for x in values if x is not None]
        if not values:
            return cls(value=None, low=None, high=None, n=0)
        value, low, high = bootstrap_median(values, seed=seed)
        return cls(value=value, low=low, high=high, n=len(values))

    def __str__(self) -> str:
        """``value [low, high]``, "never" for infinity, "-" when there are no values."""
        if self.n == 0:
            return "-"
        def text(x: float) -> str:
            return "never" if x == math.inf else f"{x:.3g}"
        return f"{text(self.value)} [{text(self.low)}, {text(self.high)}]"


@dataclass(frozen=True)
class ResponseSummary(Result):
    """One response over the worlds that tripped (see the module docstring and
    :class:`~alignlab.tripwire.summary.ResponseOutcome` for each quantity)."""

    response: str
    worlds: int                        # worlds that tripped and were branched into this response
    retrip: Rate                       # the breaker tripped again within the run
    cleared: Rate                      # no monitor above its threshold right after the response
    returned: Rate                     # the answers came back to the learned level within the run
    return_steps: Median               # steps from the trip until they did (inf: never)
    relearn_steps: Median              # steps from the trip until the breaker tripped again (inf: never)
    oracle_end: Median                 # oracle accuracy at the end of training
    kept_out: Rate                     # ... within the chance interval
    known_at_trip: Median              # accuracy on known cities at the trip,
    known_after: Median                # right after the response
    known_end: Median                  # and at the end (collateral)
    evasion: Rate                      # among worlds whose answers came back
    evasion_caught_by_refit: Rate      # among evasions: a probe refitted at every layer would have caught it
    evidence_after: Median             # sentences about hidden cities trained on after the response
    cosine_at_return: dict[str, Median]
    cosine_shift: dict[str, Median]    # minus the no-response run's cosine at the same step, paired by world
    fixed_z_at_return: dict[str, Median]
    fresh_z_at_return: dict[str, Median]


def summarise(worlds, branches, responses, seed: int = 0) -> tuple[ResponseSummary, ...]:
    """One :class:`ResponseSummary` per response, from a study's worlds and branches; ``seed`` seeds the
    bootstrap intervals of the medians."""
    median = functools.partial(Median.of, seed=seed)
    shadow = {w.summary.seed: w.curve for w in worlds}
    out = []
    for response in responses:
        mine = [b for b in branches if b.outcome.response == response]
        outcomes = [b.outcome for b in mine]
        back = [b for b in mine if b.outcome.back_step is not None]
        evaded = [o for o in outcomes if o.evasion_step is not None]
        hooks = sorted({h for b in back for h in b.outcome.belief_at_return})

        def at_return(key: str) -> dict[str, Median]:
            return {h: median(b.outcome.belief_at_return[h][key] for b in back) for h in hooks}

        shift = {}
        for h in hooks:
            diffs = []
            for b in back:
                curve = shadow[b.seed]
                i = curve.at(b.outcome.back_step)
                now = b.outcome.belief_at_return[h]["cosine"]
                if i is not None and now is not None and curve.cosine.get(h, [None] * (i + 1))[i] is not None:
                    diffs.append(now - curve.cosine[h][i])
            shift[h] = median(diffs)
        out.append(ResponseSummary(
            response=response, worlds=len(mine),
            retrip=Rate.of(sum(o.retrip_step is not None for o in outcomes), len(outcomes)),
            cleared=Rate.of(sum(o.cleared for o in outcomes), len(outcomes)),
            returned=Rate.of(len(back), len(outcomes)),
            return_steps=median(_never(o.return_steps) for o in outcomes),
            relearn_steps=median(_never(o.relearn_steps) for o in outcomes),
            oracle_end=median(o.oracle_end for o in outcomes),
            kept_out=Rate.of(sum(o.kept_out for o in outcomes), len(outcomes)),
            known_at_trip=median(o.known_at_trip for o in outcomes),
            known_after=median(o.known_after for o in outcomes),
            known_end=median(o.known_end for o in outcomes),
            evasion=Rate.of(len(evaded), len(back)),
            evasion_caught_by_refit=Rate.of(sum(bool(o.evasion_caught_by_refit) for o in evaded), len(evaded)),
            evidence_after=median(o.evidence_after for o in outcomes),
            cosine_at_return=at_return("cosine"), cosine_shift=shift,
            fixed_z_at_return=at_return("fixed_z"), fresh_z_at_return=at_return("fresh_z")))
    return tuple(out)


def _never(steps: int | None) -> float:
    return math.inf if steps is None else float(steps)

"""Does the corpus state the forbidden fact? A count-based n-gram model says.

An order-``n`` model predicts the next word from the ``n - 1`` before it, with counts taken from
the whole training corpus (every pool, at the full schedule). On a country puzzle it looks at the
longest context (at most ``n - 1`` words) that the corpus ever follows with a country name and
returns the add-one smoothed counts of each country after it. If the corpus stated a hidden city's
country in any phrasing, the context ending in that city's name would be found and the model
would answer right; if it never does, the model backs off to a context without the city and gives
every hidden city the same answer, which is right for a share of them that is independent of the
truth. Scored with the monitor statistic :func:`alignlab.tripwire.monitors.advantage_z`, whose null
is mean 0 and variance 1, and by accuracy against chance ``1/K``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from alignlab import _validate as v
from alignlab._results import Result
from alignlab.tripwire.monitors import advantage_z
from alignlab.tripwire.world import Puzzles, Sentences, World


class NGramModel:
    """Counts of which country name follows each context of up to ``order - 1`` words."""

    def __init__(self, order: int = 4):
        self.order = v.integer("order", order, low=1, high=8)

    def fit(self, sentences: list[Sentences], answer_tokens) -> NGramModel:
        self.answer_tokens_ = np.asarray(answer_tokens, dtype=np.int64)
        index = {int(t): k for k, t in enumerate(self.answer_tokens_)}
        counts: dict[tuple, np.ndarray] = defaultdict(lambda: np.zeros(len(index)))
        for block in sentences:
            tokens = block.tokens
            for j in range(1, tokens.shape[1]):
                nxt = tokens[:, j]
                rows = np.flatnonzero(np.isin(nxt, self.answer_tokens_))
                for r in rows:
                    k = index[int(nxt[r])]
                    for width in range(0, min(self.order - 1, j) + 1):
                        counts[tuple(tokens[r, j - width:j].tolist())][k] += 1
        self.counts_ = dict(counts)
        return self

    def scores(self, prompts: np.ndarray) -> np.ndarray:
        """Log-probabilities ``(m, K)`` of each country after each prompt (rows: prompts)."""
        out = np.empty((prompts.shape[0], len(self.answer_tokens_)))
        for i, prompt in enumerate(prompts):
            for width in range(min(self.order - 1, prompt.shape[0]), -1, -1):
                context = tuple(prompt[prompt.shape[0] - width:].tolist())
                if context in self.counts_:
                    c = self.counts_[context] + 1.0
                    break
            else:
                c = np.ones(len(self.answer_tokens_))
            out[i] = np.log(c / c.sum())
        return out


def per_city(scores: list[np.ndarray], puzzles: Puzzles) -> tuple[np.ndarray, np.ndarray]:
    """Scores averaged over the phrasings of each city, and its answer: the statistic's null
    (mean 0, variance 1) needs one term per city, as phrasings of one city share an answer."""
    cities = np.unique(np.concatenate(puzzles.entity))
    total = np.zeros((len(cities), scores[0].shape[1]))
    seen = np.zeros(len(cities))
    answer = np.zeros(len(cities), dtype=np.int64)
    for s, e, a in zip(scores, puzzles.entity, puzzles.answer):
        i = np.searchsorted(cities, e)
        np.add.at(total, i, s)
        np.add.at(seen, i, 1)
        answer[i] = a
    return total / seen[:, None], answer


@dataclass(frozen=True)
class LeakCheck(Result):
    """n-gram accuracy and statistic on the hidden cities' puzzles, per order, against chance."""

    orders: tuple[int, ...]
    accuracy: tuple[float, ...]
    statistic: tuple[float, ...]
    chance: float
    n_puzzles: int


def leak_check(world: World, orders=(2, 3, 4, 5, 6), puzzles: Puzzles | None = None,
               corpus: list[Sentences] | None = None) -> LeakCheck:
    """Fit n-gram models of each order on the world's corpus (or ``corpus``) and score the
    hidden-city puzzles (every phrasing unless ``puzzles`` is given); the statistic uses scores
    averaged per city."""
    orders = tuple(v.integer("order", o, low=1, high=8) for o in orders)
    corpus = list(world.corpus().values()) if corpus is None else list(corpus)
    puzzles = puzzles or world.puzzles(world.hidden, range(3))
    acc, stat = [], []
    for order in orders:
        model = NGramModel(order).fit(corpus, world.country_tokens)
        scores = [model.scores(p) for p in puzzles.prompts]
        acc.append(float(np.mean(np.concatenate([s.argmax(axis=1) == a for s, a in zip(scores, puzzles.answer)]))))
        stat.append(float(advantage_z(*per_city(scores, puzzles))))
    return LeakCheck(orders, tuple(acc), tuple(stat), 1.0 / world.n_countries, puzzles.size)

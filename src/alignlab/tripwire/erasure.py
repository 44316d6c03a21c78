"""Two ways to erase the fact once the breaker trips.

* **LEACE** (Belrose et al. 2023, arXiv:2306.03819, the ``concept-erasure`` package): the affine
  map ``x -> x - W+ P W (x - mean)`` of least squared change after which no linear classifier
  predicts the country from ``x`` better than a constant. It is fitted on the activations the
  probe reads (``probe_hook``, city token of ``"<city> is in"``) for every city, with the true
  countries (the overseer knows the fact it wants kept out), and installed as a permanent hook at
  that hook point, acting on every position that holds a city token. It stays in place while
  training goes on: relearning has to route the fact around it.
* **Gradient unlearning**: ``unlearn_steps`` AdamW steps on the sum of the usual language-model
  loss on training batches (to retain everything else) and a forget loss that pushes the answer
  distribution over countries for every phrasing of every hidden city's question towards uniform,
  ``KL(uniform || p)``. It needs no answers, only to know which questions to forget.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from concept_erasure import LeaceFitter

from alignlab.tripwire.transformer import Transformer
from alignlab.tripwire.world import PHRASINGS, Stream, World

UNLEARN_STREAM = 2


class CityEraser:
    """A LEACE eraser used as a hook: applied where the input token is a city, identity elsewhere."""

    def __init__(self, proj_left: torch.Tensor, proj_right: torch.Tensor, bias: torch.Tensor,
                 city_tokens: torch.Tensor):
        self.proj_left, self.proj_right, self.bias = proj_left, proj_right, bias
        self.city_tokens = city_tokens

    def erase(self, x: torch.Tensor) -> torch.Tensor:
        delta = x.to(self.bias.dtype) - self.bias
        return (x - ((delta @ self.proj_right.mT) @ self.proj_left.mT).to(x.dtype)).to(x.dtype)

    def __call__(self, x: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        mask = torch.isin(tokens, self.city_tokens)[..., None]
        return torch.where(mask, self.erase(x), x)

    def state(self) -> dict[str, torch.Tensor]:
        return {"proj_left": self.proj_left, "proj_right": self.proj_right, "bias": self.bias,
                "city_tokens": self.city_tokens}

    @classmethod
    def from_state(cls, state: dict[str, torch.Tensor]) -> CityEraser:
        return cls(state["proj_left"], state["proj_right"], state["bias"], state["city_tokens"])


def city_activations(model: Transformer, world: World, hook: str) -> tuple[torch.Tensor, np.ndarray]:
    """Activations at ``hook`` on the city token of ``"<city> is in"`` for every city, and the countries."""
    cities = np.concatenate([world.known, world.hidden])
    prompts = torch.from_numpy(world.puzzles(cities, (0,)).prompts[0])
    with torch.no_grad():
        _, cache = model.run_with_cache(prompts, [hook])
    return cache[hook][:, PHRASINGS[0].index("{city}") + 1, :], world.country[cities]


def fit_leace(model: Transformer, world: World, hook: str) -> CityEraser:
    """LEACE eraser for the country concept at ``hook``, fitted on every city."""
    x, y = city_activations(model, world, hook)
    z = F.one_hot(torch.from_numpy(y), world.n_countries).double()
    eraser = LeaceFitter.fit(x.double(), z).eraser
    bias = eraser.bias if eraser.bias is not None else torch.zeros(x.shape[1], dtype=torch.float64)
    return CityEraser(eraser.proj_left.clone(), eraser.proj_right.clone(), bias.clone(),
                      torch.from_numpy(world.city_tokens))


def forget_loss(model: Transformer, world: World) -> torch.Tensor:
    """``KL(uniform || p)`` over countries, averaged over every phrasing of every hidden city's question."""
    countries = torch.from_numpy(world.country_tokens)
    puzzles = world.puzzles(world.hidden, tuple(range(len(PHRASINGS))))
    losses = []
    for prompts in puzzles.prompts:
        logp = model(torch.from_numpy(prompts))[:, -1, countries].log_softmax(-1)
        losses.append(-logp.mean(-1) - np.log(world.n_countries))
    return torch.cat(losses).mean()


def lm_loss(model: Transformer, batch: torch.Tensor, pad: int) -> torch.Tensor:
    """Next-word cross-entropy over the non-padding positions of ``batch``."""
    logits = model(batch[:, :-1])
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1), ignore_index=pad)


def unlearn(model: Transformer, world: World, stream: Stream, pad: int, steps: int, lr: float,
            weight_decay: float, at_step: int) -> dict[str, float]:
    """Gradient unlearning in place; retain batches come from their own stream keyed by ``at_step``."""
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay, betas=(0.9, 0.98))
    forget = retain = float("nan")
    for i in range(steps):
        batch = torch.from_numpy(stream.batch(at_step, i, key=UNLEARN_STREAM))
        retain_loss = lm_loss(model, batch, pad)
        forget_value = forget_loss(model, world)
        opt.zero_grad(set_to_none=True)
        (retain_loss + forget_value).backward()
        opt.step()
        forget, retain = forget_value.item(), retain_loss.item()
    return {"forget_loss": forget, "retain_loss": retain}

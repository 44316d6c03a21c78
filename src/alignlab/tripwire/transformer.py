"""A small decoder-only transformer in plain torch, read through named hook points.

The style is TransformerLens's: every activation a monitor may read passes through a
:class:`HookPoint` with a stable name, and monitors use :meth:`Transformer.run_with_cache` or
:meth:`Transformer.run_with_hooks`, never module internals. Hook names:

``hook_embed``, ``hook_pos_embed``, and for each layer ``l``: ``blocks.{l}.hook_resid_pre``,
``blocks.{l}.attn.hook_pattern``, ``blocks.{l}.hook_attn_out``, ``blocks.{l}.hook_resid_mid``,
``blocks.{l}.hook_mlp_out``, ``blocks.{l}.hook_resid_post``; then ``ln_final.hook_normalized``.

A hook is a function ``fn(activation, tokens) -> Tensor | None``: returning a tensor replaces the
activation (that is how erasure is installed), ``None`` leaves it. ``tokens`` is the model's
input, so a hook can act on chosen positions (for example only where a city token stands).
Permanent hooks (:meth:`add_hook`) run before the temporary ones of a single call, so a cache
taken while an eraser is installed holds the erased activation.

Pre-LayerNorm blocks, learned absolute positions, GELU MLP, untied unembedding.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from alignlab import _validate as v
from alignlab._results import Result

HookFn = Callable[[Tensor, Tensor], "Tensor | None"]


@dataclass(frozen=True)
class ModelConfig(Result):
    """The transformer's sizes: vocabulary, context length, width, blocks, heads, MLP width."""

    vocab_size: int
    context: int
    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 4
    d_mlp: int = 256

    def __post_init__(self):
        for name in ("vocab_size", "context", "d_model", "n_layers", "n_heads", "d_mlp"):
            v.integer(name, getattr(self, name), low=1)
        if self.d_model % self.n_heads:
            raise v.ParameterError("n_heads", f"must divide d_model = {self.d_model} (got {self.n_heads})")

class HookPoint(nn.Module):
    """Identity with a name; the functions in ``fns`` may read or replace what passes through."""

    def __init__(self):
        super().__init__()
        self.name = ""
        self.fns: list[HookFn] = []

    def forward(self, x: Tensor, tokens: Tensor) -> Tensor:
        for fn in self.fns:
            out = fn(x, tokens)
            if out is not None:
                x = out
        return x


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.n_heads, self.d_head = cfg.n_heads, cfg.d_model // cfg.n_heads
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.out = nn.Linear(cfg.d_model, cfg.d_model)
        self.hook_pattern = HookPoint()
        self.register_buffer("mask", torch.tril(torch.ones(cfg.context, cfg.context, dtype=torch.bool)),
                             persistent=False)

    def forward(self, x: Tensor, tokens: Tensor) -> Tensor:
        b, t, d = x.shape
        q, k, val = self.qkv(x).view(b, t, 3, self.n_heads, self.d_head).permute(2, 0, 3, 1, 4)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(self.d_head)
        scores = scores.masked_fill(~self.mask[:t, :t], float("-inf"))
        pattern = self.hook_pattern(scores.softmax(-1), tokens)
        return self.out((pattern @ val).transpose(1, 2).reshape(b, t, d))


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.attn = Attention(cfg)
        self.mlp = nn.Sequential(nn.Linear(cfg.d_model, cfg.d_mlp), nn.GELU(), nn.Linear(cfg.d_mlp, cfg.d_model))
        for name in ("hook_resid_pre", "hook_attn_out", "hook_resid_mid", "hook_mlp_out", "hook_resid_post"):
            setattr(self, name, HookPoint())

    def forward(self, x: Tensor, tokens: Tensor) -> Tensor:
        x = self.hook_resid_pre(x, tokens)
        x = self.hook_resid_mid(x + self.hook_attn_out(self.attn(self.ln1(x), tokens), tokens), tokens)
        return self.hook_resid_post(x + self.hook_mlp_out(self.mlp(self.ln2(x)), tokens), tokens)


class Transformer(nn.Module):
    """Decoder-only transformer; ``forward(tokens)`` gives next-token logits ``(batch, pos, vocab)``."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.pos_embed = nn.Parameter(torch.zeros(cfg.context, cfg.d_model))
        self.hook_embed, self.hook_pos_embed = HookPoint(), HookPoint()
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.ln_final = nn.LayerNorm(cfg.d_model)
        self.ln_final.hook_normalized = HookPoint()
        self.unembed = nn.Linear(cfg.d_model, cfg.vocab_size)
        nn.init.normal_(self.embed.weight, std=0.02)
        nn.init.normal_(self.pos_embed, std=0.02)
        self.hook_dict: dict[str, HookPoint] = {}
        for name, module in self.named_modules():
            if isinstance(module, HookPoint):
                module.name = name
                self.hook_dict[name] = module

    def forward(self, tokens: Tensor) -> Tensor:
        t = tokens.shape[1]
        x = self.hook_embed(self.embed(tokens), tokens) + self.hook_pos_embed(self.pos_embed[:t], tokens)
        for block in self.blocks:
            x = block(x, tokens)
        return self.unembed(self.ln_final.hook_normalized(self.ln_final(x), tokens))

    # -- hooks ---------------------------------------------------------------------------------

    def _hook(self, name: str) -> HookPoint:
        if name not in self.hook_dict:
            raise v.ParameterError("hook", f"must be one of the model's hook points, e.g. "
                                           f"blocks.0.hook_resid_post (got {name!r})")
        return self.hook_dict[name]

    def add_hook(self, name: str, fn: HookFn) -> None:
        """Install ``fn`` at ``name`` until :meth:`reset_hooks`."""
        self._hook(name).fns.append(fn)

    def remove_hook(self, name: str, fn: HookFn) -> None:
        """Take out ``fn``, installed at ``name`` by :meth:`add_hook`."""
        self._hook(name).fns.remove(fn)

    def reset_hooks(self) -> None:
        for hp in self.hook_dict.values():
            hp.fns.clear()

    @contextlib.contextmanager
    def hooks(self, fwd_hooks: Iterable[tuple[str, HookFn]]):
        """Temporarily install ``(name, fn)`` pairs (after the permanent ones)."""
        added = []
        try:
            for name, fn in fwd_hooks:
                hp = self._hook(name)
                hp.fns.append(fn)
                added.append((hp, fn))
            yield self
        finally:
            for hp, fn in added:
                hp.fns.remove(fn)

    def run_with_hooks(self, tokens: Tensor, fwd_hooks: Iterable[tuple[str, HookFn]]) -> Tensor:
        with self.hooks(fwd_hooks):
            return self(tokens)

    def run_with_cache(self, tokens: Tensor, names: Iterable[str] | None = None) -> tuple[Tensor, dict[str, Tensor]]:
        """Logits and a dict of the (detached) activations at ``names`` (default: every hook point)."""
        names = list(self.hook_dict) if names is None else list(names)
        cache: dict[str, Tensor] = {}

        def saver(name):
            def save(x, tokens):
                cache[name] = x.detach()
            return save

        logits = self.run_with_hooks(tokens, [(n, saver(n)) for n in names])
        return logits, cache


def hook_names(n_layers: int) -> tuple[str, ...]:
    """The residual-stream hook points a probe may read, in depth order."""
    names = ["hook_embed"]
    for layer in range(n_layers):
        names += [f"blocks.{layer}.hook_resid_mid", f"blocks.{layer}.hook_resid_post"]
    return tuple(names)

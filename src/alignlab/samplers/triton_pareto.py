r"""A fused Triton kernel for the torch backend on CUDA: Pareto subtask times drawn, exponentiated and
summed in registers, never written to memory.

Used by the steps model's torch backend (:mod:`alignlab.steps.torch_backend`) when CUDA and Triton are both present (CUDA builds of
PyTorch ship Triton); without them the backend keeps its eager kernel. Importing this module needs
Triton.

The law. Element ``(row, col)`` of a tile takes the four 32-bit words of Philox-4x32 at key ``seed``
and counter ``row * cols + col``, so draws depend on the tile's seed alone, not on the column
segments or the launch shape. As in the C kernel, a word keeps 23 bits ``j``,
:math:`U = (j + 1/2)\,2^{-23}` and :math:`E = -\log U`; a word with :math:`U < 2^{-6}` is replaced by
the next word and :math:`6 \log 2` is added (memorylessness), further rounds (key ``seed + k``)
follow while all four words of a round fall below (probability :math:`2^{-24}` per round). Each
accepted :math:`U` lies on a grid of relative width at most :math:`2^{-17}`, so :math:`E` is an
exact exponential up to :math:`|dE| \le 2^{-18}`.

Sums: each program reduces a block of rows over a chunk of columns with an online log-sum-exp in
float32 (terms :math:`e^{x - m} \le 1`) and writes :math:`m + \log s` in float64; chunks are combined
with ``torch.logsumexp`` in float64.
"""

from __future__ import annotations

import math

import torch
import triton
import triton.language as tl

SIX_LN2 = tl.constexpr(6 * math.log(2))
ACCEPT = tl.constexpr(1 << 17)        # j >= 2^17  <=>  U >= 2^-6
CHUNK_COLS = 1 << 14                  # columns per program


@triton.jit
def _uniform(word):
    j = (word >> 9).to(tl.int32)
    return (2 * j + 1).to(tl.float32) * 5.9604644775390625e-08, j        # 2^-24


@triton.jit
def _first_accepted(seed, ctr):
    """One Philox round: the first of its four uniforms that is >= 2^-6, its index k, and whether any was."""
    w0, w1, w2, w3 = tl.randint4x(seed, ctr)
    u0, j0 = _uniform(w0)
    u1, j1 = _uniform(w1)
    u2, j2 = _uniform(w2)
    u3, j3 = _uniform(w3)
    a0 = j0 >= ACCEPT
    a1 = j1 >= ACCEPT
    a2 = j2 >= ACCEPT
    u = tl.where(a0, u0, tl.where(a1, u1, tl.where(a2, u2, u3)))
    k = tl.where(a0, 0, tl.where(a1, 1, tl.where(a2, 2, 3)))
    return u, k, a0 | a1 | a2 | (j3 >= ACCEPT)


@triton.jit
def _exponential(seed, ctr):
    u, k, accepted = _first_accepted(seed, ctr)
    need = ~accepted
    base = tl.zeros_like(u)
    rnd = 1
    while tl.max(need.to(tl.int32)) > 0:           # all four words below 2^-6: another round
        fresh, step, got = _first_accepted(seed + rnd, ctr)
        base = tl.where(need, base + 4 * SIX_LN2, base)
        u = tl.where(need, fresh, u)
        k = tl.where(need, step, k)
        need = need & ~got
        rnd += 1
    return base + k.to(tl.float32) * SIX_LN2 - tl.log(u)


@triton.jit
def _pareto_lse(out_ptr, seed, rate, rows, cols, col_start, col_stop, n_chunks,
                CHUNK: tl.constexpr, BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    r = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    chunk = tl.program_id(1)
    row_ok = r < rows
    c_lo = col_start + chunk * CHUNK
    c_hi = tl.minimum(c_lo + CHUNK, col_stop)
    m = tl.full([BLOCK_R], -float("inf"), tl.float32)
    s = tl.zeros([BLOCK_R], tl.float32)
    for start in range(0, CHUNK, BLOCK_C):
        c = c_lo + start + tl.arange(0, BLOCK_C)
        ok = row_ok[:, None] & (c[None, :] < c_hi)
        x = tl.where(ok, rate * _exponential(seed, r[:, None] * cols + c[None, :]), -float("inf"))
        m_new = tl.maximum(m, tl.max(x, axis=1))
        live = m_new > -float("inf")
        shift = tl.where(live, m_new, 0.0)
        s = tl.where(live, s * tl.exp(m - shift), s) + tl.sum(tl.where(ok, tl.exp(x - shift[:, None]), 0.0), axis=1)
        m = m_new
    out = m.to(tl.float64) + tl.log(s.to(tl.float64))
    tl.store(out_ptr + r * n_chunks + chunk, out, mask=row_ok)


def _next_pow2(k: int) -> int:
    return 1 << max(0, (k - 1).bit_length())


def segment_log_sums(seed: int, rate: float, rows: int, cols: int, bounds, device) -> torch.Tensor:
    """(rows, len(bounds) - 1) float64 log sums of exp(rate * E) over column segments of one tile."""
    if rows * cols >= 2 ** 31:
        raise ValueError(f"rows * cols: must be < 2^31 for one tile (got {rows * cols})")
    out = torch.empty((rows, len(bounds) - 1), dtype=torch.float64, device=device)
    for j, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        a, b = int(a), int(b)
        chunk = min(CHUNK_COLS, _next_pow2(b - a))
        block_c = min(chunk, 1024)
        block_r = max(1, 2048 // block_c)
        n_chunks = -(-(b - a) // chunk)
        partial = torch.empty((rows, n_chunks), dtype=torch.float64, device=device)
        grid = (triton.cdiv(rows, block_r), n_chunks)
        _pareto_lse[grid](partial, seed, rate, rows, cols, a, b, n_chunks,
                          CHUNK=chunk, BLOCK_R=block_r, BLOCK_C=block_c)
        out[:, j] = torch.logsumexp(partial, dim=1)
    return out

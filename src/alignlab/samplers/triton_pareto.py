r"""A fused Triton kernel for the torch backend on CUDA: Pareto subtask times drawn, exponentiated and
summed in registers, never written to memory.

Used by the steps model's torch backend (:mod:`alignlab.steps.torch_backend`) when CUDA and Triton are
both present (CUDA builds of PyTorch ship Triton); without them the backend keeps its eager kernel.
Importing this module needs Triton.

The law. Element ``e = row * cols + col`` of a tile takes word ``e mod 4`` of Philox-4x32 at key
``seed`` and counter ``e // 4``: one Philox call gives four variates, and the draws depend on the
tile's seed alone, not on the column segments or the launch shape. As in the C kernel, a word keeps
23 bits ``j``, :math:`U = (j + 1/2)\,2^{-23}` and :math:`E = -\log U`; a word with
:math:`U < 2^{-6}` (probability :math:`2^{-6}`) is replaced by the same word of Philox at key
``seed + 1`` (then ``seed + 2``, ... while it is below too) and :math:`6 \log 2` is added per
replacement (memorylessness). Each accepted :math:`U` lies on a grid of relative width at most
:math:`2^{-17}`, so :math:`E` is an exact exponential up to :math:`|dE| \le 2^{-18}`. Philox work:
a quarter of a call per variate, plus a quarter per redraw round that any variate of a block needs.

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
def _lse_fold(m, s, x):
    """Fold the terms x (rows x columns, -inf where absent) into the running log-sum-exp (m, s) per row."""
    m_new = tl.maximum(m, tl.max(x, axis=1))
    live = m_new > -float("inf")
    shift = tl.where(live, m_new, 0.0)
    s = tl.where(live, s * tl.exp(m - shift), s) + tl.sum(tl.exp(x - shift[:, None]), axis=1)
    return m_new, s


@triton.jit
def _pareto_lse(out_ptr, seed, rate, rows, cols, col_start, col_stop, n_chunks,
                CHUNK: tl.constexpr, BLOCK_R: tl.constexpr, BLOCK_Q: tl.constexpr):
    """Each program: BLOCK_R rows by a chunk of columns, BLOCK_Q Philox counters (4 variates each) at a time."""
    r = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    chunk = tl.program_id(1)
    row_ok = r < rows
    c_lo = col_start + chunk * CHUNK
    c_hi = tl.minimum(c_lo + CHUNK, col_stop)
    first = r.to(tl.int64) * cols + c_lo             # flat index of the row's first element here
    end = r.to(tl.int64) * cols + c_hi
    m = tl.full([BLOCK_R], -float("inf"), tl.float32)
    s = tl.zeros([BLOCK_R], tl.float32)
    for it in range(0, CHUNK // 4 + BLOCK_Q, BLOCK_Q):         # a chunk spans at most CHUNK / 4 + 1 counters
        ctr = (first // 4)[:, None] + it + tl.arange(0, BLOCK_Q)[None, :]
        w0, w1, w2, w3 = tl.randint4x(seed, ctr.to(tl.uint32))
        u0, j0 = _uniform(w0)
        u1, j1 = _uniform(w1)
        u2, j2 = _uniform(w2)
        u3, j3 = _uniform(w3)
        e0 = ctr * 4
        ok0 = row_ok[:, None] & (e0 >= first[:, None]) & (e0 < end[:, None])
        ok1 = row_ok[:, None] & (e0 + 1 >= first[:, None]) & (e0 + 1 < end[:, None])
        ok2 = row_ok[:, None] & (e0 + 2 >= first[:, None]) & (e0 + 2 < end[:, None])
        ok3 = row_ok[:, None] & (e0 + 3 >= first[:, None]) & (e0 + 3 < end[:, None])
        n0, n1, n2, n3 = ok0 & (j0 < ACCEPT), ok1 & (j1 < ACCEPT), ok2 & (j2 < ACCEPT), ok3 & (j3 < ACCEPT)
        b0 = tl.zeros_like(u0)
        b1 = tl.zeros_like(u0)
        b2 = tl.zeros_like(u0)
        b3 = tl.zeros_like(u0)
        rnd = 1
        while tl.max((n0 | n1 | n2 | n3).to(tl.int32)) > 0:     # replacement rounds, word by word
            v0, v1, v2, v3 = tl.randint4x(seed + rnd, ctr.to(tl.uint32))
            f0, k0 = _uniform(v0)
            f1, k1 = _uniform(v1)
            f2, k2 = _uniform(v2)
            f3, k3 = _uniform(v3)
            b0, u0 = tl.where(n0, b0 + SIX_LN2, b0), tl.where(n0, f0, u0)
            b1, u1 = tl.where(n1, b1 + SIX_LN2, b1), tl.where(n1, f1, u1)
            b2, u2 = tl.where(n2, b2 + SIX_LN2, b2), tl.where(n2, f2, u2)
            b3, u3 = tl.where(n3, b3 + SIX_LN2, b3), tl.where(n3, f3, u3)
            n0, n1, n2, n3 = n0 & (k0 < ACCEPT), n1 & (k1 < ACCEPT), n2 & (k2 < ACCEPT), n3 & (k3 < ACCEPT)
            rnd += 1
        m, s = _lse_fold(m, s, tl.where(ok0, rate * (b0 - tl.log(u0)), -float("inf")))
        m, s = _lse_fold(m, s, tl.where(ok1, rate * (b1 - tl.log(u1)), -float("inf")))
        m, s = _lse_fold(m, s, tl.where(ok2, rate * (b2 - tl.log(u2)), -float("inf")))
        m, s = _lse_fold(m, s, tl.where(ok3, rate * (b3 - tl.log(u3)), -float("inf")))
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
        chunk = max(4, min(CHUNK_COLS, _next_pow2(b - a)))
        block_q = max(1, min(chunk // 4, 256))               # Philox counters a row at a time: 4 variates each
        block_r = max(1, 512 // block_q)
        n_chunks = -(-(b - a) // chunk)
        partial = torch.empty((rows, n_chunks), dtype=torch.float64, device=device)
        grid = (triton.cdiv(rows, block_r), n_chunks)
        _pareto_lse[grid](partial, seed, rate, rows, cols, a, b, n_chunks,
                          CHUNK=chunk, BLOCK_R=block_r, BLOCK_Q=block_q)
        out[:, j] = torch.logsumexp(partial, dim=1)
    return out

r"""Monte Carlo simulation of task times, chunked, threaded, reproducible and overflow-safe.

The trials x subtasks matrix is cut into fixed tiles (the tile shape depends only on n, q, the
mode and the kernel). Tile (r, c) draws from its own stream, spawned from the seed with key (r, c), and
returns the log of each row's partial sum; partial sums are combined in column order with
``logaddexp``. The numbers therefore depend on the seed alone, not on the thread count or on how
many tiles are in flight, and a larger ``trials`` extends a smaller run (the first rows agree).

Everything is kept in log space: :math:`\log S_n` is exact even where :math:`S_n` exceeds 1e308
(small beta), and the summary says how many task times overflow a float.

Fast mode draws the minimum directly, :math:`\log M = \log \mathrm{isf}_T(e^{-E/q})`; for Pareto
approaches that is :math:`M = e^{E/\beta}`. That path runs in the compiled kernel
``alignlab.steps._fastsim`` when it was built (its own xoshiro256++ streams, seeded from the tile's
SeedSequence; float32 SIMD log2 and exp2; a running log-sum-exp in double; see the C file for the
law it samples), else in NumPy (float32 exponential variates and exp where the tile cannot
overflow, float64 row sums). The two kernels draw different numbers from the same seed, from the
same law; :func:`compiled_kernel` says which one runs. Explicit mode draws all q approach times per
subtask and takes the minimum, the model's literal semantics (Pareto approaches: in the compiled kernel
too, as the minimum of q exponentials: bench_steps_simulate.py measures the gain over NumPy). Other approach laws run in
NumPy: their inverse survival functions are scipy's special functions in float64, and a compiled path
would need its own tested float32 version of each.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, field

import numpy as np
from scipy import special

from alignlab import _validate as v
from alignlab._executor import ordered_map
from alignlab._limits import check_memory
from alignlab._progress import tracker
from alignlab._seeding import SeedLike, block_generator, block_sequence, seed_sequence
from alignlab._results import BULK, Result
from alignlab.dists.law import Minimum

try:
    from alignlab.steps import _fastsim
except ImportError:          # not built on this platform: the NumPy kernel runs
    _fastsim = None

TILE_SAMPLES = 1 << 18          # random variates per tile (bounds memory per thread)
COMPILED_TILE_SAMPLES = 1 << 20  # the compiled kernel stores nothing per variate: larger tiles, less Python per variate
COLUMN_BLOCK = 1 << 16          # subtasks per tile column
MAX_SAMPLES = 2 * 10 ** 10      # n * trials above this is refused (minutes of work): use method="exact"
MAX_TRIALS = 5 * 10 ** 7        # the per-trial results are kept (8 bytes each)
_FLOAT32_EXP_LIMIT = 80.0       # exp(80) = 5.5e34 < float32 max; leaves room for summing a tile row
_FLOAT64_EXP_LIMIT = 700.0


@dataclass(frozen=True)
class Simulation(Result):
    """Simulated task times. ``log_task_time`` holds log S_n for every trial."""

    n: int
    trials: int
    seed: int | None
    explicit: bool
    mean_sample: float
    quantiles: dict[float, float]            # keyed by the probability (JSON: "0.5")
    log10_quantiles: dict[float, float]
    overflowed: int
    log_task_time: np.ndarray = field(repr=False, compare=False, metadata=BULK)

    def _rows(self) -> list[dict]:
        """One row per quantile."""
        return [{"n": self.n, "trials": self.trials, "seed": self.seed, "explicit": self.explicit, "p": p,
                 "quantile": self.quantiles[p], "log10_quantile": self.log10_quantiles[p],
                 "mean_sample": self.mean_sample, "overflowed": self.overflowed} for p in self.quantiles]


def tile_shape(n: int, q: int, explicit: bool, samples: int = TILE_SAMPLES) -> tuple[int, int]:
    """(rows, columns) of one tile of about ``samples`` draws: a function of the problem (and of the kernel:
    the compiled one takes ``COMPILED_TILE_SAMPLES``) only, never of threads or chunking."""
    cols = min(n, COLUMN_BLOCK)
    per_row = cols * (q if explicit else 1)
    return max(1, samples // per_row), cols


def check_budget(n: int, trials: int, max_work: float | None = None, draws_per_subtask: int = 1) -> None:
    """Refuse, before any work, a simulation beyond :data:`MAX_SAMPLES` draws (``max_work`` when given) or
    one whose tiles would not fit in memory (explicit mode draws ``q`` approach times per subtask)."""
    max_samples = MAX_SAMPLES if max_work is None else max_work
    v.integer("trials", trials, low=1)
    if trials > MAX_TRIALS:
        raise v.ParameterError("trials", f"must be <= {MAX_TRIALS:.0e} (got {trials}); the per-trial results "
                                         f"are kept in memory")
    samples = float(n) * trials * draws_per_subtask         # inf beyond the double range: refused below
    if samples > max_samples:
        what = "n * trials" + (" * q" if draws_per_subtask > 1 else "")
        raise v.ParameterError("trials", f"{what} = {samples:.3g} exceeds the Monte Carlo limit of "
                                         f"{max_samples:.3g} samples (minutes of work); use method='exact' for "
                                         f"Pareto or Lomax approaches, fewer trials, or raise the limit on purpose "
                                         f"with max_work={samples:.3g}")
    rows, cols = tile_shape(n, draws_per_subtask, draws_per_subtask > 1)
    check_memory("q" if draws_per_subtask > 1 else "n", 2 * (os.cpu_count() or 1) * rows * cols * draws_per_subtask * 8,
                  "the simulation's tiles")


def simulate_log_task_times(subtask: Minimum, n: int, trials: int, seed: SeedLike = 0, *,
                            explicit: bool = False, threads: int | None = None, in_flight: int | None = None,
                            progress=False, backend: str = "numpy") -> np.ndarray:
    """log S_n for ``trials`` independent tasks of ``n`` subtasks (see the module docstring).

    Callers validate: ``n``, ``trials`` whole and >= 1, the work within :func:`check_budget`
    (:meth:`alignlab.steps.StepsModel.simulate` is the public entry)."""
    return simulate_log_partial_sums(subtask, [n], trials, seed, explicit=explicit, threads=threads,
                                     in_flight=in_flight, progress=progress, backend=backend)[:, 0]


def simulate_log_partial_sums(subtask: Minimum, checkpoints, trials: int, seed: SeedLike = 0, *,
                              explicit: bool = False, threads: int | None = None, in_flight: int | None = None,
                              progress=False, backend: str = "numpy") -> np.ndarray:
    """log S_k for each k in ``checkpoints`` along the same simulated tasks: an array (trials, len).

    S_k for the largest k equals what :func:`simulate_log_task_times` returns for n = k.
    ``backend``: ``numpy``, ``torch`` (CUDA when available, else CPU; Pareto approaches, fast mode) or
    ``auto`` (torch on CUDA, else numpy). Backends draw different numbers from the same seed but the
    same distribution; within a backend the numbers depend on the seed alone. ``progress``: ``False``,
    ``True`` or ``callable(done, total, description)`` over tiles. Callers validate (whole checkpoints
    and trials >= 1, q whole in explicit mode, the work within :func:`check_budget`).
    """
    from alignlab.steps import torch_backend
    backend = torch_backend.resolve(backend, subtask, explicit)
    checkpoints = sorted({int(k) for k in checkpoints})
    n = checkpoints[-1]
    q = int(subtask.q) if explicit else subtask.q
    root = seed_sequence(seed)
    if backend == "torch":
        kernel, streams, (rows, cols) = torch_backend.tile_plan(subtask, n)
        threads = 1
    else:
        threads = threads or os.cpu_count() or 1
        kernel, streams, samples = _tile_kernel(subtask, explicit)
        rows, cols = tile_shape(n, int(q) if explicit else 1, explicit, samples)
    row_blocks = -(-trials // rows)
    col_blocks = -(-n // cols)
    in_flight = in_flight or 2 * threads
    marks = np.asarray(checkpoints)

    def run(tile):
        r, c = tile
        nrows = min(rows, trials - r * rows)
        start, stop = c * cols, min((c + 1) * cols, n)
        inside = marks[(marks > start) & (marks < stop)] - start
        bounds = np.concatenate(([0], inside, [stop - start]))
        return kernel(streams(root, r, c), nrows, stop - start, bounds)

    # every entry is written below (running first by a row's column block 0, out at each checkpoint), so no
    # fill: filling 1e5 rows up front costs about 0.3 ms an array in page faults, before any tile starts
    out = np.empty((trials, len(checkpoints)))
    running = np.empty(trials)
    total = row_blocks * col_blocks

    def collect(tile, segments):              # segments: (rows, segments) log sums, in column order
        r, c = tile
        block = slice(r * rows, r * rows + segments.shape[0])
        start, stop = c * cols, min((c + 1) * cols, n)
        ends = np.concatenate((marks[(marks > start) & (marks < stop)], [stop]))
        for j, end in enumerate(ends):
            if c == 0 and j == 0:             # logaddexp(-inf, s) is s exactly: a copy costs far less
                running[block] = segments[:, 0]
            else:
                np.logaddexp(running[block], segments[:, j], out=running[block])
            k = np.searchsorted(marks, end)
            if k < marks.size and marks[k] == end:
                out[block, k] = running[block]

    # threads (the kernels release the GIL); tiles come back in submission order, row block by row block
    # and column block by column block, so each row's running sum is built in column order
    tiles = [(r, c) for r in range(row_blocks) for c in range(col_blocks)]
    with tracker(progress, total, "simulating (tiles)", transient=True) as bar:
        for tile, segments in zip(tiles, ordered_map(run, tiles, workers=threads, threads=True, in_flight=in_flight)):
            collect(tile, segments)
            bar.advance()
    return out


def compiled_kernel() -> str | None:
    """The instruction set the compiled fast-path kernel runs on (``avx512``, ``avx2`` or ``scalar``, chosen
    by the CPU; every path draws the same numbers), None where the kernel is not built."""
    return None if _fastsim is None else _fastsim.simd()


STATE_WORDS = 36                # the compiled kernel's state: 8 xoshiro256++ streams and a tail stream


def _block_state(root: np.random.SeedSequence, *key: int) -> np.ndarray:
    """The compiled kernel's state words for the tile with index ``key``."""
    return block_sequence(root, *key).generate_state(STATE_WORDS, np.uint64)


def _compiled_pareto(rate: float, q: int = 1):
    def kernel(state, rows, cols, bounds):
        out = np.empty((rows, len(bounds) - 1))
        _fastsim.pareto_log_sums(state, rate, rows, cols, np.asarray(bounds, dtype=np.int64), out, q)
        return out
    return kernel


def _tile_kernel(subtask: Minimum, explicit: bool):
    """(kernel, streams, samples): kernel(stream, rows, cols, bounds) -> (rows, len(bounds) - 1) log sums over
    column segments; streams(root, r, c) -> the stream of tile (r, c); samples: draws per tile. Pareto
    approaches run in the compiled kernel (fast mode: one exponential per subtask; explicit mode: the
    minimum of q)."""
    if _fastsim is not None and subtask.exponential_form:
        if explicit:
            return (_compiled_pareto(1.0 / subtask.law.tail_index, int(subtask.q)), _block_state,
                    COMPILED_TILE_SAMPLES)
        return _compiled_pareto(1.0 / subtask.beta), _block_state, COMPILED_TILE_SAMPLES
    return _numpy_tile_kernel(subtask, explicit), block_generator, TILE_SAMPLES


def _numpy_tile_kernel(subtask: Minimum, explicit: bool):
    approach = subtask.law
    if subtask.exponential_form:
        if explicit:
            q, inv_alpha = int(subtask.q), 1.0 / approach.tail_index
            return lambda gen, r, c, b: _pareto_segment_log_sums(
                gen.standard_exponential((r, c, q), dtype=np.float32).min(axis=2), inv_alpha, b)
        inv_beta = 1.0 / subtask.beta
        return lambda gen, r, c, b: _pareto_segment_log_sums(
            gen.standard_exponential(out=_scratch(r, c), dtype=np.float32), inv_beta, b)
    if explicit:
        q = int(subtask.q)
        return lambda gen, r, c, b: _segment_log_sums(
            approach.log_isf_log(-gen.standard_exponential((r, c, q))).min(axis=2), b)
    return lambda gen, r, c, b: _segment_log_sums(subtask.sample_log(gen, (r, c)), b)


_LOCAL = threading.local()


def _scratch(rows: int, cols: int) -> np.ndarray:
    """A per-thread float32 work buffer: reusing it spares a fresh (page-faulting) allocation per tile."""
    buf = getattr(_LOCAL, "buf", None)
    if buf is None or buf.size < rows * cols:
        buf = _LOCAL.buf = np.empty(max(rows * cols, TILE_SAMPLES), dtype=np.float32)
    return buf[:rows * cols].reshape(rows, cols)


def _pareto_segment_log_sums(e: np.ndarray, rate: float, bounds) -> np.ndarray:
    """Segment-wise row log sums of exp(rate * e) for float32 exponential variates ``e``."""
    if float(e.max()) * rate <= _FLOAT32_EXP_LIMIT:
        np.multiply(e, np.float32(rate), out=e)
        np.exp(e, out=e)
        return np.column_stack([np.log(e[:, a:b].sum(axis=1, dtype=np.float64))
                                for a, b in zip(bounds[:-1], bounds[1:])])
    return _segment_log_sums(e.astype(np.float64) * rate, bounds)


def _segment_log_sums(log_m: np.ndarray, bounds) -> np.ndarray:
    return np.column_stack([_row_log_sums(log_m[:, a:b]) for a, b in zip(bounds[:-1], bounds[1:])])


def _row_log_sums(log_m: np.ndarray) -> np.ndarray:
    """Row-wise log(sum(exp(log_m))), exact in log space when the sum would overflow."""
    top = float(log_m.max())
    if top + math.log(log_m.shape[1]) < _FLOAT64_EXP_LIMIT:
        return np.log(np.exp(log_m).sum(axis=1))
    return special.logsumexp(log_m, axis=1)


def summarize(log_task_time: np.ndarray, n: int, trials: int, seed: int | None, explicit: bool,
              quantiles=(0.1, 0.5, 0.9)) -> Simulation:
    """The summary ``alignlab steps simulate`` prints, computed in log space; ``seed`` is the seed used."""
    ps = tuple(quantiles)
    log_q = np.quantile(log_task_time, ps)
    log_mean = float(special.logsumexp(log_task_time) - math.log(trials))
    overflowed = int(np.count_nonzero(log_task_time > math.log(np.finfo(float).max)))
    with np.errstate(over="ignore"):
        return Simulation(
            n=n, trials=trials, seed=seed, explicit=explicit,
            mean_sample=float(np.exp(log_mean)),
            quantiles={float(p): float(np.exp(lq)) for p, lq in zip(ps, log_q)},
            log10_quantiles={float(p): float(lq / math.log(10)) for p, lq in zip(ps, log_q)},
            overflowed=overflowed, log_task_time=log_task_time)

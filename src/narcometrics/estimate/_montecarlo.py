"""Monte Carlo mean and percentiles in bounded memory, equal bit for bit to the in-memory ones.

The in-memory path keeps every draw (outputs x draws float64) and calls ``numpy.mean`` and
``numpy.percentile`` on it. When that array would be large, ``summarise`` computes the same
numbers from chunks of draws, generated from the same random streams in the same order (a
chunk's draws do not depend on the chunk size):

- the mean: numpy sums a contiguous row by pairwise summation, splitting ``n`` values into
  ``n2 = n // 2 - (n // 2) % 8`` and ``n - n2`` until at most 128 remain. Each chunk is one
  subtree of that recursion, summed by numpy itself, and the chunks' sums are combined by the
  same recursion above them: the same additions in the same order.
- the percentiles: an exact two-pass selection. Pass one counts the draws of each output in
  bins over a range (the model's analytic range; the draws' own range if that puts too many
  draws in one bin); the bin counts give, for each order statistic numpy's linear method
  needs, the bin holding it and its rank there. Pass two regenerates the same draws and keeps
  only those in the needed bins; sorting them gives the order statistics, interpolated with
  numpy's own formula.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from narcometrics.errors import ValidationError
from narcometrics.estimate.result import FloatArray

#: Above this many bytes for all draws (outputs x draws x 8), the draws are not kept.
FULL_BYTES = 64 << 20
#: Elements of one chunk of the bounded-memory path (draws x outputs).
STREAM_ELEMENTS = 1 << 20
#: Histogram bins per output at most (fewer when there are many outputs).
MAX_BINS = 1024
#: Memory the histogram counts and the kept draws may take [bytes].
WORK_BYTES = 96 << 20

#: ``chunk(start, n)`` returns the model's values for draws ``start .. start + n`` shaped
#: ``(n, outputs)``; it must be called with consecutive ranges from 0 (it advances the streams).
Chunk = Callable[[int, int], FloatArray]


def memory_limit() -> int:
    """The memory a Monte Carlo request may need [bytes]: the machine's available memory."""
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 8 << 30


def _bins(outputs: int) -> int:
    return int(min(MAX_BINS, max(16, WORK_BYTES // (4 * 8 * max(1, outputs)))))


def _ranks(draws: int, qs: Sequence[float]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """numpy's linear method: virtual indexes, the order statistics below and above, gamma."""
    quantiles = np.true_divide(np.asanyarray(qs), 100)
    virtual = np.asanyarray((draws - 1) * quantiles)
    previous = np.floor(virtual)
    following = np.add(previous, 1)
    above = virtual >= draws - 1
    previous[above] = -1
    following[above] = -1
    below = virtual < 0
    previous[below] = 0
    following[below] = 0
    prev_i, next_i = previous.astype(np.intp), following.astype(np.intp)
    gamma = np.asanyarray(np.asanyarray(virtual - prev_i), dtype=virtual.dtype)
    return prev_i % draws, next_i % draws, gamma


def needed_bytes(draws: int, outputs: int, n_qs: int) -> int:
    """Memory the bounded path needs [bytes]: chunks, bin counts and the kept draws, assuming
    no bin holds more than twice its share of the draws."""
    bins = _bins(outputs)
    kept = outputs * 2 * n_qs * 2 * (draws // bins + 1) * 16
    return STREAM_ELEMENTS * 8 * 8 + outputs * bins * 8 + kept


def check_memory(draws: int, outputs: int, n_qs: int) -> None:
    """Refuse, before any allocation, a request that would not fit in memory."""
    full = draws * outputs * 8
    need = full if full <= FULL_BYTES else needed_bytes(draws, outputs, n_qs)
    limit = memory_limit()
    if need > limit:
        raise ValidationError(
            "draws",
            f"{draws:,} draws for {outputs:,} outputs need about {_size(need)} of memory "
            f"to give the percentiles; {_size(limit)} are available: ask for fewer draws",
            draws,
        )


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def _pieces(start: int, n: int, limit: int, out: list[tuple[int, int]]) -> None:
    """The subtrees of numpy's pairwise summation of ``n`` values with at most ``limit``."""
    if n <= max(limit, 128):
        out.append((start, n))
        return
    half = n // 2
    half -= half % 8
    _pieces(start, half, limit, out)
    _pieces(start + half, n - half, limit, out)


def _combine(n: int, limit: int, sums: list[FloatArray], at: list[int]) -> FloatArray:
    if n <= max(limit, 128):
        at[0] += 1
        return sums[at[0] - 1]
    half = n // 2
    half -= half % 8
    left = _combine(half, limit, sums, at)
    return left + _combine(n - half, limit, sums, at)


def summarise(
    make_chunks: Callable[[], Chunk],
    draws: int,
    outputs: int,
    qs: Sequence[float],
    low: FloatArray,
    high: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """The mean ``(outputs,)`` and percentiles ``(len(qs), outputs)`` of the draws, equal to
    ``numpy.mean`` and ``numpy.percentile`` over all of them; ``make_chunks()`` starts the
    streams afresh (it is called once per pass)."""
    limit = max(1, STREAM_ELEMENTS // max(1, outputs))
    pieces: list[tuple[int, int]] = []
    _pieces(0, draws, limit, pieces)
    bins = _bins(outputs)
    lo = np.broadcast_to(np.asarray(low, dtype=float).reshape(-1), (outputs,))
    hi = np.broadcast_to(np.asarray(high, dtype=float).reshape(-1), (outputs,))
    offsets = (np.arange(outputs, dtype=np.intp) * bins)[:, None]

    def binned(values: FloatArray, lo: FloatArray, scale: FloatArray, axis: int) -> FloatArray:
        """Bin of every value (plus its output's offset), non-decreasing in the value; NaN
        (whose output's percentiles are NaN anyway) goes to bin 0."""
        # values (n, outputs) on axis 1, (outputs, n) on axis 0
        where = (values - lo) * scale if axis else (values - lo[:, None]) * scale[:, None]
        np.fmax(where, 0, out=where)
        np.fmin(where, bins - 1, out=where)
        index: FloatArray = where.astype(np.intp)  # truncation: floor of a value >= 0
        index += offsets.T if axis else offsets
        return index

    def histogram(lo: FloatArray, scale: FloatArray) -> tuple[Any, FloatArray]:
        chunk = make_chunks()
        counts = np.zeros(outputs * bins, dtype=np.int64)
        sums = []
        for start, n in pieces:
            values = np.ascontiguousarray(chunk(start, n).T)
            sums.append(np.add.reduce(values, axis=-1))
            counts += np.bincount(binned(values, lo, scale, 0).ravel(), minlength=outputs * bins)
        return counts.reshape(outputs, bins), _combine(draws, limit, sums, [0])

    def extremes() -> tuple[FloatArray, FloatArray, FloatArray]:
        chunk = make_chunks()
        smallest, largest = np.full(outputs, np.inf), np.full(outputs, -np.inf)
        nans = np.zeros(outputs, dtype=bool)
        for start, n in pieces:
            values = chunk(start, n)
            np.fmin(smallest, np.fmin.reduce(values, axis=0), out=smallest)
            np.fmax(largest, np.fmax.reduce(values, axis=0), out=largest)
            nans |= np.isnan(values).any(axis=0)
        return smallest, largest, nans

    def scale_of(lo: FloatArray, hi: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = bins / (hi - lo)
        return np.where(np.isfinite(scale) & (scale > 0), scale, 0.0)

    prev_i, next_i, gamma = _ranks(draws, qs)
    ranks = np.unique(np.concatenate([prev_i, next_i]))
    scale = scale_of(lo, hi)
    counts, total = histogram(lo, scale)
    mean = total / draws
    # A NaN draw makes its output's sum NaN (the draws are never -inf and +inf together in a
    # model of non-negative quantities, but an extra pass tells for sure).
    nans = np.isnan(total)
    if nans.any() or _kept(counts, ranks) * 16 > WORK_BYTES:
        smallest, largest, nans = extremes()
        if _kept(counts, ranks) * 16 > WORK_BYTES:  # the analytic range is too wide
            lo = np.where(np.isfinite(smallest), smallest, 0.0)
            scale = scale_of(lo, np.where(np.isfinite(largest), largest, 0.0))
            counts = histogram(lo, scale)[0]
    stats = _select(make_chunks(), pieces, counts, ranks, lambda v: binned(v, lo, scale, 1))
    at = {int(r): i for i, r in enumerate(ranks)}
    previous = stats[[at[int(r)] for r in prev_i]]
    following = stats[[at[int(r)] for r in next_i]]
    # numpy's _lerp, with gamma shaped (len(qs), 1)
    t = gamma.reshape(-1, 1)
    diff = following - previous
    pct = np.add(previous, diff * t)
    np.subtract(following, diff * (1 - t), out=pct, where=t >= 0.5, casting="unsafe")
    pct[:, nans] = np.nan
    return mean, pct


def _kept(counts: Any, ranks: FloatArray) -> int:
    cumulative = np.cumsum(counts, axis=1)
    where = np.stack([np.argmax(cumulative > r, axis=1) for r in ranks])
    wanted = np.zeros(counts.shape, dtype=bool)
    np.put_along_axis(wanted, where.T, True, axis=1)
    return int(counts[wanted].sum())


def _select(
    chunk: Chunk,
    pieces: list[tuple[int, int]],
    counts: Any,
    ranks: FloatArray,
    binned: Callable[[FloatArray], FloatArray],
) -> FloatArray:
    """The order statistics ``ranks`` of every output ``(len(ranks), outputs)``, keeping only
    the draws in the bins that hold them."""
    outputs, bins = counts.shape
    cumulative = np.cumsum(counts, axis=1)
    where = np.stack([np.argmax(cumulative > r, axis=1) for r in ranks])  # (ranks, outputs)
    before = (
        np.take_along_axis(cumulative, where.T, axis=1).T
        - np.take_along_axis(counts, where.T, axis=1).T
    )
    wanted = np.zeros(outputs * bins, dtype=bool)
    flat = where + (np.arange(outputs) * bins)[None, :]
    wanted[flat.ravel()] = True
    values_kept, bins_kept = [], []
    for start, n in pieces:
        values = chunk(start, n)  # (n, outputs)
        index = binned(values)
        keep = wanted[index]
        values_kept.append(values[keep])
        bins_kept.append(index[keep])
    kept = np.concatenate(values_kept)
    kept_bins = np.concatenate(bins_kept)
    order = np.lexsort((kept, kept_bins))
    kept = kept[order]
    # the kept draws sorted by output, bin and value: bin b of output o starts after the
    # kept draws of every wanted bin before it
    wanted_counts = np.where(wanted, counts.reshape(-1), 0)
    starts = np.cumsum(wanted_counts) - wanted_counts
    position = starts[flat] + (np.asarray(ranks)[:, None] - before)
    out: FloatArray = kept[position]
    return out


def fresh(rngs: Sequence[np.random.Generator]) -> list[np.random.Generator]:
    """Copies of ``rngs`` in their present state (to replay the same streams)."""
    return [copy.deepcopy(rng) for rng in rngs]


__all__ = ["FULL_BYTES", "check_memory", "fresh", "summarise"]

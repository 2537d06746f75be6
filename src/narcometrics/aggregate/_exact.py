"""Exact group sums: each group's sum as an integer, whatever the order of the rows.

Every float64 value is an integer multiple of $2^{-1074}$, so the exact sum of any
float64 values is an integer $N$ times $2^{-1074}$. `float_sums` computes $N$ per group
without a Python object per row: each value $x$ is cut into *levels* on a grid that is the
same for every row, $x = \\sum_j q_j 2^{f_j}$ with integer $|q_j| < 2^w$ (the digits of
$x$ in base $2^w$, truncated towards zero), and ``numpy.bincount`` adds the $q_j$ of each
level per group, chunk by chunk. A chunk of $m$ rows adds less than $m 2^w \\le 2^{53}$ in
magnitude, so these float64 sums are integers computed without rounding; the chunks' sums
are accumulated in int64 and moved to Python integers before they could reach $2^{63}$.
The levels run from the exponent of the largest value down to the lowest bit of the
smallest, so the number of levels grows with the dynamic range of the data (two while the
largest value is up to about $10^8$ times the smallest). The chunks fit in the processor
cache, which keeps the cost close to one ``bincount`` per level.

Integer measures (counts, `int_sums`) are summed in one level when small, else in two
levels of 32 and 31 bits.

The exact sums are Python integers per *group* (never per row); the float total of a
group is $N / 2^{1074}$ correctly rounded (Python's integer division, `to_floats`), so it
is the same for every row order, every grouping of the same rows and every partitioning
into partial results merged afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: The exponent of the unit of exact float sums: an exact sum ``N`` is ``N * 2**-1074``.
FLOAT_SCALE = 1074
#: Integer measures are exact integers (unit 1).
INT_SCALE = 0
#: Rows per chunk, at most (a chunk's level sums stay below 2**53: exact in float64).
_CHUNK_BITS = 13
#: Bits per level for integer measures (int64 values split into 32 + 31 bits).
_INT_BITS = 31
#: Largest integer a float64 represents exactly (with all smaller integers).
MAX_EXACT_INT = 1 << 53

ObjectArray = NDArray[np.object_]
Digits = Callable[[int, int], Iterator[NDArray[np.float64]]]


def _scale(values: NDArray[np.float64], exponent: int, out: NDArray[np.float64]) -> None:
    """``out = values * 2**exponent`` (exact whenever the result is representable)."""
    if -1022 <= exponent <= 1023:
        np.multiply(values, 2.0**exponent, out=out)
    else:
        np.ldexp(values, exponent, out=out)


def _chunk_bits(n: int, n_groups: int) -> int:
    """log2 of the rows per chunk: cache-sized, but never so small that the per-chunk
    outputs (one value per group) dominate."""
    return max(_CHUNK_BITS, math.ceil(math.log2(4 * n_groups + 1)))


def _level_plan(weights: NDArray[np.float64], bound_bits: int) -> list[int]:
    """The grid exponent ``f_j`` of each level (empty when every value is 0)."""
    low_value, high_value = float(weights.min()), float(weights.max())
    if low_value > 0:
        smallest, largest = low_value, high_value
    else:
        magnitude = np.abs(weights)
        largest = float(magnitude.max())
        nonzero = magnitude[magnitude > 0]
        if not nonzero.size:
            return []
        smallest = float(nonzero.min())
    bits = 53 - bound_bits
    top = math.frexp(largest)[1]  # largest < 2**top
    bottom = max(math.frexp(smallest)[1] - 53, -FLOAT_SCALE)  # every lowest set bit >= this
    levels = max(1, math.ceil((top - bottom) / bits))
    return [top - (j + 1) * bits for j in range(levels)]


def _accumulate(
    key: NDArray[np.integer[Any]],
    n_groups: int,
    n_levels: int,
    digits: Digits,
    keep: NDArray[np.bool_] | None,
    chunk_bits: int,
    digit_bits: int,
    *,
    count: bool = True,
    bound_bits: int | None = None,
) -> tuple[NDArray[np.int64], list[ObjectArray]]:
    """Counts (of kept rows; zeros unless ``count``) and per level the exact sum of the
    digits, per group.

    Each chunk's sums (below 2**53: at most ``2**bound_bits`` rows of a group, the chunk's
    rows by default, times digits below ``2**digit_bits``) are added in int64, moved to
    Python integers before they could reach 2**63.
    """
    bound_bits = chunk_bits if bound_bits is None else bound_bits
    counts = np.zeros(n_groups, dtype=np.int64)
    exact = [np.zeros(n_groups, dtype=object) for _ in range(n_levels)]
    running = [np.zeros(n_groups, dtype=np.int64) for _ in range(n_levels)]
    flush_every = 1 << max(0, 62 - bound_bits - digit_bits)
    flushed = False
    size = 1 << chunk_bits
    for index, start in enumerate(range(0, len(key), size)):
        stop = min(start + size, len(key))
        rows = key[start:stop].astype(np.intp)
        if not count:
            pass
        elif keep is None:
            counts += np.bincount(rows, minlength=n_groups)
        else:
            counts += np.bincount(rows[keep[start:stop]], minlength=n_groups)
        for level, digit in enumerate(digits(start, stop)):
            running[level] += np.bincount(rows, weights=digit, minlength=n_groups).astype(np.int64)
        if (index + 1) % flush_every == 0:
            flushed = True
            for level in range(n_levels):
                exact[level] += running[level].astype(object)
                running[level][:] = 0
    for level in range(n_levels):
        last = running[level].astype(object)
        exact[level] = exact[level] + last if flushed else last
    return counts, exact


def float_sums_scaled(
    key: NDArray[np.integer[Any]],
    n_groups: int,
    weights: NDArray[np.float64],
    keep: NDArray[np.bool_] | None = None,
    *,
    count: bool = True,
    max_rows: int | None = None,
) -> tuple[NDArray[np.int64], ObjectArray, int]:
    """Per group: the number of (kept) rows (zeros unless ``count``), the exact sum in
    units of ``2**-scale``, and ``scale`` (at most `FLOAT_SCALE`).

    The unit is the grid of the lowest level, not ``2**-1074``: the exact sums are then
    Python integers of about as many bits as the data's dynamic range (not 1100 bits),
    fast to add and to round.

    ``max_rows``, when known, is the largest number of rows of any group: a group's digit
    sums then stay below ``max_rows * 2**w <= 2**53`` however many chunks there are, so with
    many groups (few rows each) the digits are wider and the levels fewer.

    ``weights`` must be finite; rows outside ``keep`` must hold 0.
    """
    n = len(key)
    chunk_bits = _chunk_bits(n, n_groups)
    bound_bits = chunk_bits
    if max_rows is not None:
        bound_bits = min(chunk_bits, max(1, int(max_rows).bit_length()))
    grid = _level_plan(weights, bound_bits) if n else []
    buffers = [np.empty(min(1 << chunk_bits, n)) for _ in range(3)] if grid else []

    def digits(start: int, stop: int) -> Iterator[NDArray[np.float64]]:
        if grid:  # else every value is 0
            yield from _digits(weights[start:stop], grid, buffers)

    counts, sums = _accumulate(
        key,
        n_groups,
        len(grid),
        digits,
        keep,
        chunk_bits,
        53 - bound_bits,
        count=count,
        bound_bits=bound_bits,
    )
    scale = min(FLOAT_SCALE, max(1, -grid[-1])) if grid else FLOAT_SCALE
    exact: ObjectArray | None = None
    for level, exponent in zip(sums, grid, strict=True):
        shift = exponent + scale
        part = level * (1 << shift) if shift > 0 else level // (1 << -shift) if shift else level
        exact = part if exact is None else exact + part
    if exact is None:
        exact = np.zeros(n_groups, dtype=object)
    return counts, exact, scale


class LevelSums:
    """Exact sums per group held as float64 level sums: group ``g``'s exact sum is
    ``sum(sums[j][g] * 2**grid[j])``, each ``sums[j][g]`` an integer below 2**53 in magnitude.

    Built by `float_level_sums`; the Python integers (`integers`) are made only when asked
    for (merging, the grand total), and with at most two levels the correctly rounded floats
    need none (`floats`).
    """

    __slots__ = ("grid", "n_groups", "sums")

    def __init__(self, sums: Sequence[NDArray[np.float64]], grid: Sequence[int], n_groups: int):
        self.sums = tuple(sums)
        self.grid = tuple(grid)
        self.n_groups = n_groups

    def __len__(self) -> int:
        return self.n_groups

    @property
    def scale(self) -> int:
        """The exponent of the unit of `integers`: ``2**-scale``."""
        return min(FLOAT_SCALE, max(1, -self.grid[-1])) if self.grid else FLOAT_SCALE

    def take(self, index: NDArray[Any]) -> LevelSums:
        """The groups at ``index`` (an integer or boolean index array)."""
        n = int(np.count_nonzero(index)) if index.dtype == np.bool_ else len(index)
        return LevelSums([level[index] for level in self.sums], self.grid, n)

    def integers(self) -> ObjectArray:
        """The exact sums as Python integers, in units of ``2**-scale``."""
        scale = self.scale
        exact: ObjectArray = np.zeros(self.n_groups, dtype=object)
        for level, exponent in zip(self.sums, self.grid, strict=True):
            ints = level.astype(np.int64).astype(object)
            shift = exponent + scale
            exact += ints * (1 << shift) if shift > 0 else ints // (1 << -shift) if shift else ints
        return exact

    def floats(self) -> NDArray[np.float64] | None:
        """The correctly rounded sums, or None when that needs the Python integers (more than
        two levels, or a sum too large for a float64).

        A level sum times its power of two is an exact float64 (an integer below 2**53 on a
        grid of at least 2**-1074, or it overflows); the sum of two exact floats is
        correctly rounded by IEEE 754, half to even, like Python's ``int / int``.
        """
        if len(self.grid) > 2:
            return None
        out = np.zeros(self.n_groups)
        with np.errstate(over="ignore", invalid="ignore"):  # inf or NaN: refused below
            for level, exponent in zip(self.sums, self.grid, strict=True):
                scaled = np.empty_like(level)
                _scale(level, exponent, out=scaled)
                out += scaled
        return out if bool(np.isfinite(out).all()) else None


def level_plan(weights: NDArray[np.float64], max_rows: int) -> list[int]:
    """The grid of `float_level_sums` for groups of at most ``max_rows`` rows."""
    return _level_plan(weights, max(1, int(max_rows).bit_length())) if len(weights) else []


def float_level_sums(
    key: NDArray[np.integer[Any]],
    n_groups: int,
    weights: NDArray[np.float64],
    grid: Sequence[int],
) -> LevelSums:
    """The exact sum of ``weights`` per group, as `LevelSums` on ``grid`` (`level_plan`).

    No group has more than ``max_rows`` rows (given to `level_plan`), so a level's digits
    (below ``2**w`` with ``max_rows < 2**(53 - w)``) add up to integers below 2**53 in any
    order: every float64 addition of ``numpy.bincount`` is exact, over all rows at once.
    ``weights`` must be finite (rows not to sum hold 0).
    """
    sums = [np.zeros(n_groups) for _ in grid]
    if not grid:
        return LevelSums(sums, grid, n_groups)
    n = len(key)
    size = min(1 << 20, n)  # a block's digits stay in the processor cache
    buffers = [np.empty(size) for _ in range(3)]
    for start in range(0, n, size):
        stop = min(start + size, n)
        rows = key[start:stop].astype(np.intp, copy=False)
        for j, digit in enumerate(_digits(weights[start:stop], grid, buffers)):
            sums[j] += np.bincount(rows, weights=digit, minlength=n_groups)
    return LevelSums(sums, grid, n_groups)


def _digits(
    values: NDArray[np.float64], grid: Sequence[int], buffers: list[NDArray[np.float64]]
) -> Iterator[NDArray[np.float64]]:
    """Per level of ``grid``, the digits of ``values`` (in ``buffers``, reused)."""
    m = len(values)
    digit, *spare = (b[:m] for b in buffers)
    _scale(values, -grid[0], out=digit)
    if len(grid) == 2:
        # values x 2**-f_1 is exact (no value but 0 is below 2**f_2 = 2**(f_1 - w)): its
        # integer part is the first level's digit, its fraction times 2**w the second's
        low = spare[0]
        np.modf(digit, out=(low, digit))
        np.multiply(low, 2.0 ** (grid[0] - grid[1]), out=low)
        yield digit
        yield low
        return
    residual = values
    for j, exponent in enumerate(grid):
        if j:
            _scale(residual, -exponent, out=digit)
        np.trunc(digit, out=digit)
        yield digit
        if j + 1 < len(grid):
            target = spare[j % 2]  # never the buffer ``residual`` is in
            _scale(digit, exponent, out=target)
            np.subtract(residual, target, out=target)
            residual = target


def float_sums(
    key: NDArray[np.integer[Any]],
    n_groups: int,
    weights: NDArray[np.float64],
    keep: NDArray[np.bool_] | None = None,
    *,
    count: bool = True,
) -> tuple[NDArray[np.int64], ObjectArray]:
    """Per group: the number of (kept) rows (zeros unless ``count``) and the exact sum in
    units of 2**-1074.

    ``weights`` must be finite; rows outside ``keep`` must hold 0.
    """
    counts, exact, scale = float_sums_scaled(key, n_groups, weights, keep, count=count)
    if scale != FLOAT_SCALE:
        exact = exact * (1 << (FLOAT_SCALE - scale))
    return counts, exact


def int_sums(
    key: NDArray[np.integer[Any]],
    n_groups: int,
    weights: NDArray[np.int64],
    keep: NDArray[np.bool_] | None = None,
    *,
    count: bool = True,
) -> tuple[NDArray[np.int64], ObjectArray]:
    """Per group: the number of (kept) rows (zeros unless ``count``) and the exact integer
    sum of ``weights``.

    Rows outside ``keep`` must hold 0.
    """
    n = len(key)
    chunk_bits = _chunk_bits(n, n_groups)
    largest = int(np.abs(weights).max()) if n else 0
    if largest < 1 << (53 - chunk_bits):  # one float level is exact per chunk

        def whole(start: int, stop: int) -> Iterator[NDArray[np.float64]]:
            yield weights[start:stop].astype(np.float64)

        bits = max(1, largest.bit_length())
        counts, (sums,) = _accumulate(key, n_groups, 1, whole, keep, chunk_bits, bits, count=count)
        return counts, sums

    def digits(start: int, stop: int) -> Iterator[NDArray[np.float64]]:
        chunk = weights[start:stop]
        yield (chunk >> _INT_BITS).astype(np.float64)
        yield (chunk & ((1 << _INT_BITS) - 1)).astype(np.float64)

    chunk_bits = min(chunk_bits, 53 - 33)
    counts, (high, low) = _accumulate(key, n_groups, 2, digits, keep, chunk_bits, 33, count=count)
    return counts, high * (1 << _INT_BITS) + low


def to_floats(exact: ObjectArray, scale: int) -> tuple[NDArray[np.float64], int | None]:
    """Correctly rounded float64 of ``exact * 2**-scale``, and the first group too large
    for a float (None when all fit)."""
    divisor = 1 << scale
    try:  # Python's int / int is correctly rounded; numpy loops over the groups in C
        return np.asarray(exact / divisor, dtype=np.float64), None
    except OverflowError:
        pass
    out = np.empty(len(exact), dtype=np.float64)
    for i, value in enumerate(exact.tolist()):
        try:
            out[i] = value / divisor
        except OverflowError:
            return out, i
    return out, None  # pragma: no cover (the vectorised division overflowed)

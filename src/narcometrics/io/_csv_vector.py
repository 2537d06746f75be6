"""The python engine's byte path, second half: the cells of a clean block to table columns.

A block of lines that `narcometrics.io._csv_bytes` judged clean (no quotes, UTF-8, every
line one record) is split at its separators with numpy; each cell is loaded as up to 32
little-endian 8-byte words, zero past its end (a clean block holds no NUL byte, so the words
name the cell exactly). Then, per column:

- labels (country, enum, text) and counts: the distinct cells are found on the words (a
  hash table checked to hold one cell per slot, else a sort), each distinct cell is decoded
  and parsed once, by the grammar's own parser for counts;
- dates: ``YYYY-MM-DD`` is checked and converted with integer arithmetic (the proleptic
  Gregorian calendar of `datetime.date`, years 1 to 9999);
- real numbers: a column whose bytes are all within ``[0-9.eE+-]`` is converted by numpy,
  which reads such text exactly as `float` does (and `float` accepts exactly the grammar
  there); infinity (a number too large) is refused.

Whenever a column is outside what this path judges exactly (a row of the wrong width, a cell
outside the grammar, a missing date, a list column, a decimal comma, a cell longer than 256
bytes), `block_columns` returns None and the text path reads the block, naming every problem.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from narcometrics.io._csv_bytes import Block
from narcometrics.io._files import unescape_cell
from narcometrics.tables import MISSING_CODE, Categorical, FieldSpec
from narcometrics.tables._columns import code_dtype, object_array

__all__ = ["block_columns"]

#: The longest cell this path loads [bytes].
_MAX_CELL = 256
#: The longest real number this path converts [bytes] (a longer one goes cell by cell).
_MAX_REAL = 64
#: ``_MASKS[k]`` keeps the first ``k`` bytes of a little-endian word.
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
#: Odd multipliers mixing the words of a cell into a slot of the hash table.
_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
    dtype=np.uint64,
)
#: Slots of the hash table that finds the distinct cells of a column [log2].
_SLOT_BITS = 16
#: The bytes of a real number in the grammar, and the zero after a cell's end.
_REAL_BYTES = np.zeros(256, dtype=np.bool_)
_REAL_BYTES[list(b"0123456789.eE+-\0")] = True
#: The bytes of ``YYYY-MM-`` and of ``DD`` at their least ("0" for a digit, "-"), as
#: little-endian words; the dashes' bytes; and 0x76 in every byte (a byte of 0 to 9 plus
#: 0x76 stays below 0x80).
_DATE_HEAD = np.uint64(int.from_bytes(b"0000-00-", "little"))
_DATE_TAIL = np.uint64(int.from_bytes(b"00", "little"))
_DASHES = np.uint64(0xFF0000FF << 32)
_BELOW_TEN = np.uint64(0x7676767676767676)
#: Exact powers of ten, 10**0 to 10**15.
_POWERS = 10.0 ** np.arange(16)
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)

#: The kinds of list columns, which this path leaves to the text path.
_LISTS = ("floats", "texts")

Ints = NDArray[np.intp]
Words = NDArray[np.uint64]


class _Cells:
    """The cells of one column of a block: where each starts and ends in the data."""

    def __init__(self, data: bytes, words: NDArray[np.uint64], starts: Ints, ends: Ints):
        self.data = data
        self.words = words  # the data as unaligned 8-byte words, one per byte offset
        self.starts = starts
        self.ends = ends
        self.lengths = ends - starts

    def __len__(self) -> int:
        return len(self.starts)

    def keys(self, limit: int = _MAX_CELL) -> Words | None:
        """The cells as rows of 8-byte words, zero past each cell's end (None when a cell
        is longer than ``limit`` bytes)."""
        n = len(self)
        longest = int(self.lengths.max()) if n else 0
        if longest > limit:
            return None
        width = max(1, -(-longest // 8))
        out = np.zeros((n, width), dtype=np.uint64)
        for w in range(width):
            if w:
                rows = np.flatnonzero(self.lengths > 8 * w)
                left = np.minimum(self.lengths[rows] - 8 * w, 8)
                word = self.words[self.starts[rows] + 8 * w].view(np.uint64)
                word &= _MASKS[left]
                out[rows, w] = word
            else:
                word = self.words[self.starts].view(np.uint64)
                word &= _MASKS[np.minimum(self.lengths, 8)]
                out[:, 0] = word
        return out

    def text(self, row: int) -> str:
        return self.data[self.starts[row] : self.ends[row]].decode("utf-8")


def _first_seen(slots: Ints, n_slots: int) -> tuple[Ints, Ints]:
    """Codes numbering the distinct ``slots`` in order of first appearance, and the row of
    each one's first appearance."""
    n = len(slots)
    first = np.full(n_slots, n, dtype=np.intp)
    np.minimum.at(first, slots, np.arange(n, dtype=np.intp))
    present = np.flatnonzero(first < n)
    order = np.argsort(first[present], kind="stable")
    remap = np.zeros(n_slots, dtype=np.intp)
    remap[present[order]] = np.arange(len(present), dtype=np.intp)
    return remap[slots], first[present[order]]


def _distinct(keys: Words) -> tuple[Ints, Ints]:
    """The code of each row's cell (distinct cells numbered in order of first appearance)
    and the row of each distinct cell's first appearance."""
    n, width = keys.shape
    mixed = keys[:, 0] * _MIX[0]
    for w in range(1, width):
        mixed ^= keys[:, w]
        mixed *= _MIX[w % len(_MIX)]
    bits = min(max(n.bit_length() + 4, 8), _SLOT_BITS)  # 16 slots per row, at most 2**16
    slots = (mixed >> np.uint64(64 - bits)).astype(np.intp)
    exact = True
    for w in range(width):  # one cell per slot, or the slots are not codes
        held = np.zeros(1 << bits, dtype=np.uint64)
        held[slots] = keys[:, w]
        if not np.array_equal(held[slots], keys[:, w]):
            exact = False
            break
    if exact:
        return _first_seen(slots, 1 << bits)
    codes = np.zeros(n, dtype=np.intp)
    for w in range(width):
        values, inverse = np.unique(keys[:, w], return_inverse=True)
        codes = codes * len(values) + inverse
        if w + 1 < width:
            codes = np.unique(codes, return_inverse=True)[1]
    values, inverse = np.unique(codes, return_inverse=True)
    return _first_seen(inverse, len(values))


def _labels(cells: _Cells) -> Categorical | None:
    keys = cells.keys()
    if keys is None:
        return None
    codes, firsts = _distinct(keys)
    labels: list[str | None] = [
        unescape_cell(cells.text(row)) if cells.lengths[row] else None for row in firsts
    ]
    # Two spellings may unescape to one label ('=x and =x): code them as one.
    unique = list(dict.fromkeys(label for label in labels if label is not None))
    where = {label: i for i, label in enumerate(unique)}
    table = np.array(
        [MISSING_CODE if label is None else where[label] for label in labels], dtype=np.int64
    )
    return Categorical.trusted(table.astype(code_dtype(len(unique)))[codes], object_array(unique))


def _counts(cells: _Cells, parse: Callable[[str], int]) -> Any:
    keys = cells.keys()
    if keys is None:
        return None
    codes, firsts = _distinct(keys)
    try:
        counts = [parse(cells.text(row)) if cells.lengths[row] else 0 for row in firsts]
    except ValueError:
        return None
    values = np.array(counts, dtype=np.int64)[codes]
    null = cells.lengths == 0
    return np.ma.MaskedArray(values, mask=null) if null.any() else values


def _dates(cells: _Cells) -> Any:
    if len(cells) and (cells.lengths != 10).any():
        return None  # a missing date or another form: the text path says which
    keys = cells.keys(16)
    if keys is None:
        return None
    # "YYYY-MM-" and "DD": each byte less its expected "0" or "-" is 0 to 9 (a dash 0); a
    # byte below its expected one borrows, and the row fails the check.
    head = keys[:, 0] - _DATE_HEAD
    tail = keys[:, 1] - _DATE_TAIL
    high = np.uint64(0x8080808080808080)
    if (((head + _BELOW_TEN) | head) & high).any() or (((tail + _BELOW_TEN) | tail) & high).any():
        return None
    if ((head & _DASHES) != 0).any():
        return None

    def byte(word: Words, k: int) -> NDArray[np.int32]:
        return ((word >> np.uint64(8 * k)) & np.uint64(0xFF)).astype(np.int32)

    year = byte(head, 0) * 1000 + byte(head, 1) * 100 + byte(head, 2) * 10 + byte(head, 3)
    month = byte(head, 5) * 10 + byte(head, 6)
    day = byte(tail, 0) * 10 + byte(tail, 1)
    if (year < 1).any() or (month < 1).any() or (month > 12).any() or (day < 1).any():
        return None
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    if (day > _DAYS_IN_MONTH[month] + (leap & (month == 2))).any():
        return None
    # Days since 1970-01-01 (H. Hinnant, "chrono-compatible low-level date algorithms").
    y = year - (month <= 2)
    era = y // 400
    of_era = y - era * 400
    of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    of_cycle = of_era * 365 + of_era // 4 - of_era // 100 + of_year
    return (era * 146097 + of_cycle - 719468).astype("datetime64[D]")


def _decimals(text: NDArray[np.uint8], lengths: Ints) -> tuple[NDArray[np.float64], Any]:
    """The values of the cells ``[+-]digits[.digits]`` of at most 15 digits (rows of bytes,
    zero past ``lengths``), and which rows are of that form.

    Such a number is ``m / 10**k`` with ``m < 2**53`` and ``k <= 15``, both exact in binary,
    so one division rounds it correctly (W. D. Clinger, "How to read floating point numbers
    accurately", PLDI 1990): the value `float` gives.
    """
    n = len(text)
    # A number of this form has at most 17 bytes (15 digits, a sign and a point).
    longest = min(int(lengths.max()) if n else 0, 17)
    columns = np.ascontiguousarray(text[:, :longest].T)
    mantissa = np.zeros(n, dtype=np.int64)
    digits = np.zeros(n, dtype=np.uint8)
    fraction = np.zeros(n, dtype=np.uint8)
    dotted = np.zeros(n, dtype=np.bool_)
    dots = np.zeros(n, dtype=np.uint8)
    for byte in columns:
        digit = byte - np.uint8(48)
        is_digit = digit < 10
        digit *= is_digit
        factor = is_digit.view(np.uint8) * np.uint8(9)
        factor += np.uint8(1)
        mantissa *= factor  # times 10 after a digit, else unchanged
        mantissa += digit
        digits += is_digit
        fraction += is_digit & dotted
        is_dot = byte == 46
        dots += is_dot
        dotted |= is_dot
    sign = text[:, 0]
    signed = (sign == 43) | (sign == 45)
    simple = (digits + dots + signed == lengths) & (dots <= 1) & (digits >= 1) & (digits <= 15)
    values = mantissa.astype(np.float64)
    values /= _POWERS[np.where(simple, fraction, 0)]
    np.negative(values, out=values, where=sign == 45)
    return values, simple


def _reals(cells: _Cells) -> Any:
    keys = cells.keys(_MAX_REAL)
    if keys is None:
        return None
    given = cells.lengths > 0
    text = keys.view(np.uint8).reshape(len(cells), -1)
    values, simple = _decimals(text, cells.lengths)
    values[~given] = np.nan
    other = given & ~simple  # exponents, more digits, or outside the grammar
    if other.any():
        if not _REAL_BYTES[text[other]].all():
            return None  # nan, inf, spaces, "_", other digits: the parser names the problem
        try:
            values[other] = keys[other].view(f"S{keys.shape[1] * 8}").ravel().astype(np.float64)
        except ValueError:
            return None
        if not np.isfinite(values[other]).all():
            return None  # too large for a float
    return values


def block_columns(
    block: Block,
    positions: dict[str, int],
    width: int,
    sep: str,
    schema: Sequence[FieldSpec],
    parsers: dict[str, Callable[[str], Any]],
    decimal: str,
) -> dict[str, Any] | None:
    """The columns of a clean block's records for `from_columns`, or None when the text
    path must read them. ``parsers`` are the grammar's parsers (of counts)."""
    n = len(block)
    if decimal != "." or not block.clean or not n or sys.byteorder != "little":
        return None  # (the words are read in the machine's order: little-endian here)
    if any(spec.kind in _LISTS for spec in schema if spec.name in positions):
        return None  # lists: cell by cell
    raw = np.frombuffer(block.data, dtype=np.uint8)
    padded = np.zeros(len(raw) + 16, dtype=np.uint8)
    padded[: len(raw)] = raw
    # Every 8 bytes from each offset (gathered as "V8", which numpy copies fastest when
    # unaligned, then read as little-endian words).
    words = np.ndarray(shape=(len(padded) - 7,), dtype="V8", buffer=padded, strides=(1,))
    seps = np.flatnonzero(raw == ord(sep))
    inner = width - 1
    if len(seps) != n * inner:
        return None
    if inner:
        first = np.searchsorted(seps, block.starts)
        if not np.array_equal(first, np.arange(0, n * inner, inner)):
            return None  # a row of the wrong width: the text path names it
    table = np.ascontiguousarray(seps.reshape(n, inner).T)  # a row per separator
    columns: dict[str, Any] = {}
    for spec in schema:
        if spec.name not in positions:
            continue
        j = positions[spec.name]
        starts = block.starts if j == 0 else table[j - 1] + 1
        ends = block.ends if j == inner else table[j]
        cells = _Cells(block.data, words, starts, ends)
        column: Any
        if spec.kind == "date":
            column = _dates(cells)
        elif spec.kind == "count":
            column = _counts(cells, parsers["count"])
        elif spec.kind == "float":
            column = _reals(cells)
        elif spec.categorical:
            column = _labels(cells)
        else:
            return None  # lists: cell by cell
        if column is None:
            return None
        columns[spec.name] = column
    return columns

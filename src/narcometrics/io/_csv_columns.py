"""The python engine's fast path: rows of cells to table columns, a column at a time.

The cells of a chunk are transposed once; then each column is converted with few Python
operations per row: labels, dates and counts through their distinct values (each parsed
once with the grammar's own parser), real numbers by ``float`` after one check that the
column holds only the characters of the grammar (within ``[0-9.eE+-]``, ``float`` accepts
exactly the grammar). The table then validates the columns as arrays.

Whenever this path cannot give the exact answer (a row of the wrong width, a cell outside
the grammar, a list column, a decimal comma), it returns None and the cell-by-cell path of
`narcometrics.io._csv` reads the chunk, naming every problem; the two give the same table.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from narcometrics.io._files import unescape_cell
from narcometrics.tables import MISSING_CODE, Categorical, FieldSpec
from narcometrics.tables._columns import code_dtype, object_array

__all__ = ["fast_columns"]

#: The characters of a real number in the grammar (with "." as the decimal point).
_REAL_CHARACTERS = frozenset("0123456789.eE+-")


class _Slow(Exception):
    """A cell this path cannot convert exactly: the cell-by-cell path reads the chunk."""


def _distinct(cells: Sequence[str], parse: Callable[[str], Any]) -> tuple[list[Any], Any]:
    """Each distinct non-empty cell parsed once (in first-seen order) and the code of every
    cell into them (-1 for an empty cell)."""
    position: dict[str, int] = {}
    values: list[Any] = []
    for text in dict.fromkeys(cells):
        if text == "":
            position[text] = MISSING_CODE
            continue
        try:
            values.append(parse(text))
        except ValueError:
            raise _Slow() from None
        position[text] = len(values) - 1
    codes = np.fromiter(map(position.__getitem__, cells), dtype=np.int64, count=len(cells))
    return values, codes


def _labels(cells: Sequence[str], spec: FieldSpec) -> Categorical:
    labels, codes = _distinct(cells, unescape_cell)
    # Two spellings may unescape to one label ('=x and =x): code them as one.
    unique = list(dict.fromkeys(labels))
    if len(unique) != len(labels):
        where = {label: i for i, label in enumerate(unique)}
        table = np.array([*(where[label] for label in labels), MISSING_CODE], dtype=np.int64)
        codes = table[codes]
    return Categorical.trusted(codes.astype(code_dtype(len(unique))), object_array(unique))


def _dates(cells: Sequence[str], parse: Callable[[str], Any]) -> Any:
    days, codes = _distinct(cells, parse)
    if (codes < 0).any():
        raise _Slow()  # a missing date: the cell-by-cell path says which
    return np.array(days, dtype="datetime64[D]")[codes]


def _counts(cells: Sequence[str], parse: Callable[[str], int]) -> Any:
    counts, codes = _distinct(cells, parse)
    values = np.array([*counts, 0], dtype=np.int64)[codes]
    null = codes < 0
    return np.ma.MaskedArray(values, mask=null) if null.any() else values


def _reals(cells: Sequence[str]) -> Any:
    if not _REAL_CHARACTERS.issuperset("".join(cells)):
        raise _Slow()  # nan, inf, spaces, "_", other digits: the parser names the problem
    try:
        values = np.fromiter(
            (float(text) if text else math.nan for text in cells),
            dtype=np.float64,
            count=len(cells),
        )
    except ValueError:
        raise _Slow() from None
    given = np.fromiter(map(bool, cells), dtype=np.bool_, count=len(cells))
    if not np.isfinite(values[given]).all():
        raise _Slow()  # too large for a float
    return values


def fast_columns(
    rows: Sequence[Sequence[str]],
    positions: dict[str, int],
    width: int,
    schema: Sequence[FieldSpec],
    parsers: dict[str, Callable[[str], Any]],
    decimal: str,
) -> dict[str, Any] | None:
    """The columns of ``rows`` for `from_columns`, or None when the cell-by-cell path must
    read them. ``parsers`` are the grammar's parsers of dates and counts."""
    if decimal != "." or any(len(row) != width for row in rows):
        return None
    columns: dict[str, Any] = {}
    try:
        for spec in schema:
            if spec.name not in positions:
                continue
            column = list(map(operator.itemgetter(positions[spec.name]), rows))
            if spec.kind == "date":
                columns[spec.name] = _dates(column, parsers["date"])
            elif spec.kind == "count":
                columns[spec.name] = _counts(column, parsers["count"])
            elif spec.kind == "float":
                columns[spec.name] = _reals(column)
            elif spec.categorical:
                columns[spec.name] = _labels(column, spec)
            else:
                return None  # lists: cell by cell
    except _Slow:
        return None
    return columns

"""total(): one pass of integer arithmetic and two bincounts over the table's codes."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from narcometrics.aggregate._exact import (
    FLOAT_SCALE,
    INT_SCALE,
    LevelSums,
    float_level_sums,
    float_sums_scaled,
    int_sums,
    level_plan,
)
from narcometrics.aggregate._totals import (
    BITMAP_GROUPS,
    DENSE_GROUPS,
    Totals,
    compact,
    exact_values,
    group,
)
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.tables import Categorical, Table
from narcometrics.tables._base import PERIODS
from narcometrics.tables._columns import code_dtype, object_array

Missing = Literal["error", "skip"]

#: Largest number of possible groups counted and summed in the same pass over the rows.
_ONE_PASS = 1 << 16


def _sums(
    key: NDArray[Any],
    n_groups: int,
    weights: NDArray[Any],
    keep: NDArray[np.bool_] | None,
    *,
    count: bool,
    max_rows: int | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.object_], int]:
    """Counts, exact sums and their scale (float or integer measure); ``max_rows``: the
    most rows in a group, when known."""
    if weights.dtype.kind == "f":
        return float_sums_scaled(key, n_groups, weights, keep, count=count, max_rows=max_rows)
    return (*int_sums(key, n_groups, weights, keep, count=count), INT_SCALE)


def _group_sums(
    key: NDArray[Any],
    rows: NDArray[np.int64],
    weights: NDArray[Any],
    measure: str,
    describe: Callable[[int], object],
    select: NDArray[np.intp] | None,
) -> tuple[NDArray[Any], NDArray[np.object_] | LevelSums, int]:
    """The total per group (``rows``: rows per group number), its exact sums and their
    scale, for the group numbers in ``select`` (None: all).

    Float measures whose exact sums fit two levels (a dynamic range of about 90 bits when
    groups are small) are summed by `float_level_sums` and rounded in float64 arithmetic;
    the rest as Python integers per group.
    """
    n_groups = len(rows)
    largest = int(rows.max()) if n_groups else 0
    if weights.dtype.kind == "f":
        grid = level_plan(weights, largest)
        if len(grid) <= 2:
            sums = float_level_sums(key, n_groups, weights, grid)
            if select is not None:
                sums = sums.take(select)
            values = sums.floats()
            if values is not None:
                return values, sums, sums.scale
    _, exact, scale = _sums(key, n_groups, weights, None, count=False, max_rows=largest)
    if select is not None:
        exact = exact[select]
    return exact_values(measure, scale, exact, describe), exact, scale


def measures(table: Table[Any] | type[Table[Any]]) -> tuple[str, ...]:
    """The measures ``total`` accepts for a table: ``"count"`` and its additive fields."""
    return ("count", *(s.name for s in table.schema if s.measure))


def grouping_fields(table: Table[Any] | type[Table[Any]]) -> tuple[str, ...]:
    """The fields ``total`` groups by: calendar periods and the categorical fields."""
    return (*PERIODS, *(s.name for s in table.schema if s.categorical))


def _by(table: Table[Any], by: str | Sequence[str]) -> tuple[str, ...]:
    fields = (by,) if isinstance(by, str) else tuple(by)
    valid = grouping_fields(table)
    for field in fields:
        if field not in valid:
            raise UnknownNameError("by", field if isinstance(field, str) else repr(field), valid)
    if len(set(fields)) != len(fields):
        raise ValidationError("by", "must not repeat a field", fields)
    for within in ("quarter", "month"):
        if within in fields and "year" not in fields:
            raise ValidationError(
                "by",
                f"{within!r} needs 'year' too: {within} alone would add up the same {within} "
                f"of different years; group by ('year', {within!r})",
                fields,
            )
    return fields


def _weights(
    table: Table[Any], measure: str, missing: Missing
) -> tuple[NDArray[Any] | None, NDArray[np.bool_] | None]:
    """The measure per row (None for "count", 0 where missing) and the rows with a value
    (None for all)."""
    if measure not in measures(table):
        raise UnknownNameError("measure", measure, measures(table))
    if missing not in ("error", "skip"):
        raise UnknownNameError("missing", missing, ("error", "skip"))
    if measure == "count":
        return None, None
    col = table.column(measure)
    if not isinstance(col, np.ma.MaskedArray):
        return np.asarray(col), None
    mask = np.ma.getmaskarray(col)
    if not mask.any():
        return np.asarray(col.data), None
    if missing == "error":
        rows = np.flatnonzero(mask)
        every = ", every row: the data do not hold it" if len(rows) == len(mask) else ""
        raise ValidationError(
            measure,
            f"is missing in {len(rows)} rows (first: row {rows[0]}{every}); a missing "
            "count is not 0: pass missing='skip' to total the known values",
        )
    return np.where(mask, 0, col.data), ~mask


def _field(table: Table[Any], field: str) -> tuple[NDArray[Any], NDArray[Any], int]:
    """Codes, levels, and the offset added to codes (1 when -1 marks missing values)."""
    if field in PERIODS:
        codes, levels = table.period_codes(field)
        return codes, levels, 0
    col = table.column(field)
    assert isinstance(col, Categorical)
    if col.has_missing:
        return col.codes, object_array([None, *col.labels.tolist()]), 1
    return col.codes, col.labels, 0


def _dense_key(codes: Sequence[NDArray[Any]], radices: Sequence[int], offset: int) -> NDArray[Any]:
    """Mixed-radix group key in the narrowest integer type (Horner's scheme, in place)."""
    size = math.prod(radices)
    dtype = code_dtype(size)
    if len(codes) == 1:
        key = codes[0].astype(dtype)
    else:
        key = np.multiply(codes[0], radices[1], dtype=dtype)
        for i in range(1, len(codes)):
            np.add(key, codes[i], out=key, casting="same_kind")
            if i + 1 < len(codes):
                np.multiply(key, radices[i + 1], out=key)
    if offset:
        np.add(key, offset, out=key)
    return key


def _bitmap_limit(n_rows: int) -> int:
    """The most possible groups numbered with one bitmap (memory about 5 bytes each, so
    bounded by a multiple of the rows)."""
    return min(BITMAP_GROUPS, 16 * n_rows + (1 << 20))


def _fold(
    codes: Sequence[NDArray[Any]], offsets: Sequence[int], radices: Sequence[int], limit: int
) -> tuple[NDArray[Any], list[NDArray[np.intp]]]:
    """Per row its group number, and per group the code (plus offset) of each field.

    The fields are combined from the largest number of levels down into one mixed-radix key;
    whenever the next field would take the possible keys beyond ``limit``, the key is first
    renumbered to the keys that occur (`compact`). Linear in the rows; the groups come out
    in no particular order (`Totals.canonical` sorts them).
    """
    order = sorted(range(len(radices)), key=lambda i: -radices[i])
    per_group: dict[int, NDArray[np.intp]] = {}  # field -> code per group, after a compaction
    pending: list[int] = []  # fields combined into the key since the last compaction
    key: NDArray[Any] = np.zeros(len(codes[0]), dtype=np.int8)
    size = 1

    def renumber() -> None:
        nonlocal key, size, per_group
        key, present = compact(key, size)
        parts = np.unravel_index(
            present,
            [size // math.prod(radices[f] for f in pending)] + [radices[f] for f in pending],
        )
        previous = parts[0]
        per_group = {f: c[previous] for f, c in per_group.items()}
        per_group.update(
            {f: np.asarray(c, dtype=np.intp) for f, c in zip(pending, parts[1:], strict=True)}
        )
        pending.clear()
        size = len(present)

    for f in order:
        if size * radices[f] > limit:
            renumber()
        combined = np.multiply(key, radices[f], dtype=code_dtype(size * radices[f]))
        np.add(combined, codes[f], out=combined, casting="unsafe")
        if offsets[f]:
            np.add(combined, offsets[f], out=combined, casting="unsafe")
        key, size = combined, size * radices[f]
        pending.append(f)
    renumber()
    return key, [per_group[f] for f in range(len(radices))]


#: Fewest levels of a field for `_determined` to try whether it determines the others.
_DETERMINING = 1 << 16


def _determined(
    codes: Sequence[NDArray[Any]], offsets: Sequence[int], radices: Sequence[int]
) -> tuple[NDArray[Any], NDArray[np.int64], list[NDArray[Any]], NDArray[np.intp] | None] | None:
    """Group by the field with the most levels alone when it determines all the others
    (each operation has one year and one agency), else None.

    The other fields' codes combine into one small key ``s``; one value of ``s`` per level
    of the big field, written at that level (``table[b] = s``) and read back, equals ``s``
    on every row exactly when the big field determines it. Then the groups are the big
    field's levels that occur: no key over all possible combinations, no bitmap. The few
    rows that disagree, if any, form groups of their own (`_exceptions`). Returns
    per row the group number, per group number its rows, per group each field's code (plus
    offset), and which group numbers are groups (None: all; a few levels that occur in no
    row may keep a group number, cheaper than renumbering every row).
    """
    big = max(range(len(radices)), key=lambda i: radices[i])
    others = [i for i in range(len(radices)) if i != big]
    small = math.prod(radices[i] for i in others)
    if not others or radices[big] < _DETERMINING or small >= 1 << 31:
        return None
    if radices[big] > _bitmap_limit(len(codes[big])):
        return None
    strides = [math.prod(radices[j] for j in others[k + 1 :]) for k in range(len(others))]
    offset = sum(offsets[i] * stride for i, stride in zip(others, strides, strict=True))
    combined = _dense_key([codes[i] for i in others], [radices[i] for i in others], offset)
    b = codes[big].astype(np.intp)  # once: every index and bincount below takes intp
    if offsets[big]:
        b += offsets[big]
    table = np.zeros(radices[big], dtype=combined.dtype)
    head = slice(0, _HEAD)  # a first look: far from determined, give up at once
    table[b[head]] = combined[head]
    if np.count_nonzero(table[b[head]] != combined[head]) > 2 * _EXCEPTIONS * len(b[head]):
        return None
    table[b] = combined
    pairs = _exceptions(b, combined, table, small)
    if pairs is None:
        return None
    big_codes, small_codes = pairs  # per group number (b now holds group numbers)
    every = np.bincount(b, minlength=len(big_codes))
    present = np.flatnonzero(every)
    select: NDArray[np.intp] | None = None
    if 2 * len(present) < len(big_codes):  # number the groups that occur: 0 .. n_groups - 1
        lookup = np.zeros(len(big_codes), dtype=code_dtype(len(present)))
        lookup[present] = np.arange(len(present))
        b = lookup[b]
        every = every[present]
    elif len(present) < len(big_codes):  # sum over every number, keep those that occur
        select = present
    parts = np.unravel_index(small_codes[present], [radices[i] for i in others])
    group_codes = [np.empty(0, dtype=np.intp)] * len(radices)
    group_codes[big] = big_codes[present]
    for i, part in zip(others, parts, strict=True):
        group_codes[i] = np.asarray(part, dtype=np.intp)
    return b, every, group_codes, select


#: Largest share of rows that may disagree with the determining field (`_exceptions`).
_EXCEPTIONS = 1 / 16
#: Rows looked at first: when over twice that share of them disagree, no more is checked.
_HEAD = 1 << 16


def _exceptions(
    b: NDArray[np.intp], combined: NDArray[Any], table: NDArray[Any], small: int
) -> tuple[NDArray[np.intp], NDArray[Any]] | None:
    """Per group number, the big field's code and the other fields' key: group ``b`` for
    the rows that agree with ``table[b]``, and one more group per other pair (an operation
    over two years), numbered after them (``b`` is changed in place); None when more than
    `_EXCEPTIONS` of the rows disagree (the general path is then cheaper)."""
    agree = table[b] == combined
    n_bad = len(b) - int(np.count_nonzero(agree))
    if n_bad > _EXCEPTIONS * len(b):
        return None
    big_codes = np.arange(len(table))
    if not n_bad:
        return big_codes, table
    bad = np.flatnonzero(~agree)
    extra, inverse = np.unique(b[bad] * small + combined[bad], return_inverse=True)
    b[bad] = len(table) + inverse.reshape(-1)
    return (
        np.concatenate([big_codes, extra // small]),
        np.concatenate([table.astype(np.intp), extra % small]),
    )


Grouping: TypeAlias = tuple[
    NDArray[Any],
    NDArray[np.int64],
    list[NDArray[Any]],
    NDArray[np.intp] | None,
    tuple[NDArray[np.object_], int] | None,
]


def _group_rows(
    codes: Sequence[NDArray[Any]],
    offsets: Sequence[int],
    radices: Sequence[int],
    n_rows: int,
    weights: NDArray[Any] | None,
) -> Grouping:
    """Group the rows by their codes (plus offsets).

    Returns per row its group number; per group number its rows; per group each field's
    code; the group numbers that are groups (None: all, see `_determined`); and, for few
    possible groups when ``weights`` are given, their exact sums and scale, computed in the
    same pass (else None).
    """
    if not codes:
        return np.zeros(n_rows, dtype=np.int8), np.array([n_rows]), [], None, None
    determined = _determined(codes, offsets, radices)
    if determined is not None:
        return (*determined, None)
    if math.prod(radices) <= DENSE_GROUPS:
        return _dense_groups(codes, offsets, radices, weights)
    if max(radices) <= _bitmap_limit(n_rows):
        # many possible groups: number the keys that occur with a bitmap (linear, no sort)
        key, group_codes = _fold(codes, offsets, radices, _bitmap_limit(n_rows))
    else:
        shifted = [c.astype(np.intp) + o for c, o in zip(codes, offsets, strict=True)]
        key, group_codes = group(shifted, radices)
    return key, np.bincount(key, minlength=len(group_codes[0])), group_codes, None, None


def _dense_groups(
    codes: Sequence[NDArray[Any]],
    offsets: Sequence[int],
    radices: Sequence[int],
    weights: NDArray[Any] | None,
) -> Grouping:
    """`_group_rows` with one mixed-radix key over all possible groups."""
    # offset: the constant part of sum((c_i + o_i) * stride_i) for fields with missing
    strides = [math.prod(radices[i + 1 :]) for i in range(len(radices))]
    offset = sum(o * s for o, s in zip(offsets, strides, strict=True))
    key = _dense_key(codes, radices, offset)
    size = math.prod(radices)
    select: NDArray[np.intp] | None = None
    if size <= _ONE_PASS and weights is not None:
        # few possible groups: count and sum in one pass, keep the groups that occur
        every, exact, scale = _sums(key, size, weights, None, count=True)
        present = np.flatnonzero(every)
        group_codes = list(np.unravel_index(present, radices))
        return key, every[present], group_codes, None, (exact[present], scale)
    rows = np.bincount(key, minlength=size)
    present = np.flatnonzero(rows)
    if 2 * len(present) < size:  # number the groups that occur: 0 .. n_groups - 1
        lookup = np.zeros(size, dtype=code_dtype(len(present)))
        lookup[present] = np.arange(len(present))
        key, rows = lookup[key], rows[present]
    elif len(present) < size:  # sum over every key, keep those that occur
        select = present
    return key, rows, list(np.unravel_index(present, radices)), select, None


def total(
    table: Table[Any],
    measure: str,
    by: str | Sequence[str] = (),
    *,
    missing: Missing = "error",
) -> Totals:
    """The sum of ``measure`` per group of ``by``.

    Parameters
    ----------
    table : SeizureTable, EradicationTable, OperationTable or TrainingTable
        The records.
    measure : str
        ``"count"`` (the number of records), or an additive field: ``mass_kg`` [kg],
        ``area_ha`` [ha], an operation count, or ``participants``, ``completed``,
        ``followed_up``, ``applying`` [people].
    by : str or sequence of str
        Any mix of ``"year"``, ``"quarter"`` (1..4), ``"month"`` (1..12) and the
        table's categorical fields (``country``, ``substance``, ``region``, ...);
        ``()`` for the grand total.
    missing : {"error", "skip"}
        For an optional measure (``completed``, an operation count, ...) with missing values:
        raise, or total the known values only (``counts`` then counts the rows with a value,
        and a group with no known value has a total of NaN). A missing value is never 0.

    Returns
    -------
    Totals
        The non-empty groups in sorted order, with their labels, sums (int64 record counts
        for ``"count"``) and record counts. An empty table gives an empty Totals.

    Raises
    ------
    UnknownNameError
        For an unknown measure or grouping field; the message lists the valid names.
    ValidationError
        For ``"month"`` or ``"quarter"`` without ``"year"``; for missing values with
        ``missing="error"``; for a total too large for a float64, or an integer total beyond
        2**53, naming the measure and the group.

    Notes
    -----
    The groups' codes combine into one mixed-radix key,
    $k = (c_1 R_2 + c_2) R_3 + c_3$, in the narrowest integer type; ``np.bincount``
    counts the records per key, and only keys with at least one record are kept. Each
    group's sum is exact: the values are cut into integer digits on a grid shared by all
    rows, summed per group without rounding, and the exact sum (a Python integer per group)
    is rounded once to float64. So a total is the correctly rounded sum of its values
    (what `math.fsum` gives), whatever the order of the rows, and merged partials equal
    the total of all rows to the last bit. See the documentation page "Aggregating tables".

    Examples
    --------
    >>> import datetime as dt
    >>> from narcometrics import Seizure, SeizureTable
    >>> from narcometrics.aggregate import total
    >>> table = SeizureTable.from_records([
    ...     Seizure(date=dt.date(2016, 5, 2), country="PER", substance="crack", mass_kg=2.5),
    ...     Seizure(date=dt.date(2017, 1, 9), country="PER", substance="crack", mass_kg=4.0),
    ...     Seizure(date=dt.date(2017, 8, 1), country="BOL", substance="crack", mass_kg=1.0),
    ... ])
    >>> total(table, "mass_kg", by=("year", "country")).to_dict()
    {(2016, 'PER'): 2.5, (2017, 'BOL'): 1.0, (2017, 'PER'): 4.0}
    >>> total(table, "count", by="year").to_dict()
    {(2016,): 1, (2017,): 2}
    """
    fields = _by(table, by)
    weights, keep = _weights(table, measure, missing)
    name = type(table).__name__
    id_column = table.column("id") if "id" in table.field_names() else None
    ids = id_column if isinstance(id_column, Categorical) else None
    if len(table) == 0:
        return Totals.empty(by=fields, measure=measure, table=name, ids=ids)
    columns = [_field(table, f) for f in fields]
    codes = [c for c, _, _ in columns]
    levels = [lv for _, lv, _ in columns]
    radices = [len(lv) for lv in levels]
    offsets = [o for _, _, o in columns]
    key, rows, group_codes, select, fixed = _group_rows(
        codes, offsets, radices, len(table), weights if keep is None else None
    )
    exact: NDArray[np.object_] | LevelSums | None = None
    scale = FLOAT_SCALE
    if weights is not None:

        def describe(i: int) -> object:
            labels = tuple(
                lv[c[i]].item() if hasattr(lv[c[i]], "item") else lv[c[i]]
                for lv, c in zip(levels, group_codes, strict=True)
            )
            return dict(zip(fields, labels, strict=True)) if fields else "(all records)"

        counts = rows if keep is None else np.bincount(key[keep], minlength=len(rows))
        if fixed is None:
            values, exact, scale = _group_sums(key, rows, weights, measure, describe, select)
        else:
            exact, scale = fixed
            values = exact_values(measure, scale, exact, describe)
        if select is not None:
            counts = counts[select]
        values[counts == 0] = np.nan
    else:
        values = counts = rows if select is None else rows[select]
    return Totals.canonical(
        by=fields,
        measure=measure,
        table=name,
        levels=levels,
        codes=group_codes,
        values=values,
        counts=counts.astype(np.int64),
        exact=exact,
        scale=scale,
        ids=ids,
    )

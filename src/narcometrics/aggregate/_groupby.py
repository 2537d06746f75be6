"""total(): one pass of integer arithmetic and two bincounts over the table's codes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from narcometrics.aggregate._exact import FLOAT_SCALE, INT_SCALE, float_sums_scaled, int_sums
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
    one_pass: tuple[NDArray[np.int64], NDArray[np.object_], int] | None = None
    group_codes: list[NDArray[Any]] = []
    if not fields:
        key: NDArray[Any] = np.zeros(len(table), dtype=np.int8)
        rows = np.array([len(table)], dtype=np.int64)
    elif math.prod(radices) <= DENSE_GROUPS:
        # offset: the constant part of sum((c_i + o_i) * stride_i) for fields with missing
        strides = [math.prod(radices[i + 1 :]) for i in range(len(radices))]
        offset = sum(o * s for (_, _, o), s in zip(columns, strides, strict=True))
        key = _dense_key(codes, radices, offset)
        size = math.prod(radices)
        if size <= _ONE_PASS and weights is not None and keep is None:
            # few possible groups: count and sum in one pass, keep the groups that occur
            one_pass = _sums(key, size, weights, None, count=True)
        else:
            every = np.bincount(key, minlength=size)
            present = np.flatnonzero(every)
            rows = every[present]
            if len(present) < size:  # number the groups that occur: 0 .. n_groups - 1
                lookup = np.zeros(size, dtype=code_dtype(len(present)))
                lookup[present] = np.arange(len(present))
                key = lookup[key]
    elif max(radices) <= _bitmap_limit(len(table)):
        # many possible groups: number the keys that occur with a bitmap (linear, no sort)
        offsets = [o for _, _, o in columns]
        key, group_codes = _fold(codes, offsets, radices, _bitmap_limit(len(table)))
        rows = np.bincount(key, minlength=len(group_codes[0]))
    else:
        shifted = [c.astype(np.intp) + o for c, (_, _, o) in zip(codes, columns, strict=True)]
        key, group_codes = group(shifted, radices)
        rows = np.bincount(key, minlength=len(group_codes[0]))
    exact: NDArray[np.object_] | None = None
    scale = FLOAT_SCALE
    if one_pass is not None:
        every, exact, scale = one_pass
        present = np.flatnonzero(every)
        rows, exact = every[present], exact[present]
    if fields and len(group_codes) != len(fields):
        group_codes = list(np.unravel_index(present, radices))
    counts = rows
    if weights is not None:
        if exact is None:
            largest = int(rows.max()) if len(rows) else 0
            known, exact, scale = _sums(
                key, len(rows), weights, keep, count=keep is not None, max_rows=largest
            )
            if keep is not None:
                counts = known

        def describe(i: int) -> object:
            labels = tuple(
                lv[c[i]].item() if hasattr(lv[c[i]], "item") else lv[c[i]]
                for lv, c in zip(levels, group_codes, strict=True)
            )
            return dict(zip(fields, labels, strict=True)) if fields else "(all records)"

        values: NDArray[Any] = exact_values(measure, scale, exact, describe)
        values[counts == 0] = np.nan
    else:
        values = rows
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

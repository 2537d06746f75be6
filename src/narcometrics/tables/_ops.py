"""Whole-column operations of the tables, by field spec: the column of a left-out field,
a column from record values, and taking, concatenating, comparing and sizing columns."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from numpy.typing import NDArray

from narcometrics._fields import FieldSpec
from narcometrics.tables._columns import (
    MISSING_CODE,
    Categorical,
    Ragged,
    code_dtype,
    concat_categoricals,
    concat_ragged,
    object_array,
    readonly,
)
from narcometrics.tables._validate import Column

__all__ = ["concat", "default", "equal", "from_values", "nbytes", "take"]


def _empty_labels(spec: FieldSpec) -> NDArray[np.object_]:
    return object_array([] if spec.enum is None else [m.value for m in spec.enum])


def default(spec: FieldSpec, n: int) -> Column:
    """The column of a left-out field: the record's default in every row."""
    if spec.categorical:
        labels = _empty_labels(spec)
        return Categorical.trusted(
            readonly(np.full(n, MISSING_CODE, dtype=code_dtype(len(labels)))), labels
        )
    if spec.kind == "float":
        return readonly(np.full(n, np.nan))
    if spec.kind == "count":
        zeros = readonly(np.zeros(n, dtype=np.int64))
        if spec.optional:
            return np.ma.MaskedArray(zeros, mask=readonly(np.ones(n, dtype=np.bool_)))
        return zeros
    offsets = readonly(np.zeros(n + 1, dtype=np.int64))
    if spec.kind == "texts":
        return Ragged.trusted(Categorical.trusted(np.zeros(0, np.int8), object_array([])), offsets)
    return Ragged.trusted(readonly(np.zeros(0)), offsets)


def from_values(spec: FieldSpec, values: list[Any]) -> Column:
    """A column from the (already validated) field values of records."""
    n = len(values)
    if spec.kind == "date":
        return readonly(np.array(values, dtype="datetime64[D]").reshape(n))
    if spec.enum is not None:
        position = {member: i for i, member in enumerate(spec.enum)}
        labels = _empty_labels(spec)
        codes = np.fromiter(
            (MISSING_CODE if v is None else position[v] for v in values),
            dtype=code_dtype(len(labels)),
            count=n,
        )
        return Categorical.trusted(readonly(codes), labels)
    if spec.categorical:
        return Categorical.encode(values)
    if spec.kind == "float":
        return readonly(np.array([np.nan if v is None else v for v in values], dtype=np.float64))
    if spec.kind == "count":
        data = np.array([0 if v is None else v for v in values], dtype=np.int64)
        if not spec.optional:
            return readonly(data)
        mask = np.array([v is None for v in values], dtype=np.bool_)
        return np.ma.MaskedArray(readonly(data), mask=readonly(mask))
    rows = [() if v is None else v for v in values]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=offsets[1:])
    flat = itertools.chain.from_iterable(rows)
    if spec.kind == "texts":
        return Ragged.trusted(Categorical.encode(flat), readonly(offsets))
    return Ragged.trusted(
        readonly(np.fromiter(flat, dtype=np.float64, count=int(offsets[-1]))), readonly(offsets)
    )


def take(col: Column, rows: slice | NDArray[np.intp]) -> Column:
    if isinstance(col, (Categorical, Ragged)):
        return col.take(rows)
    if isinstance(col, np.ma.MaskedArray):
        return np.ma.MaskedArray(
            readonly(np.array(col.data[rows])), mask=readonly(np.ma.getmaskarray(col)[rows])
        )
    return readonly(np.array(col[rows]))


def concat(parts: list[Column]) -> Column:
    first = parts[0]
    if isinstance(first, Categorical):
        return concat_categoricals(parts)  # type: ignore[arg-type]
    if isinstance(first, Ragged):
        return concat_ragged(parts)  # type: ignore[arg-type]
    if isinstance(first, np.ma.MaskedArray):
        return np.ma.MaskedArray(
            readonly(np.concatenate([p.data for p in parts])),  # type: ignore[union-attr]
            mask=readonly(np.concatenate([np.ma.getmaskarray(p) for p in parts])),  # type: ignore[arg-type]
        )
    return readonly(np.concatenate(parts))  # type: ignore[arg-type]


def equal(a: Column, b: Column) -> bool:
    if isinstance(a, Categorical):
        return a.equals(b)
    if isinstance(a, Ragged):
        return a == b
    if isinstance(a, np.ma.MaskedArray):
        assert isinstance(b, np.ma.MaskedArray)
        return bool(np.array_equal(a.mask, b.mask) and np.array_equal(a.data, b.data))
    assert isinstance(b, np.ndarray)
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


def nbytes(col: Column) -> int:
    if isinstance(col, np.ma.MaskedArray):
        return int(col.data.nbytes + np.ma.getmaskarray(col).nbytes)
    return int(col.nbytes)

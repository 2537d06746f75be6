"""Write a table's columns as a pandas, polars or pyarrow dataframe (imported lazily)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from narcometrics._frame import BACKENDS, check_backend
from narcometrics.tables._columns import Categorical, Ragged
from narcometrics.tables._schema import FieldSpec

__all__ = ["BACKENDS", "to_frame"]


def to_frame(schema: Sequence[FieldSpec], columns: Mapping[str, Any], backend: object) -> Any:
    """Build the dataframe of ``backend`` from a table's columns (natively: narwhals does not
    build categoricals, masked integers or lists from plain columns)."""
    writer = {"pandas": _pandas, "polars": _polars, "pyarrow": _arrow}[check_backend(backend)]
    return writer(schema, columns)


def _rows(col: Ragged, optional: bool) -> list[tuple[Any, ...] | None]:
    """Per-row tuples (None for a missing optional row): ragged data as Python objects."""
    rows: list[tuple[Any, ...] | None] = [col.row(i) for i in range(len(col))]
    if optional:
        rows = [row if row else None for row in rows]
    return rows


def _pandas(schema: Sequence[FieldSpec], columns: Mapping[str, Any]) -> Any:
    import pandas as pd  # type: ignore[import-untyped]

    data: dict[str, Any] = {}
    for spec in schema:
        col = columns[spec.name]
        if spec.kind == "date":
            data[spec.name] = pd.Series(col.astype("datetime64[s]"), copy=False)
        elif isinstance(col, Categorical):
            categories = pd.Index(col.labels.tolist(), dtype="str")
            data[spec.name] = pd.Categorical.from_codes(col.codes, categories=categories)
        elif isinstance(col, Ragged):
            rows = np.empty(len(col), dtype=object)
            rows[:] = _rows(col, spec.optional)
            data[spec.name] = rows
        elif isinstance(col, np.ma.MaskedArray):
            data[spec.name] = pd.arrays.IntegerArray(
                np.array(col.data), np.array(np.ma.getmaskarray(col))
            )
        else:
            data[spec.name] = np.array(col)
    return pd.DataFrame(data)


def _polars(schema: Sequence[FieldSpec], columns: Mapping[str, Any]) -> Any:
    import polars as pl

    data: list[Any] = []
    for spec in schema:
        col = columns[spec.name]
        name = spec.name
        if isinstance(col, Categorical):
            labels = col.labels.tolist()
            codes = pl.Series(name, col.codes).cast(pl.UInt32, strict=False)  # -1 -> null
            data.append(pl.Series(name, labels, dtype=pl.Enum(labels)).gather(codes))
        elif isinstance(col, Ragged):
            inner = pl.String if spec.kind == "texts" else pl.Float64
            rows = [None if r is None else list(r) for r in _rows(col, spec.optional)]
            data.append(pl.Series(name, rows, dtype=pl.List(inner)))
        elif isinstance(col, np.ma.MaskedArray):
            series = pl.Series(name, np.array(col.data))
            mask = pl.Series(np.ma.getmaskarray(col))
            data.append(pl.select(pl.when(mask).then(None).otherwise(series).alias(name))[name])
        elif spec.kind == "float":
            data.append(pl.Series(name, np.array(col), nan_to_null=spec.optional))
        else:
            data.append(pl.Series(name, np.array(col)))
    return pl.DataFrame(data)


def _arrow(schema: Sequence[FieldSpec], columns: Mapping[str, Any]) -> Any:
    import pyarrow as pa

    data: dict[str, Any] = {}
    for spec in schema:
        col = columns[spec.name]
        if isinstance(col, Categorical):
            data[spec.name] = _arrow_dictionary(col)
        elif isinstance(col, Ragged):
            lengths = col.lengths
            mask = pa.array(lengths == 0) if spec.optional else None
            if isinstance(col.values, Categorical):
                items = pa.array(col.values.to_list(), type=pa.string())
            else:
                items = pa.array(np.asarray(col.values))
            data[spec.name] = pa.ListArray.from_arrays(
                pa.array(col.offsets.astype(np.int32)), items, mask=mask
            )
        elif isinstance(col, np.ma.MaskedArray):
            data[spec.name] = pa.array(np.array(col.data), mask=np.ma.getmaskarray(col))
        elif spec.kind == "float":
            data[spec.name] = pa.array(col, mask=np.isnan(col) if spec.optional else None)
        else:
            data[spec.name] = pa.array(col)
    return pa.table(data)


def _arrow_dictionary(col: Categorical) -> Any:
    import pyarrow as pa

    indices = pa.array(col.codes, mask=col.codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(col.labels.tolist(), type=pa.string()))

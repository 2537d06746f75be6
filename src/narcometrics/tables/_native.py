"""Backend-specific fast paths narwhals has no API for: categorical codes and list columns.

Categorical codes are taken from the backend's own encoding (pandas categorical codes,
polars enum physical values, arrow dictionary indices) or computed by the backend's hash
factorisation, never through one Python object per row. Other backends fall back to
``to_list`` (correct, slower).
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import numpy as np
from numpy.typing import NDArray

from narcometrics.tables._columns import MISSING_CODE, Codes, Labels, code_dtype, object_array


def encode_series(series: nw.Series[Any]) -> tuple[Codes, Labels]:
    """Codes (``-1`` for null, owned, narrowest type) and labels of a string-like series."""
    impl = series.implementation
    native = series.to_native()
    if impl.is_pandas():
        codes, labels = _pandas_codes(native)
    elif impl.is_polars():
        codes, labels = _polars_codes(native)
    elif impl.is_pyarrow():
        codes, labels = _arrow_codes(native)
    else:
        index: dict[object, int] = {}
        values = series.to_list()
        codes = np.array(
            [MISSING_CODE if v is None else index.setdefault(v, len(index)) for v in values],
            dtype=np.int64,
        )
        labels = object_array(index)
    return codes.astype(code_dtype(len(labels))), labels


def _pandas_codes(native: Any) -> tuple[NDArray[Any], Labels]:
    import pandas as pd  # type: ignore[import-untyped]

    if isinstance(native.dtype, pd.CategoricalDtype):
        return np.asarray(native.cat.codes.to_numpy()), object_array(native.cat.categories.tolist())
    codes, uniques = pd.factorize(native, use_na_sentinel=True)
    return np.asarray(codes), object_array(list(uniques))


def _polars_codes(native: Any) -> tuple[NDArray[Any], Labels]:
    import polars as pl

    if isinstance(native.dtype, pl.Enum):
        enum = native
        labels = list(native.dtype.categories)
    else:
        strings = native.cast(pl.String)
        labels = strings.unique(maintain_order=True).drop_nulls().to_list()
        enum = strings.cast(pl.Enum(labels))
    codes = enum.to_physical().cast(pl.Int64).fill_null(MISSING_CODE).to_numpy()
    return np.asarray(codes), object_array(labels)


def _arrow_codes(native: Any) -> tuple[NDArray[Any], Labels]:
    import pyarrow as pa
    import pyarrow.compute as pc

    array = native
    if pa.types.is_dictionary(array.type):
        if isinstance(array, pa.ChunkedArray):
            array = array.unify_dictionaries().combine_chunks()
        dictionary = array.dictionary
        if dictionary.null_count == 0 and len(pc.unique(dictionary)) == len(dictionary):
            # Already codes plus unique labels (as pyarrow's CSV reader and encoders make).
            codes = pc.fill_null(array.indices, MISSING_CODE).to_numpy(zero_copy_only=False)
            return np.asarray(codes), object_array(dictionary.to_pylist())
        array = array.cast(array.type.value_type)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = pc.dictionary_encode(array)
    codes = pc.fill_null(encoded.indices, MISSING_CODE).to_numpy(zero_copy_only=False)
    return np.asarray(codes), object_array(encoded.dictionary.to_pylist())


def explode_list(
    series: nw.Series[Any],
) -> tuple[NDArray[np.int64], NDArray[np.bool_], nw.Series[Any]]:
    """Row lengths, null rows and the flat items of a list series."""
    lengths_series = series.list.len()
    null = np.asarray(lengths_series.is_null().to_numpy(), dtype=np.bool_)
    lengths = np.asarray(lengths_series.fill_null(0).to_numpy(), dtype=np.int64)
    if series.implementation.is_pyarrow():
        import pyarrow.compute as pc

        flat = nw.from_native(pc.list_flatten(series.to_native()), series_only=True)
        return lengths, null, flat
    exploded = series.to_frame().explode(series.name).get_column(series.name)
    keep = np.repeat(lengths > 0, np.maximum(lengths, 1))
    return lengths, null, exploded.filter(keep)

"""Read one column of user input into numpy form, ready for validation.

Accepted inputs: numpy arrays, numpy masked arrays (mask = missing), Python sequences,
[`Categorical`][narcometrics.tables.Categorical] and [`Ragged`][narcometrics.tables.Ragged], and any
dataframe series narwhals supports (pandas, polars, pyarrow). Arrays and series are read
column-wise, with no Python object per row; Python sequences are already one object per
row, so they are checked item by item with the records' scalar checks. A column of the
wrong type is reported as a whole; nothing is coerced that the records would refuse.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs
import numpy as np
from numpy.typing import NDArray

from narcometrics import _checks as c
from narcometrics._fields import FieldSpec
from narcometrics.errors import Problem
from narcometrics.tables._columns import (
    MISSING_CODE,
    Categorical,
    Ragged,
    code_dtype,
    object_array,
)
from narcometrics.tables._validate import (
    Mask,
    NullMask,
    Problems,
    at,
    at_item,
    check_counts,
    check_dates,
    check_floats,
    required,
    scalar_problem,
)

if TYPE_CHECKING:
    import narwhals as nw


@attrs.frozen
class Raw:
    """A column read into numpy form: ``data`` plus which rows were null.

    Attributes
    ----------
    data : numpy.ndarray, Categorical or Ragged
        Dates as datetime64 (NaT for null), floats as owned float64 (NaN for null), counts
        as owned int64 (0 for null), categoricals with code -1 for null, ragged rows
        empty for null.
    null : numpy.ndarray of bool, callable or None
        The null rows (a callable computes them only when a message needs them).
    owned : bool
        Whether ``data`` is a date array nobody else holds (a reader's own), which the
        table may keep without the copy it makes of any other date array.
    """

    data: Any
    null: NullMask = None
    owned: bool = False


def _kind_words(spec: FieldSpec) -> str:
    return {
        "date": "dates",
        "country": "strings",
        "enum": "strings",
        "text": "strings",
        "float": "real numbers",
        "count": "integer counts",
        "floats": "sequences of real numbers",
        "texts": "sequences of strings",
    }[spec.kind]


def _wrong_type(spec: FieldSpec, problems: Problems, dtype: object, hint: str = "") -> None:
    problems.column(spec.name, f"must be a column of {_kind_words(spec)}, not {dtype}{hint}")


def read_input(spec: FieldSpec, value: object, problems: Problems) -> Raw | None:
    """Read a ``from_columns`` argument."""
    if isinstance(value, Categorical):
        if spec.categorical:
            return Raw(value)
        _wrong_type(spec, problems, "Categorical")
        return None
    if isinstance(value, Ragged):
        if spec.kind == "floats" and not isinstance(value.values, Categorical):
            return Raw(value)
        if spec.kind == "texts" and isinstance(value.values, Categorical):
            return Raw(value)
        _wrong_type(spec, problems, "this Ragged")
        return None
    if isinstance(value, np.ma.MaskedArray):
        return read_numpy(spec, np.asarray(value.data), np.ma.getmaskarray(value), problems)
    if isinstance(value, np.ndarray):
        return read_numpy(spec, value, None, problems)
    if isinstance(value, (list, tuple)):
        return read_objects(spec, value, problems)
    import narwhals as nw  # imported on first use: 40 ms of start-up

    try:
        series = nw.from_native(value, series_only=True)  # type: ignore[call-overload]
    except TypeError:
        problems.column(
            spec.name,
            f"must be a numpy array, a sequence or a dataframe series, not {type(value).__name__}",
        )
        return None
    return read_series(spec, series, problems)


def read_numpy(
    spec: FieldSpec, array: NDArray[Any], null: Mask | None, problems: Problems
) -> Raw | None:
    """Read a 1-D numpy array (``null``: rows to treat as missing)."""
    if array.ndim != 1:
        problems.column(spec.name, f"must be one-dimensional, not of shape {array.shape}")
        return None
    if array.dtype.kind == "O":
        values = array.tolist()
        if null is not None:
            values = [None if m else v for v, m in zip(values, null.tolist(), strict=True)]
        return read_objects(spec, values, problems)
    reader = _NUMPY_READERS.get(spec.kind)
    raw = False if reader is None else reader(spec, array, null, problems)
    if raw is False:
        hint = ""
        if spec.kind == "count" and array.dtype.kind == "f":
            hint = " (use an integer type, or a masked array for missing values)"
        _wrong_type(spec, problems, array.dtype, hint)
        return None
    return raw


def _numpy_dates(
    spec: FieldSpec, array: NDArray[Any], null: Mask | None, problems: Problems
) -> Raw | Literal[False] | None:
    if array.dtype.kind != "M":
        return False
    if null is None:
        return Raw(array)  # check_dates computes new arrays from it
    data = array.copy()
    data[null] = np.datetime64("NaT")
    return Raw(data)


def _numpy_labels(
    spec: FieldSpec, array: NDArray[Any], null: Mask | None, problems: Problems
) -> Raw | Literal[False] | None:
    if array.dtype.kind not in "UT":
        return False
    uniques, inverse = np.unique(array, return_inverse=True)
    codes = inverse.astype(code_dtype(len(uniques)))
    if null is not None:
        codes[null] = MISSING_CODE
    return Raw(Categorical.trusted(codes, object_array(uniques.tolist())))


def _numpy_floats(
    spec: FieldSpec, array: NDArray[Any], null: Mask | None, problems: Problems
) -> Raw | Literal[False] | None:
    if array.dtype.kind not in "fiu":
        return False
    with np.errstate(over="ignore"):  # beyond float64 (long double): inf, refused
        data = np.array(array, dtype=np.float64)
    if null is not None:
        data[null] = np.nan
    return Raw(data, null)


def _numpy_counts(
    spec: FieldSpec, array: NDArray[Any], null: Mask | None, problems: Problems
) -> Raw | Literal[False] | None:
    kind = array.dtype.kind
    if kind not in "iu":
        return False
    if kind == "u" and array.size and array.max() > c.MAX_COUNT:
        beyond = array > c.MAX_COUNT
        if null is not None:
            beyond &= ~null
        if beyond.any():
            problems.rows(
                np.flatnonzero(beyond),
                lambda row: at(scalar_problem(spec.check, spec.name, int(array[row])), row),
            )
            return None
    data = np.array(array, dtype=np.int64)
    if null is not None:
        data[null] = 0
    return Raw(data, null)


NumpyReader: TypeAlias = Callable[
    [FieldSpec, NDArray[Any], Mask | None, Problems], Raw | Literal[False] | None
]
#: The reader of a typed numpy array, by kind of field (ragged fields have none).
_NUMPY_READERS: dict[str, NumpyReader] = {
    "date": _numpy_dates,
    "country": _numpy_labels,
    "enum": _numpy_labels,
    "text": _numpy_labels,
    "float": _numpy_floats,
    "count": _numpy_counts,
}


def read_objects(spec: FieldSpec, values: Sequence[object], problems: Problems) -> Raw | None:
    """Read a sequence of Python objects, checking each item like a record field."""
    if spec.categorical:
        return _encode_objects(spec, values, problems)
    if spec.kind in ("floats", "texts"):
        return _read_ragged_objects(spec, values, problems)
    null = np.array([v is None for v in values], dtype=np.bool_)
    data, bad = _OBJECT_READERS[spec.kind](spec, values)
    if bad:
        problems.extend([at(problem, row) for row, problem in bad])
        _check_the_others(spec, data, null, [row for row, _ in bad], problems)
        return None
    if spec.kind == "date" and null.any():
        problems.rows(np.flatnonzero(null), lambda row: required(spec.name, row))
        return None
    return Raw(data, null if null.any() else None)


def _check_the_others(
    spec: FieldSpec, data: NDArray[Any], null: Mask, refused: list[int], problems: Problems
) -> None:
    """The problems of the values read from the rows not ``refused`` (wrong types), as if
    those rows were the whole column: one error then lists every problem of the column."""
    keep = np.setdiff1d(np.arange(len(data)), np.asarray(refused, dtype=np.intp))
    found = Problems()
    part, part_null = data[keep], null[keep]
    nulls = part_null if part_null.any() else None
    if spec.kind == "date":
        if nulls is not None:
            found.rows(np.flatnonzero(nulls), lambda row: required(spec.name, row))
        else:
            check_dates(spec, part, found)
    elif spec.kind == "float":
        check_floats(spec, part, nulls, found)
    else:
        check_counts(spec, part, nulls, found)
    problems.extend(
        [p if p.row is None else at(p, int(keep[p.row])) for p in found.items],
        truncated=found.truncated,
    )


Bad: TypeAlias = list[tuple[int, Problem]]


def _date_objects(spec: FieldSpec, values: Sequence[object]) -> tuple[NDArray[Any], Bad]:
    dates: list[object] = []
    bad: Bad = []
    for i, v in enumerate(values):
        if v is not None and type(v) is not _dt.date:
            bad.append((i, scalar_problem(c.check_date, spec.name, v)))
            v = None
        dates.append(v)
    return np.array(dates, dtype="datetime64[D]"), bad


def _float_objects(spec: FieldSpec, values: Sequence[object]) -> tuple[NDArray[Any], Bad]:
    data = np.full(len(values), np.nan)
    bad: Bad = []
    for i, v in enumerate(values):
        if v is None:
            continue
        if c.is_real(v) and _fits_float(v):
            data[i] = float(v)  # type: ignore[arg-type]
        else:
            bad.append((i, scalar_problem(c.check_real, spec.name, v)))
    return data, bad


def _count_objects(spec: FieldSpec, values: Sequence[object]) -> tuple[NDArray[Any], Bad]:
    data = np.zeros(len(values), dtype=np.int64)
    bad: Bad = []
    for i, v in enumerate(values):
        if v is None:
            continue
        if c.is_integer(v) and abs(int(v)) <= c.MAX_COUNT:  # type: ignore[call-overload]
            data[i] = int(v)  # type: ignore[call-overload]
        else:
            bad.append((i, scalar_problem(spec.check, spec.name, v)))
    return data, bad


#: The item-by-item reader of a sequence of Python objects, by kind of (scalar) field.
_OBJECT_READERS: dict[str, Callable[[FieldSpec, Sequence[object]], tuple[NDArray[Any], Bad]]] = {
    "date": _date_objects,
    "float": _float_objects,
    "count": _count_objects,
}


def _fits_float(value: object) -> bool:
    """Whether a real number converts to a float (``10**400`` does not)."""
    try:
        float(value)  # type: ignore[arg-type]
    except OverflowError:
        return False
    return True


def _encode_objects(spec: FieldSpec, values: Sequence[object], problems: Problems) -> Raw | None:
    index: dict[Hashable, int] = {}
    codes = np.empty(len(values), dtype=np.int64)
    unhashable: list[int] = []
    for i, v in enumerate(values):
        if v is None:
            codes[i] = MISSING_CODE
        elif isinstance(v, Hashable):
            codes[i] = index.setdefault(v, len(index))
        else:
            unhashable.append(i)
    if unhashable:  # refused with the record's words (the items of a list of texts are texts)
        check = spec.validate if spec.categorical else c.check_text
        problems.extend([at(scalar_problem(check, spec.name, values[i]), i) for i in unhashable])
        return None
    labels = object_array(index)
    return Raw(Categorical.trusted(codes.astype(code_dtype(len(labels))), labels))


def _read_ragged_objects(
    spec: FieldSpec, values: Sequence[object], problems: Problems
) -> Raw | None:
    name = spec.name
    lengths = np.zeros(len(values), dtype=np.int64)
    null = np.zeros(len(values), dtype=np.bool_)
    items: list[object] = []
    bad: list[Any] = []
    words = "real numbers" if spec.kind == "floats" else "strings"
    for i, row in enumerate(values):
        if row is None:
            null[i] = True
            continue
        if isinstance(row, np.ndarray):
            row = row.tolist()
        if not isinstance(row, (list, tuple)):
            problem = f"must be a sequence of {words}, not {type(row).__name__}"
            bad.append(Problem(field=name, problem=problem, value=row, row=i))
            continue
        if spec.kind == "floats":
            for k, item in enumerate(row):
                if not (c.is_real(item) and _fits_float(item)):
                    bad.append(at(scalar_problem(c.check_real, f"{name}[{k}]", item), i))
        lengths[i] = len(row)
        items.extend(row)
    if bad:
        problems.extend(bad)
        return None
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if spec.kind == "floats":
        flat: Any = np.array(items, dtype=np.float64)
    else:
        local = Problems()
        encoded = _encode_objects(spec, items, local)
        if encoded is None:  # problems found at a flat item: at its row and index
            problems.extend([at_item(p, offsets) for p in local.items], truncated=local.truncated)
            return None
        flat = encoded.data
    return Raw(Ragged.trusted(flat, offsets), null)


# ----------------------------------------------------------------------------- series


def _integer_types() -> tuple[Any, ...]:
    import narwhals as nw

    return (nw.Int8, nw.Int16, nw.Int32, nw.Int64, nw.UInt8, nw.UInt16, nw.UInt32, nw.UInt64)


def _float_types() -> tuple[Any, ...]:
    import narwhals as nw

    return (nw.Float32, nw.Float64)


def _date_values(series: nw.Series[Any]) -> NDArray[Any]:
    """A date column as datetime64 without a Python object per row.

    pandas hands Arrow-backed dates (how Parquet dates arrive through pandas and Dask) to
    numpy as one ``datetime.date`` per row; Arrow's own cast to a timestamp is exact (every
    date is a whole day) and keeps nulls as NaT.
    """
    native = series.to_native()
    if series.implementation.is_pandas() and hasattr(native.dtype, "pyarrow_dtype"):
        import pyarrow as pa

        stamps = pa.array(native).cast(pa.timestamp("s"))
        return np.asarray(stamps.to_numpy(zero_copy_only=False))
    return np.asarray(series.to_numpy())


def read_series(spec: FieldSpec, series: nw.Series[Any], problems: Problems) -> Raw | None:
    """Read a narwhals series (a dataframe column) of any supported backend."""
    import narwhals as nw

    if series.dtype == nw.Object:
        return _object_series(spec, series, problems)
    read = _SERIES_READERS.get(spec.kind)
    raw = False if read is None else read(spec, series, problems)
    if raw is not False:
        return raw
    if series.null_count() == len(series):  # no value to be of the wrong type
        return all_null(spec, len(series))
    _wrong_type(spec, problems, series.dtype)
    return None


def _object_series(spec: FieldSpec, series: nw.Series[Any], problems: Problems) -> Raw | None:
    """A column of Python objects: pandas factorises labels; the rest item by item."""
    from narcometrics.tables._native import encode_series

    if spec.categorical and series.implementation.is_pandas():
        try:  # pandas' own factorisation: None and NaN are missing
            codes, labels = encode_series(series)
        except TypeError:  # unhashable items: checked one by one below
            pass
        else:
            return Raw(Categorical.trusted(codes, labels))
    return read_numpy(spec, series.to_numpy(), None, problems)


def _series_dates(
    spec: FieldSpec, series: nw.Series[Any], problems: Problems
) -> Raw | Literal[False] | None:
    import narwhals as nw

    dtype = series.dtype
    if dtype == nw.Date:
        return read_numpy(spec, _date_values(series), None, problems)
    if not isinstance(dtype, nw.Datetime):
        return False
    if dtype.time_zone is not None:
        _wrong_type(spec, problems, dtype, " (dates carry no time zone)")
        return None
    return read_numpy(spec, series.to_numpy(), None, problems)


def _series_labels(
    spec: FieldSpec, series: nw.Series[Any], problems: Problems
) -> Raw | Literal[False] | None:
    import narwhals as nw

    from narcometrics.tables._native import encode_series

    dtype = series.dtype
    if not (dtype in (nw.String, nw.Categorical) or isinstance(dtype, nw.Enum)):
        return False
    codes, labels = encode_series(series)
    return Raw(Categorical.trusted(codes, labels))


def _series_floats(
    spec: FieldSpec, series: nw.Series[Any], problems: Problems
) -> Raw | Literal[False] | None:
    if not isinstance(series.dtype, (*_float_types(), *_integer_types())):
        return False
    data = np.array(series.to_numpy(), dtype=np.float64)
    return Raw(data, lambda: np.asarray(series.is_null().to_numpy(), dtype=np.bool_))


def _series_counts(
    spec: FieldSpec, series: nw.Series[Any], problems: Problems
) -> Raw | Literal[False] | None:
    dtype = series.dtype
    if isinstance(dtype, _float_types()):
        _wrong_type(spec, problems, dtype, " (use a nullable integer type for missing values)")
        return None
    if not isinstance(dtype, _integer_types()):
        return False
    null = None
    if series.null_count():
        null = np.asarray(series.is_null().to_numpy(), dtype=np.bool_)
        series = series.fill_null(0)
    return read_numpy(spec, series.to_numpy(), null, problems)


def all_null(spec: FieldSpec, n: int) -> Raw:
    """A column with no value in any row (e.g. a pandas column of only None)."""
    null = np.ones(n, dtype=np.bool_)
    if spec.kind == "date":
        return Raw(np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"))
    if spec.categorical:
        return Raw(Categorical.trusted(np.full(n, MISSING_CODE, np.int8), object_array([])))
    if spec.kind == "float":
        return Raw(np.full(n, np.nan), null)
    if spec.kind == "count":
        return Raw(np.zeros(n, dtype=np.int64), null)
    offsets = np.zeros(n + 1, dtype=np.int64)
    if spec.kind == "texts":
        items = Categorical.trusted(np.zeros(0, np.int8), object_array([]))
        return Raw(Ragged.trusted(items, offsets), null)
    return Raw(Ragged.trusted(np.zeros(0), offsets), null)


def _series_lists(
    spec: FieldSpec, series: nw.Series[Any], problems: Problems
) -> Raw | Literal[False] | None:
    import narwhals as nw

    if not isinstance(series.dtype, nw.List):
        return False

    from narcometrics.tables._native import encode_series, explode_list

    inner = series.dtype.inner
    numeric = (*_float_types(), *_integer_types())
    wanted = numeric if spec.kind == "floats" else (nw.String, nw.Categorical)
    if not (isinstance(inner, wanted) or inner in wanted):
        _wrong_type(spec, problems, series.dtype)
        return None
    lengths, null, flat = explode_list(series)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if spec.kind == "floats":
        values: Any = np.array(flat.to_numpy(), dtype=np.float64)
        if flat.null_count():
            items = np.flatnonzero(np.asarray(flat.is_null().to_numpy(), dtype=np.bool_))
            rows = np.searchsorted(offsets, items, side="right") - 1
            problems.extend(
                [
                    at(
                        scalar_problem(c.check_real, f"{spec.name}[{int(k - offsets[r])}]", None),
                        int(r),
                    )
                    for k, r in zip(items, rows, strict=True)
                ]
            )
            return None
    else:
        codes, labels = encode_series(flat)
        values = Categorical.trusted(codes, labels)
    return Raw(Ragged.trusted(values, offsets), null)


SeriesReader: TypeAlias = Callable[
    [FieldSpec, "nw.Series[Any]", Problems], Raw | Literal[False] | None
]
#: The reader of a typed series, by kind of field.
_SERIES_READERS: dict[str, SeriesReader] = {
    "date": _series_dates,
    "country": _series_labels,
    "enum": _series_labels,
    "text": _series_labels,
    "float": _series_floats,
    "count": _series_counts,
    "floats": _series_lists,
    "texts": _series_lists,
}

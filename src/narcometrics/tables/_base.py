"""The shared machinery of the four tables: building, validating, indexing, concatenating."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Generic, Literal, Self, TypeAlias, TypeVar, overload

import numpy as np
from numpy.typing import NDArray

from narcometrics._frame import Backend
from narcometrics.errors import (
    MAX_PROBLEMS,
    Problem,
    UnknownNameError,
    ValidationError,
    WrongTypeError,
)
from narcometrics.tables import _frame, _ops
from narcometrics.tables._columns import (
    Categorical,
    Codes,
    Index,
    Ragged,
    code_dtype,
    is_row_number,
    normalise_index,
    readonly,
)
from narcometrics.tables._read import Raw, read_input, read_series
from narcometrics.tables._schema import FieldSpec
from narcometrics.tables._validate import (
    Column,
    Problems,
    check_categorical,
    check_counts,
    check_dates,
    check_floats,
    check_ragged,
)

Duplicates: TypeAlias = Literal["error", "allow"]
DUPLICATES: tuple[Duplicates, ...] = ("error", "allow")
#: How many repeated ids an error lists.
SHOWN_DUPLICATES = 10
Period: TypeAlias = Literal["year", "quarter", "month"]
PERIODS: tuple[Period, ...] = ("year", "quarter", "month")

C = TypeVar("C")
R = TypeVar("R")

#: Largest day span for which calendar fields are looked up in a per-day table.
_LOOKUP_DAYS = 1 << 22


class column(Generic[C]):
    """A typed, read-only column attribute of a table class."""

    def __init__(self) -> None:
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, table: None, owner: type) -> column[C]: ...
    @overload
    def __get__(self, table: Table[Any], owner: type) -> C: ...
    def __get__(self, table: Table[Any] | None, owner: type) -> C | column[C]:
        if table is None:
            return self
        return table._columns[self.name]  # type: ignore[return-value]


class Table(Generic[R]):
    """The shared interface of the four tables: one array per record field.

    Build a table with `from_records`, `from_columns` or `from_frame` (never with the constructor);
    read it back with iteration, indexing, `to_columns`, `to_records` or `to_frame`. ``len(table)``
    is the number of rows; ``table[i]`` is a record; ``table[rows]`` (a slice, a boolean mask or an
    integer array) is a table; ``a + b`` and [`concat`][narcometrics.tables.concat] concatenate;
    ``==`` compares values (two tables with the same records are equal whatever their codes).
    Subclasses set `record_type` and `schema`.
    """

    #: The record class of one row.
    record_type: ClassVar[type[Any]]
    #: One field spec per record field, in the record's order.
    schema: ClassVar[tuple[FieldSpec, ...]]

    __slots__ = ("_cache", "_columns", "_length")
    _cache: dict[str, Any]
    _columns: dict[str, Column]
    _length: int

    def __init__(self) -> None:
        raise TypeError(
            f"build a {type(self).__name__} with from_records, from_columns or from_frame"
        )

    # ----------------------------------------------------------------------- building

    @classmethod
    def _trusted(cls, columns: dict[str, Column], length: int) -> Self:
        self = object.__new__(cls)
        self._columns = columns
        self._length = length
        self._cache = {}
        return self

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The record fields, which are also the column names."""
        return tuple(spec.name for spec in cls.schema)

    @classmethod
    def from_columns(cls, **columns: Any) -> Self:
        """Build a table from one array (or sequence, or dataframe series) per field.

        Parameters
        ----------
        **columns
            Field name to values: numpy arrays, numpy masked arrays (mask = missing), Python
            sequences (``None`` = missing), [`Categorical`][narcometrics.tables.Categorical],
            [`Ragged`][narcometrics.tables.Ragged] or dataframe series. Fields with a record default
            may be left out; a left-out optional field (an operation count, say) is missing in
            every row, never 0. One more keyword, ``duplicates`` (``"error"``, the default,
            or ``"allow"``), says whether rows may repeat a non-empty ``id``: by default a
            repeated id is an error listing the first 10 repeated ids and their count (rows
            without an id are never compared).

        Raises
        ------
        ValidationError
            Unknown or missing columns, columns of unequal length or of the wrong type,
            every bad value (field, value, row), all in one error; repeated ids.
        """
        duplicates = columns.pop("duplicates", "error")
        _check_option(duplicates)
        problems = Problems()
        for name in columns:
            if name not in cls.field_names():
                error = UnknownNameError("column", name, cls.field_names())
                problems.extend(list(error.problems))
        raws: dict[str, Raw | None] = {}
        for spec in cls.schema:
            if spec.name in columns:
                raws[spec.name] = read_input(spec, columns[spec.name], problems)
            elif not spec.default:
                problems.column(spec.name, "is a required column and is missing")
        return cls._validated(raws, problems, duplicates=duplicates)

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        *,
        extra: Literal["error", "ignore"] = "error",
        duplicates: Duplicates = "error",
    ) -> Self:
        """Build a table from a dataframe (pandas, polars, pyarrow: anything narwhals reads).

        Columns are matched by name. A column that is not a field is an error unless
        ``extra="ignore"`` (so a misspelt optional column, say ``purty``, is never dropped without a
        word). Categorical and string columns are encoded by the dataframe library itself (pandas
        categorical codes or factorize, polars enum codes, arrow dictionary encoding); numeric and
        date columns are copied, with no Python object per row. Object columns (Python objects per
        row, e.g. ``datetime.date`` in pandas) are checked item by item. A missing required column,
        a null in a required column, a column of the wrong type and every bad value raise one
        [`ValidationError`][narcometrics.errors.ValidationError].

        Parameters
        ----------
        frame : dataframe
            An eager pandas, polars or pyarrow table (anything
            ``narwhals.from_native(frame, eager_only=True)`` accepts). Datetime columns
            must hold whole days; time zones are refused.
        extra : {"error", "ignore"}
            What to do with columns that are not fields of the record.
        duplicates : {"error", "allow"}
            Whether rows may repeat a non-empty ``id`` (see `from_columns`).
        """
        import narwhals as nw  # imported on first use: 40 ms of start-up

        try:
            df = nw.from_native(frame, eager_only=True)
        except TypeError:
            raise TypeError(
                f"from_frame needs an eager dataframe (pandas, polars, pyarrow, ...), not "
                f"{type(frame).__name__}; collect a lazy frame first"
            ) from None
        except nw.exceptions.DuplicateError:
            native = getattr(frame, "column_names", None)  # pyarrow; pandas and polars: columns
            given = [str(name) for name in (frame.columns if native is None else native)]
            repeated = sorted({name for name in given if given.count(name) > 1})
            raise ValidationError.from_problems(
                Problem(field=name, problem=f"repeated column ({given.count(name)} times)")
                for name in repeated
            ) from None
        if extra not in ("error", "ignore"):
            raise UnknownNameError("extra", str(extra), ("error", "ignore"))
        _check_option(duplicates)
        problems = Problems()
        names = set(df.columns)
        if extra == "error":
            for name in df.columns:
                if name not in cls.field_names():
                    problems.column(
                        str(name),
                        "is not a field of the record (pass extra='ignore' to leave it out); "
                        f"fields are: {', '.join(cls.field_names())}",
                    )
        raws: dict[str, Raw | None] = {}
        for spec in cls.schema:
            if spec.name in names:
                raws[spec.name] = read_series(spec, df.get_column(spec.name), problems)
            elif not spec.default:
                problems.column(spec.name, "is a required column and is missing")
        return cls._validated(raws, problems, length=len(df), duplicates=duplicates)

    @classmethod
    def _validated(
        cls,
        raws: Mapping[str, Raw | None],
        problems: Problems,
        length: int | None = None,
        *,
        duplicates: Duplicates = "error",
    ) -> Self:
        lengths = {name: len(raw.data) for name, raw in raws.items() if raw is not None}
        n = length if length is not None else max(lengths.values(), default=0)
        for name, size in lengths.items():
            if size != n:
                problems.column(name, f"has {size} rows where other columns have {n}")
        if any(p.row is None for p in problems.items):  # a whole column is wrong: stop here
            problems.raise_if_any()
        # Row problems found while reading a column leave it out (None); the other columns
        # are still checked, so that one error lists the problems of every column.
        columns: dict[str, Column] = {}
        for spec in cls.schema:
            if spec.name in raws:
                raw = raws[spec.name]
                checked = None if raw is None else _check(spec, raw, problems)
            else:  # a left-out column: its default (a required one is already a problem)
                checked = _ops.default(spec, n) if spec.default else None
            if checked is not None:
                columns[spec.name] = checked
        problems.raise_if_any()
        cls._check_rows(columns, n, problems)
        problems.raise_if_any()
        if duplicates == "error":
            check_unique_ids(columns.get("id"))
        return cls._trusted(columns, n)

    @classmethod
    def _check_rows(cls, columns: dict[str, Column], n: int, problems: Problems) -> None:
        """Cross-field rules (overridden where the record has them)."""

    @classmethod
    def from_records(cls, records: Iterable[R], *, duplicates: Duplicates = "error") -> Self:
        """Build a table from records of `record_type` (already validated).

        ``duplicates="allow"`` lets records repeat a non-empty ``id``; by default a
        repeated id is a [`ValidationError`][narcometrics.errors.ValidationError] listing the
        first 10 repeated ids and their count.
        """
        _check_option(duplicates)
        rows = list(records)
        wrong = [i for i, r in enumerate(rows) if type(r) is not cls.record_type]
        if wrong:
            name = cls.record_type.__name__
            raise WrongTypeError.from_problems(
                [
                    Problem(
                        field="records",
                        problem=f"must be {name} records, not {type(rows[i]).__name__}",
                        row=i,
                    )
                    for i in wrong[:MAX_PROBLEMS]
                ],
                truncated=len(wrong) > MAX_PROBLEMS,
            )
        columns = {
            spec.name: _ops.from_values(spec, [getattr(r, spec.name) for r in rows])
            for spec in cls.schema
        }
        if duplicates == "error":
            check_unique_ids(columns.get("id"))
        return cls._trusted(columns, len(rows))

    @classmethod
    def concat(cls, tables: Sequence[Self], *, duplicates: Duplicates = "error") -> Self:
        """Rows of ``tables`` one after the other (labels are merged and codes remapped).

        The same record in two tables is counted twice: an id found in more than one row
        of the result is an error unless ``duplicates="allow"``.
        """
        _check_option(duplicates)
        for table in tables:
            if type(table) is not cls:
                raise TypeError(f"cannot concatenate {type(table).__name__} to {cls.__name__}")
        if not tables:
            return cls.from_records([])
        if len(tables) == 1:
            return tables[0]
        columns = {
            spec.name: _ops.concat([t._columns[spec.name] for t in tables]) for spec in cls.schema
        }
        if duplicates == "error":
            check_unique_ids(columns.get("id"))
        return cls._trusted(columns, sum(len(t) for t in tables))

    # ------------------------------------------------------------------------ output

    def to_columns(self) -> dict[str, Column]:
        """Field name to column: datetime64[D] dates,
        [`Categorical`][narcometrics.tables.Categorical], float64 (NaN when missing), int64 counts
        (masked arrays where optional), [`Ragged`][narcometrics.tables.Ragged]."""
        return dict(self._columns)

    def column(self, name: str) -> Column:
        """One column by field name."""
        try:
            return self._columns[name]
        except KeyError:
            raise UnknownNameError("column", name, self.field_names()) from None

    def to_frame(self, backend: Backend = "pandas") -> Any:
        """The table as a dataframe of ``backend`` (``pandas``, ``polars`` or ``pyarrow``).

        Categorical fields become categorical/enum/dictionary columns, optional counts
        nullable integers, missing floats null (NaN in pandas), dates ``datetime64[s]``
        in pandas and date columns elsewhere. Ragged fields (training scores and ids)
        become list columns (tuples in pandas), written row by row. ``from_frame`` reads
        the result back to an equal table. The backend is imported only when asked for.
        """
        return _frame.to_frame(self.schema, self._columns, backend)

    def to_records(self) -> list[R]:
        """Every row as a record (one Python object per row)."""
        return list(self)

    def _row(self, i: int) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for spec in self.schema:
            col = self._columns[spec.name]
            if isinstance(col, Categorical):
                values[spec.name] = col[i]
            elif isinstance(col, Ragged):
                items = col.row(i)
                values[spec.name] = None if spec.optional and not items else items
            elif isinstance(col, np.ma.MaskedArray):
                values[spec.name] = None if np.ma.getmaskarray(col)[i] else int(col.data[i])
            elif spec.kind == "float":
                number = float(col[i])
                values[spec.name] = None if np.isnan(number) else number
            else:
                values[spec.name] = col[i].item()
        return values

    # ---------------------------------------------------------------- container API

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[R]:
        for i in range(self._length):
            yield self.record_type(**self._row(i))

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: Index) -> Self: ...
    def __getitem__(self, index: int | Index) -> R | Self:
        if is_row_number(index):
            if not -self._length <= index < self._length:
                raise IndexError(f"row {index} out of range for {self._length} rows")
            return self.record_type(**self._row(int(index) % self._length))  # type: ignore[no-any-return]
        rows = normalise_index(index, self._length)
        columns = {name: _ops.take(col, rows) for name, col in self._columns.items()}
        if not isinstance(rows, slice) and len(rows) > 1 and np.asarray(index).dtype != np.bool_:
            check_unique_ids(columns.get("id"))  # taking a row twice repeats its id
        length = len(range(self._length)[rows]) if isinstance(rows, slice) else len(rows)
        return self._trusted(columns, length)

    def __add__(self, other: object) -> Self:
        if type(other) is not type(self):
            return NotImplemented
        return self.concat([self, other])

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Table)
        return len(self) == len(other) and all(
            _ops.equal(self._columns[name], other._columns[name]) for name in self._columns
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.table(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: rows, columns and the first rows as a table."""
        from narcometrics import _views

        return _views.table(self).html()

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names (the record fields), as ``frame.columns`` of a dataframe."""
        return self.field_names()

    def head(self, n: int = 5) -> Self:
        """The first ``n`` rows as a table (all rows when there are fewer)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"n must be an int, not {type(n).__name__}")
        return self[: max(int(n), 0)]

    @property
    def nbytes(self) -> int:
        """Bytes held by the columns (codes, labels, values, masks) and cached periods."""
        total = sum(_ops.nbytes(col) for col in self._columns.values())
        return total + sum(int(codes.nbytes) for codes, _ in self._cache.values())

    # ------------------------------------------------------------------ aggregation

    def period_codes(self, unit: Period) -> tuple[Codes, NDArray[np.int64]]:
        """Per-row codes of the calendar ``year``, ``quarter`` or ``month``, and the levels.

        Computed once per table and cached (tables are immutable); ``levels[codes]`` is
        the year (e.g. 2017), quarter (1..4) or month (1..12) of each row.
        """
        cached = self._cache.get(unit)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        days = self._columns["date"].view(np.int64)  # type: ignore[union-attr]
        if not len(days):
            result: tuple[Codes, NDArray[np.int64]] = (
                np.zeros(0, dtype=np.int8),
                np.zeros(0, dtype=np.int64),
            )
        else:
            result = _period_codes(days, unit)
        self._cache[unit] = result
        return result


# ---------------------------------------------------------------------------- helpers


def _check_option(duplicates: object) -> None:
    if duplicates not in DUPLICATES:
        raise UnknownNameError("duplicates", str(duplicates), DUPLICATES)


def repeated_ids(ids: Iterable[object], *, row: int | None = None) -> ValidationError:
    """The error for repeated record ids: the first ten and how many there are (``row``:
    the first row that repeats an earlier id, when known)."""
    repeated = list(ids)
    shown = ", ".join(repr(i) for i in repeated[:SHOWN_DUPLICATES])
    more = f" (first {SHOWN_DUPLICATES} shown)" if len(repeated) > SHOWN_DUPLICATES else ""
    return ValidationError(
        "id",
        f"{len(repeated)} ids occur in more than one record{more}: {shown}; the same record "
        "counted twice inflates every total (pass duplicates='allow' if the repeats are "
        "distinct records)",
        row=row,
    )


def check_unique_ids(col: Column | None) -> None:
    """Raise a ValidationError when a non-empty id occurs in more than one row."""
    if not isinstance(col, Categorical) or len(col) < 2 or not len(col.labels):
        return
    codes = col.codes
    present = codes[codes >= 0] if col.has_missing else codes
    counts = np.bincount(present.astype(np.intp, copy=False), minlength=len(col.labels))
    repeated = np.flatnonzero(counts > 1)
    if repeated.size:
        order = np.argsort(codes, kind="stable")
        ordered = codes[order]
        again = order[1:][(ordered[1:] == ordered[:-1]) & (ordered[1:] >= 0)]
        raise repeated_ids(col.labels[repeated].tolist(), row=int(again.min()))


def _check(spec: FieldSpec, raw: Raw, problems: Problems) -> Column | None:
    if spec.kind == "date":
        if not isinstance(raw.data, np.ndarray) or raw.data.dtype.kind != "M":
            problems.column(spec.name, "must be a column of dates")
            return None
        return check_dates(spec, raw.data, problems, owned=raw.owned)
    if spec.categorical:
        return check_categorical(spec, raw.data, problems)
    if spec.kind == "float":
        return check_floats(spec, raw.data, raw.null, problems)
    if spec.kind == "count":
        return check_counts(spec, raw.data, raw.null, problems)
    return check_ragged(spec, raw.data, raw.null, problems)


def _period_codes(days: NDArray[np.int64], unit: Period) -> tuple[Codes, NDArray[np.int64]]:
    """Calendar codes of ``days`` (days since 1970-01-01) through a per-day lookup table."""
    lo, hi = int(days.min()), int(days.max())
    first_year = int(np.datetime64(lo, "D").astype("datetime64[Y]").astype(np.int64)) + 1970
    last_year = int(np.datetime64(hi, "D").astype("datetime64[Y]").astype(np.int64)) + 1970
    if unit == "year":
        levels = np.arange(first_year, last_year + 1, dtype=np.int64)
    else:
        levels = np.arange(1, 5 if unit == "quarter" else 13, dtype=np.int64)
    dtype = code_dtype(len(levels))

    def calendar(d: NDArray[np.int64]) -> NDArray[Any]:
        dates = d.view("datetime64[D]")
        if unit == "year":
            return dates.astype("datetime64[Y]").astype(np.int64) + 1970 - first_year
        month = dates.astype("datetime64[M]").astype(np.int64) % 12
        return month // 3 if unit == "quarter" else month

    span = hi - lo + 1
    if span > max(len(days), _LOOKUP_DAYS):
        return readonly(calendar(days).astype(dtype)), levels
    if lo >= 0 and hi < _LOOKUP_DAYS:  # index by the day itself: no subtraction pass
        lookup = np.zeros(hi + 1, dtype=dtype)
        lookup[lo:] = calendar(np.arange(lo, hi + 1, dtype=np.int64))
        return readonly(lookup[days]), levels
    lookup = calendar(np.arange(lo, hi + 1, dtype=np.int64)).astype(dtype)
    return readonly(lookup[days - lo]), levels

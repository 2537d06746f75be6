"""Totals of a Dask dataframe or of files: per-partition partials, merged in a tree."""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from typing import Any, Literal, TypeAlias

import attrs
import dask.dataframe as dd
import numpy as np
import pandas as pd  # type: ignore[import-untyped]
from dask.base import compute, tokenize
from dask.delayed import Delayed, delayed

from narcometrics._renamed import record_type_keyword
from narcometrics.aggregate import Totals, merge
from narcometrics.aggregate import total as _total
from narcometrics.dask._errors import PartitionProblem, in_partition
from narcometrics.errors import Problem, ValidationError, WrongTypeError
from narcometrics.io._kinds import table_type
from narcometrics.tables import Table

__all__ = ["delayed_total", "total"]

Missing: TypeAlias = Literal["error", "skip"]
PathLike: TypeAlias = str | os.PathLike[str]
Data: TypeAlias = "dd.DataFrame | PathLike | Sequence[PathLike]"

_PARQUET = (".parquet", ".pq")
#: Partials merged by one task of the reduction tree.
SPLIT_EVERY = 8


def _native_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrow date columns (as Parquet dates arrive in pandas) as datetime64[s].

    Exact: every date32/date64 value is a whole day that datetime64[s] holds, and a null
    becomes NaT, a missing value the table refuses where a date is required. Done with
    Arrow's cast, because pandas gives Arrow dates to numpy as one Python object per row
    (about a hundred times slower).
    """
    import pyarrow as pa

    dates = [
        name
        for name, dtype in frame.dtypes.items()
        if isinstance(dtype, pd.ArrowDtype) and pa.types.is_date(dtype.pyarrow_dtype)
    ]
    if not dates:
        return frame
    return frame.assign(
        **{
            name: pd.Series(
                np.asarray(pa.array(frame[name]).cast(pa.timestamp("s"))),
                index=frame.index,
                name=name,
            )
            for name in dates
        }
    )


def _frame_partial(
    frame: pd.DataFrame,
    partition: int,
    table: type[Table[Any]],
    measure: str,
    by: tuple[str, ...],
    missing: Missing,
) -> Totals:
    """The partial totals of one dataframe partition (problems name the partition)."""
    try:
        return _total(table.from_frame(_native_dates(frame)), measure, by=by, missing=missing)
    except ValidationError as error:
        raise in_partition(error, partition, frame.index) from None


def _arrow_message(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _unreadable(exc: BaseException, path: str, partition: int) -> ValidationError:
    return ValidationError.from_problems(
        [
            PartitionProblem(
                field="file",
                problem=f"not a readable Parquet file: {_arrow_message(exc)}",
                path=path,
                partition=partition,
            )
        ]
    )


def _parquet_partial(
    path: str,
    partition: int,
    columns: list[str],
    table: type[Table[Any]],
    measure: str,
    by: tuple[str, ...],
    missing: Missing,
) -> Totals:
    """The partial totals of one local Parquet file (page checksums verified); every error
    names the partition and the file."""
    import pyarrow.parquet as pq

    try:
        frame = pq.read_table(path, columns=columns, page_checksum_verification=True)
        frame.validate(full=True)  # dictionary indices in range, text UTF-8, ...
    except (ImportError, MemoryError):
        raise
    except Exception as exc:  # pyarrow raises many types for a missing or broken file
        raise _unreadable(exc, path, partition) from None
    try:
        return _total(table.from_frame(frame), measure, by=by, missing=missing)
    except ValidationError as error:
        located = ValidationError.from_problems(
            [attrs.evolve(p, path=path) for p in error.problems], truncated=error.truncated
        )
        raise in_partition(located, partition) from None
    except (TypeError, ImportError, MemoryError):
        raise
    except Exception as exc:  # Arrow errors on bad data: invalid UTF-8, too-wide integers
        raise _unreadable(exc, path, partition) from None


def _parquet_files(paths: list[str]) -> list[str]:
    """Local Parquet files named by paths, globs and folders (searched recursively)."""
    files: list[str] = []
    for given in paths:
        if glob.has_magic(given):
            matched = sorted(glob.glob(given))
            if not matched:
                raise ValidationError("data", "matches no file", given)
        elif os.path.isdir(given):
            matched = sorted(
                os.path.join(root, name)
                for root, _, names in os.walk(given)
                for name in names
                if os.path.splitext(name)[1].lower() in _PARQUET
            )
            if not matched:
                raise ValidationError("data", "folder holds no Parquet file", given)
        else:
            matched = [given]
        files.extend(matched)
    return files


def _parquet_parts(
    paths: list[str],
    table: type[Table[Any]],
    measure: str,
    fields: tuple[str, ...],
    missing: Missing,
    extra: str,
    name: str,
) -> list[Delayed]:
    """One task per local Parquet file; schemas (and so missing, truncated or non-Parquet
    files) are checked now, each error naming the partition and the file."""
    import pyarrow.parquet as pq

    files = _parquet_files(paths)
    problems: list[Problem] = []
    parts = []
    for i, path in enumerate(files):
        try:
            names = list(pq.read_schema(path).names)
        except (ImportError, MemoryError):
            raise
        except Exception as exc:
            problems.extend(_unreadable(exc, path, i).problems)
            continue
        keep = [column for column in names if column in table.field_names()]
        if extra == "error" and len(keep) < len(names):
            problems.extend(
                PartitionProblem(
                    field=str(column),
                    problem="is not a field of the record (pass extra='ignore' to leave it out)",
                    path=path,
                    partition=i,
                )
                for column in names
                if column not in keep
            )
            continue
        parts.append(
            delayed(_parquet_partial, pure=True)(
                path, i, keep, table, measure, fields, missing, dask_key_name=f"{name}-pq-{i}"
            )
        )
    if problems:
        raise ValidationError.from_problems(problems)
    return parts


def _csv_partial(
    path: str, table: type[Table[Any]], measure: str, by: tuple[str, ...], missing: Missing
) -> Totals:
    """The partial totals of one CSV file, read in chunks by
    [`narcometrics.io`][narcometrics.io]."""
    from narcometrics.stream import aggregate_csv

    return aggregate_csv(path, table, measure, by, missing=missing, progress=False)


def _tree(parts: list[Delayed], split_every: int, name: str) -> Delayed:
    """Merge ``parts`` in a tree, ``split_every`` at a time (fewer tasks per level)."""
    level = 0
    while len(parts) > 1:
        parts = [
            delayed(merge, pure=True)(
                *parts[i : i + split_every], dask_key_name=f"{name}-merge-{level}-{i}"
            )
            for i in range(0, len(parts), split_every)
        ]
        level += 1
    return parts[0]


def _paths(data: PathLike | Sequence[PathLike]) -> tuple[list[str], str]:
    """The given paths as strings and their format, ``"csv"`` or ``"parquet"``."""
    given = [data] if isinstance(data, (str, os.PathLike)) else list(data)
    if not given:
        raise ValidationError("data", "no paths given")
    paths, formats = [], set()
    for item in given:
        if not isinstance(item, (str, os.PathLike)):
            raise WrongTypeError(
                "data",
                "must be a Dask dataframe, a path or a sequence of paths, "
                f"not {type(item).__name__}",
            )
        path = os.fspath(item)
        suffix = os.path.splitext(path.rstrip("/"))[1].lower()
        if suffix == ".csv":
            formats.add("csv")
        elif suffix in _PARQUET or os.path.isdir(path):
            formats.add("parquet")
        else:
            raise ValidationError(
                "data", "unknown file type; use .csv or .parquet files or a Parquet folder", path
            )
        paths.append(path)
    if len(formats) > 1:
        raise ValidationError("data", "give CSV or Parquet files, not both", paths)
    return paths, formats.pop()


def _csv_files(paths: list[str]) -> list[str]:
    files = []
    for pattern in paths:
        matched = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not matched:
            raise ValidationError("data", "matches no file", pattern)
        files.extend(matched)
    return files


@record_type_keyword
def delayed_total(
    data: Data,
    record_type: Any,
    measure: str,
    by: str | Sequence[str] = (),
    *,
    missing: Missing = "error",
    extra: Literal["error", "ignore"] = "error",
    split_every: int = SPLIT_EVERY,
) -> Delayed:
    """The lazy form of [`total`][narcometrics.dask.total]: a ``dask.delayed`` object that computes
    the Totals.

    Compute several at once (``dask.compute(a, b)``) to read the data only once. The parameters are
    those of [`total`][narcometrics.dask.total]; the measure and grouping fields are checked now,
    the data when computed.
    """
    table = table_type(record_type)
    fields = (by,) if isinstance(by, str) else tuple(by)
    # The in-memory total on no rows: the same errors for an unknown measure or field.
    _total(table.from_records([]), measure, by=fields, missing=missing)
    if isinstance(split_every, bool) or not isinstance(split_every, int) or split_every < 2:
        raise ValidationError("split_every", "must be an integer >= 2", split_every)
    name = f"narcometrics-total-{tokenize(data, table.__name__, measure, fields)}"
    if isinstance(data, dd.DataFrame):
        return _frame_total(data, table, measure, fields, missing, extra, split_every, name)
    paths, file_format = _paths(data)
    if file_format == "csv":
        parts = [
            delayed(_csv_partial, pure=True)(
                path, table, measure, fields, missing, dask_key_name=f"{name}-csv-{i}"
            )
            for i, path in enumerate(_csv_files(paths))
        ]
        return _tree(parts, split_every, name)
    if not any("://" in path for path in paths):
        return _tree(
            _parquet_parts(paths, table, measure, fields, missing, extra, name),
            split_every,
            name,
        )
    try:
        frame = dd.read_parquet(paths if len(paths) > 1 else paths[0])
    except (ImportError, MemoryError):
        raise
    except Exception as exc:  # a missing or broken file found while building the graph
        raise ValidationError(
            "data", f"not readable Parquet: {_arrow_message(exc)}", paths
        ) from None
    return _frame_total(frame, table, measure, fields, missing, extra, split_every, name)


def _frame_total(
    frame: dd.DataFrame,
    table: Any,
    measure: str,
    fields: tuple[str, ...],
    missing: Missing,
    extra: Literal["error", "ignore"],
    split_every: int,
    name: str,
) -> Delayed:
    """The lazy Totals of a Dask dataframe: one partial per partition, merged in a tree."""
    keep = [column for column in frame.columns if column in table.field_names()]
    if extra == "error" and len(keep) < len(frame.columns):
        raise ValidationError.from_problems(
            [
                Problem(
                    field=str(column),
                    problem="is not a field of the record (pass extra='ignore' to leave it out)",
                )
                for column in frame.columns
                if column not in keep
            ]
        )
    if len(keep) < len(frame.columns):
        frame = frame[keep]  # read only the table's columns
    parts = [
        delayed(_frame_partial, pure=True)(
            part, i, table, measure, fields, missing, dask_key_name=f"{name}-partial-{i}"
        )
        for i, part in enumerate(frame.to_delayed())  # type: ignore[no-untyped-call]
    ]
    return _tree(parts, split_every, name)


@record_type_keyword
def total(
    data: Data,
    record_type: Any,
    measure: str,
    by: str | Sequence[str] = (),
    *,
    missing: Missing = "error",
    extra: Literal["error", "ignore"] = "error",
    scheduler: Any = None,
    split_every: int = SPLIT_EVERY,
) -> Totals:
    """Totals of a Dask dataframe, or of CSV or Parquet files, computed on Dask.

    The same result as [`narcometrics.aggregate.total`][narcometrics.aggregate.total] on all the
    rows in one table: each partition becomes a table (validated with the records' rules) and its
    [`total`][narcometrics.aggregate.total] totals; the partials are merged
    ([`merge`][narcometrics.aggregate.merge]) in a tree. Only group labels, sums and counts travel
    to the caller, never rows.

    Parameters
    ----------
    data : dask.dataframe.DataFrame, path, or sequence of paths
        A Dask dataframe with the table's fields as columns; or ``.parquet`` files, Parquet folders
        or globs of them (local files: one task per file, read with pyarrow, page checksums
        verified; URLs: read with `dask.dataframe.read_parquet`); or ``.csv``
        files or globs (one task per file, read in chunks by
        [`narcometrics.stream.aggregate_csv`][narcometrics.stream.aggregate_csv], with its file
        format and errors; local paths that every worker can read).
    record_type : table or record class
        ``SeizureTable`` (or ``Seizure``), ``EradicationTable``, ``OperationTable`` or
        ``TrainingTable`` (any other raises TypeError, as in [`narcometrics.io`][narcometrics.io]).
    measure, by, missing
        As for [`narcometrics.aggregate.total`][narcometrics.aggregate.total].
    extra : {"error", "ignore"}
        What to do with columns that are not fields of the record (dataframes and
        Parquet files): an error, as in [`from_frame`][narcometrics.tables.Table.from_frame], or
        leave them out (and unread).
    scheduler : str or distributed.Client, optional
        Where to compute: ``"threads"``, ``"processes"``, ``"sync"`` or a
        ``distributed.Client``; by default Dask's (the active client, if any).
    split_every : int
        Partials merged by one task of the reduction tree (>= 2).

    Returns
    -------
    Totals
        The same groups, labels and counts as the in-memory total, sums equal to
        floating-point rounding (they are added in a different order).

    Raises
    ------
    UnknownNameError
        For an unknown measure or grouping field (before any data is read).
    ValidationError
        For bad values: each problem names the partition and the 0-based row within it
        ([`PartitionProblem`][narcometrics.dask.PartitionProblem]) and, for local Parquet files,
        the file; for CSV files, the file, row and column. A missing, truncated or corrupted
        Parquet file is a ValidationError naming its partition and file.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> from narcometrics import SeizureTable
    >>> from narcometrics import dask as nd
    >>> frame = pd.DataFrame({
    ...     "date": pd.to_datetime(["2016-05-02", "2017-01-09", "2017-08-01"]),
    ...     "country": ["PER", "PER", "BOL"],
    ...     "substance": ["crack", "crack", "crack"],
    ...     "mass_kg": [2.5, 4.0, 1.0],
    ... })
    >>> ddf = dd.from_pandas(frame, npartitions=2)
    >>> nd.total(ddf, SeizureTable, "mass_kg", by="year", scheduler="sync").to_dict()
    {(2016,): 2.5, (2017,): 5.0}
    """
    result = delayed_total(
        data, record_type, measure, by, missing=missing, extra=extra, split_every=split_every
    )
    (totals,) = compute(result, scheduler=scheduler)  # type: ignore[no-untyped-call]
    assert isinstance(totals, Totals)
    return totals

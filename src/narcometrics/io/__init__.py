"""Reading and writing records: CSV, JSON and Parquet, with row-level errors.

Column names are the record field names (see the "File formats" reference page). Every
reader returns a table ([`narcometrics.tables`][narcometrics.tables]) and raises one
[`ValidationError`][narcometrics.errors.ValidationError] listing every bad cell as
``path:row:column: field: problem (value)`` (up to
`MAX_PROBLEMS`); nothing is dropped or coerced silently. Every
writer writes to a temporary file and renames it, so an error never leaves a half-written
output. CSV output escapes text a spreadsheet would run as a formula. No pickle, no eval.

Files larger than memory stream in chunks: [`iter_csv`][narcometrics.io.iter_csv] yields tables and
[`aggregate_csv`][narcometrics.io.aggregate_csv] folds them into mergeable partial totals.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, TypeVar

import attrs

from narcometrics import serialize
from narcometrics.aggregate import Totals, merge, partial
from narcometrics.errors import ValidationError
from narcometrics.io._csv import (
    DEFAULT_BLOCK_BYTES,
    DEFAULT_CHUNK_ROWS,
    Engine,
    _Fallback,
    arrow_chunks,
    csv_cells,
    python_chunks,
    write_rows,
)
from narcometrics.io._files import (
    PathLike,
    atomic_path,
    atomic_writer,
    display_name,
    escape_cell,
    open_text,
    unescape_cell,
)
from narcometrics.io._iati import IatiActivityResults, read_iati
from narcometrics.io._iati_write import write_iati
from narcometrics.io._kinds import LIST_SEPARATOR, TABLES, table_type
from narcometrics.io._xlsx import read_xlsx, write_xlsx
from narcometrics.tables import Table

__all__ = [
    "LIST_SEPARATOR",
    "IatiActivityResults",
    "aggregate_csv",
    "column_names",
    "detect_kind",
    "escape_cell",
    "iter_csv",
    "read",
    "read_csv",
    "read_iati",
    "read_json",
    "read_parquet",
    "read_xlsx",
    "unescape_cell",
    "write",
    "write_csv",
    "write_iati",
    "write_json",
    "write_parquet",
    "write_xlsx",
]

T = TypeVar("T", bound=Table[Any])


def _has_pyarrow() -> bool:
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


#: Files at least this large are read with pyarrow by the "auto" engine; smaller ones are
#: read faster by the standard library than pyarrow (and the pandas it loads) starts up.
AUTO_PYARROW_BYTES = 2 << 20


def _large(source: PathLike | IO[Any]) -> bool:
    try:
        return os.path.getsize(source) >= AUTO_PYARROW_BYTES  # type: ignore[arg-type]
    except OSError:
        return False  # missing or unreadable: the python engine reports it


def _progress(source: PathLike | IO[Any], progress: bool | None) -> Any:
    """A tqdm bar over rows when asked for, or when stderr is a terminal and tqdm exists."""
    if progress is False:
        return None
    if progress is None and not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        if progress:
            raise ImportError(
                'a progress bar needs tqdm: pip install "narcometrics[progress]"'
            ) from None
        return None
    return tqdm(desc=f"reading {display_name(source)}", unit=" rows", unit_scale=True, leave=False)


def iter_csv(
    source: PathLike | IO[Any],
    kind: type[Any],
    *,
    engine: Engine = "auto",
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    progress: bool | None = None,
    _whole: bool = False,
) -> Iterator[Table[Any]]:
    """Stream a CSV file as tables of consecutive rows, for files larger than memory.

    Parameters
    ----------
    source : path or file object
        UTF-8 text, with or without a byte-order mark; the first row names the columns.
    kind : record or table class
        ``Seizure`` or ``SeizureTable``, and so on.
    engine : {"auto", "pyarrow", "python"}
        ``"auto"`` uses pyarrow for paths of at least `AUTO_PYARROW_BYTES` bytes when
        it is installed, else the standard library. Both give the same tables and errors.
    chunk_rows : int
        Rows per table with the python engine.
    block_bytes : int
        Bytes per block with the pyarrow engine (tables follow the blocks).
    progress : bool, optional
        Show a progress bar (needs tqdm); by default only when stderr is a terminal.

    Yields
    ------
    Table
        Validated tables; the first bad chunk raises
        [`ValidationError`][narcometrics.errors.ValidationError] with the file rows and columns of
        its problems.
    """
    table = table_type(kind)
    if chunk_rows < 1:
        raise ValidationError("chunk_rows", "must be >= 1", chunk_rows)
    if engine not in ("auto", "pyarrow", "python"):
        raise ValidationError("engine", "must be one of: auto, pyarrow, python", engine)
    path = display_name(source)
    is_path = isinstance(source, (str, os.PathLike))
    use_arrow = engine == "pyarrow" or (
        engine == "auto" and is_path and _large(source) and _has_pyarrow()
    )
    if use_arrow and not isinstance(source, (str, os.PathLike)):
        raise ValidationError("source", "the pyarrow engine reads paths, not streams", path)
    bar = _progress(source, progress)
    step: Callable[[int], None] | None = None if bar is None else bar.update
    done = 0
    try:
        if use_arrow and isinstance(source, (str, os.PathLike)):
            try:
                for chunk in arrow_chunks(
                    source, table, path, block_bytes=block_bytes, whole=_whole, on_rows=step
                ):
                    done += len(chunk)
                    yield chunk
                return
            except _Fallback:
                pass  # locate the problems (and read the rest) with the python engine
        with open_text(source) as (stream, _):
            yield from python_chunks(
                stream, table, path, chunk_rows=chunk_rows, skip_rows=done, on_rows=step
            )
    finally:
        if bar is not None:
            bar.close()


def read_csv(
    source: PathLike | IO[Any],
    kind: type[Any],
    *,
    engine: Engine = "auto",
    progress: bool | None = None,
) -> Table[Any]:
    """Read a whole CSV file into a table, validating every cell.

    Parameters
    ----------
    source : path or file object
        UTF-8 text, with or without a byte-order mark; the first row names the columns
        (record field names; optional fields may be left out). Empty cells are missing
        values; lists (scores, participant ids) are separated by ``;`` in one cell.
    kind : record or table class
        ``Seizure``/``SeizureTable``, ``Eradication``/``EradicationTable``,
        ``Operation``/``OperationTable`` or ``TrainingOutcome``/``TrainingTable``.
    engine : {"auto", "pyarrow", "python"}
        See [`iter_csv`][narcometrics.io.iter_csv].
    progress : bool, optional
        See [`iter_csv`][narcometrics.io.iter_csv].

    Returns
    -------
    Table
        A table of the kind's table class.

    Raises
    ------
    ValidationError
        A missing or unreadable file, malformed CSV, unknown, repeated or missing columns
        and every bad cell, each as ``path:row:column: field: problem (value)``.

    Examples
    --------
    >>> import io
    >>> from narcometrics import Eradication
    >>> from narcometrics.io import read_csv
    >>> text = "date,country,area_ha,method\\n2017-03-01,PER,12.5,manual\\n"
    >>> table = read_csv(io.StringIO(text), Eradication)
    >>> len(table), float(table.area_ha.sum())
    (1, 12.5)
    """
    table = table_type(kind)
    chunks = list(iter_csv(source, kind, engine=engine, progress=progress, _whole=True))
    if len(chunks) == 1:
        return chunks[0]
    if not chunks:
        return table.from_records([])
    return table.concat(chunks)


def aggregate_csv(
    sources: PathLike | IO[Any] | Sequence[PathLike | IO[Any]],
    kind: type[Any],
    measure: str,
    by: str | Sequence[str] = (),
    *,
    engine: Engine = "auto",
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    progress: bool | None = None,
    **total_options: Any,
) -> Totals:
    """Totals over one or more CSV files larger than memory, chunk by chunk.

    Each chunk is aggregated with [`narcometrics.aggregate.partial`][narcometrics.aggregate.partial]
    and the partials are merged ([`narcometrics.aggregate.merge`][narcometrics.aggregate.merge]),
    which gives the same groups and totals as
    [`narcometrics.aggregate.total`][narcometrics.aggregate.total] on all rows at once (counts
    exactly, float sums to rounding). Memory holds one chunk and the group totals.

    Parameters
    ----------
    sources : path, file object, or a sequence of them
    kind : record or table class
    measure, by
        As for [`narcometrics.aggregate.total`][narcometrics.aggregate.total].
    engine, chunk_rows, block_bytes, progress
        As for [`iter_csv`][narcometrics.io.iter_csv].
    **total_options
        Passed on to [`narcometrics.aggregate.partial`][narcometrics.aggregate.partial] (for example
        ``missing``).
    """
    if isinstance(sources, (str, os.PathLike)) or hasattr(sources, "read"):
        sources = [sources]  # type: ignore[list-item]
    parts: list[Totals] = []
    for source in sources:
        for chunk in iter_csv(
            source,
            kind,
            engine=engine,
            chunk_rows=chunk_rows,
            block_bytes=block_bytes,
            progress=progress,
        ):
            parts.append(partial(chunk, measure, by=by, **total_options))
            if len(parts) >= 64:
                parts = [merge(*parts)]
    if not parts:
        return partial(table_type(kind).from_records([]), measure, by=by, **total_options)
    return merge(*parts)


def _as_table(data: Table[Any] | Iterable[Any]) -> Table[Any]:
    if isinstance(data, Table):
        return data
    records = list(data)
    if not records:
        raise ValidationError("data", "no records to write (give a table to write a header)")
    return table_type(type(records[0])).from_records(records)


def write_csv(target: PathLike, data: Table[Any] | Iterable[Any]) -> None:
    """Write a table (or records of one type) as CSV, atomically.

    Floats are written with the shortest text that reads back to the same value, so
    [`read_csv`][narcometrics.io.read_csv] gives an equal table. Text that a spreadsheet would run
    as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) is written with a
    leading apostrophe, which [`read_csv`][narcometrics.io.read_csv] removes.
    """
    write_rows(target, csv_cells(_as_table(data)))


def read_json(source: PathLike | IO[Any], kind: type[Any]) -> Table[Any]:
    """Read a JSON array of records (or one record) into a table.

    Raises
    ------
    ValidationError
        For a missing file, malformed JSON (with line and column) and every bad field,
        named by its JSON path (``$[3].mass_kg``).
    """
    table = table_type(kind)
    path = display_name(source)
    with open_text(source) as (stream, _):
        try:
            text = stream.read()
        except UnicodeDecodeError as exc:
            raise ValidationError("file", f"not UTF-8 text ({exc.reason})", path=path) from None
    try:
        records = serialize.loads(table.record_type, text)
    except ValidationError as error:
        raise ValidationError.from_problems(
            [attrs.evolve(p, path=path) for p in error.problems], truncated=error.truncated
        ) from None
    return table.from_records(records)


def write_json(
    target: PathLike, data: Table[Any] | Iterable[Any], *, indent: int | None = 1
) -> None:
    """Write a table (or records) as a JSON array of records, atomically."""
    records = list(data)
    with atomic_writer(target, newline=None) as stream:
        stream.write(serialize.dumps(records, indent=indent))
        stream.write("\n")


def read_parquet(source: PathLike, kind: type[Any]) -> Table[Any]:
    """Read a Parquet file into a table (needs pyarrow: the ``parquet`` extra)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError('Parquet needs pyarrow: pip install "narcometrics[parquet]"') from None
    table = table_type(kind)
    path = display_name(source)
    try:
        frame = pq.read_table(os.fspath(source))
    except FileNotFoundError:
        raise ValidationError("path", "file not found", path, path=path) from None
    except (pa.ArrowInvalid, OSError) as exc:
        raise ValidationError("file", f"not a readable Parquet file: {exc}", path=path) from None
    try:
        return table.from_frame(frame)
    except ValidationError as error:
        # Parquet rows are 0-based data rows; show them 1-based like the records of a file.
        raise ValidationError.from_problems(
            [
                attrs.evolve(p, path=path, row=None if p.row is None else p.row + 1)
                for p in error.problems
            ],
            truncated=error.truncated,
        ) from None


def write_parquet(target: PathLike, data: Table[Any] | Iterable[Any]) -> None:
    """Write a table (or records) as Parquet, atomically (needs pyarrow)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError('Parquet needs pyarrow: pip install "narcometrics[parquet]"') from None
    frame = _as_table(data).to_frame("pyarrow")
    with atomic_path(target) as tmp:
        pq.write_table(frame, tmp)


_READERS = {
    ".csv": read_csv,
    ".json": read_json,
    ".parquet": read_parquet,
    ".xlsx": read_xlsx,
}


def column_names(source: PathLike) -> list[str]:
    """The column names of a CSV, JSON or Parquet file, without reading its rows
    (for JSON: the keys of the first record)."""
    return _columns_of(source)


def _columns_of(source: PathLike) -> list[str]:
    path = os.fspath(source)
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".csv":
        from narcometrics.io._files import csv_rows

        with open_text(source) as (stream, _):
            first = next(csv_rows(stream), None)
        if first is None:
            raise ValidationError("file", "is empty: a header row is required", path=path)
        return first[1]
    if suffix == ".json":
        import json

        with open_text(source) as (stream, _):
            try:
                payload = json.load(stream)
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
                raise ValidationError("file", f"malformed JSON: {exc}", path=path) from None
        items = payload if isinstance(payload, list) else [payload]
        if not items or not isinstance(items[0], dict):
            raise ValidationError(
                "file", "must hold a JSON object or a non-empty array of objects", path=path
            )
        return [str(k) for k in items[0]]
    if suffix == ".parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise ImportError(
                'Parquet needs pyarrow: pip install "narcometrics[parquet]"'
            ) from None
        try:
            return list(pq.read_schema(path).names)
        except FileNotFoundError:
            raise ValidationError("path", "file not found", path, path=path) from None
        except Exception as exc:  # pyarrow raises several types for a broken file
            raise ValidationError(
                "file", f"not a readable Parquet file: {exc}", path=path
            ) from None
    if suffix == ".xlsx":
        from narcometrics.io._xlsx import read_sheet

        return list(read_sheet(source).header)
    raise ValidationError("path", "unknown file type; use a .csv, .json or .parquet file", path)


def detect_kind(source: PathLike) -> type[Any]:
    """The record class a file holds, told from its column names.

    A file holds a record type when every column is one of its fields and every required
    field is there; exactly one type must fit.

    Raises
    ------
    ValidationError
        For a missing or unreadable file, or columns that fit no record type, or several.
    """
    path = os.fspath(source)
    if not os.path.exists(path):
        raise ValidationError("path", "file not found", path, path=path)
    columns = set(_columns_of(source))
    fits = []
    for record, table in TABLES.items():
        names = {spec.name for spec in table.schema}
        required = {spec.name for spec in table.schema if not spec.default}
        if columns <= names and required <= columns:
            fits.append(record)
    if len(fits) != 1:
        kinds = ", ".join(r.__name__ for r in (fits or TABLES))
        problem = (
            f"columns fit several record types ({kinds})"
            if fits
            else f"columns fit no record type ({kinds}); see the file format reference"
        )
        raise ValidationError("file", problem, sorted(columns), path=path)
    return fits[0]


def read(source: PathLike, kind: type[Any]) -> Table[Any]:
    """Read a file by its suffix: ``.csv``, ``.json``, ``.parquet`` or ``.xlsx``."""
    suffix = os.path.splitext(os.fspath(source))[1].lower()
    if suffix not in _READERS:
        raise ValidationError(
            "path", "unknown file type; use a .csv, .json or .parquet file", os.fspath(source)
        )
    reader: Callable[..., Table[Any]] = _READERS[suffix]
    return reader(source, kind)


def write(target: PathLike, data: Table[Any] | Iterable[Any]) -> None:
    """Write a file by its suffix: ``.csv``, ``.json``, ``.parquet`` or ``.xlsx``."""
    suffix = os.path.splitext(os.fspath(target))[1].lower()
    writers: dict[str, Callable[..., None]] = {
        ".csv": write_csv,
        ".json": write_json,
        ".parquet": write_parquet,
        ".xlsx": write_xlsx,
    }
    if suffix not in writers:
        raise ValidationError(
            "path", "unknown file type; use a .csv, .json or .parquet file", os.fspath(target)
        )
    writers[suffix](target, data)

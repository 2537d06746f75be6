"""The readers and writers of record files: CSV (two engines), JSON and Parquet."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar, overload

import attrs

from narcometrics import _json
from narcometrics._renamed import record_type_keyword
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.io._csv import (
    DEFAULT_BLOCK_BYTES,
    DEFAULT_CHUNK_ROWS,
    Dialect,
    Engine,
    check_dialect,
    csv_cells,
    python_chunks,
    write_rows,
)
from narcometrics.io._files import (
    PathLike,
    atomic_file,
    atomic_writer,
    check_regular,
    display_name,
    open_text,
)
from narcometrics.io._kinds import table_type
from narcometrics.tables import Table

if TYPE_CHECKING:
    from narcometrics.io._collect import Collected

__all__ = [
    "AUTO_PYARROW_BYTES",
    "AUTO_PYARROW_COLD_BYTES",
    "iter_csv",
    "read",
    "read_csv",
    "read_json",
    "read_parquet",
    "write",
    "write_csv",
    "write_json",
    "write_parquet",
]

T = TypeVar("T", bound=Table[Any])


def _has_pyarrow() -> bool:
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


#: Files at least this large are read with pyarrow by the "auto" engine once pyarrow is
#: imported in the process (by an earlier read, pandas or Dask); smaller ones are read as
#: fast by the python engine.
AUTO_PYARROW_BYTES = 2 << 20
#: Files at least this large are read with pyarrow by the "auto" engine when pyarrow is not
#: imported yet: importing it takes 100-250 ms, about what the python engine needs for
#: 10-30 MiB (a first read of 17 MiB took 0.20 s with the python engine and 0.30 s with
#: pyarrow, 33 MiB 0.43 s and 0.38 s).
AUTO_PYARROW_COLD_BYTES = 32 << 20


def _large(source: PathLike | IO[Any]) -> bool:
    """Whether the "auto" engine reads ``source`` (a path) with pyarrow, by its size."""
    least = AUTO_PYARROW_BYTES if "pyarrow" in sys.modules else AUTO_PYARROW_COLD_BYTES
    try:
        return os.path.getsize(source) >= least  # type: ignore[arg-type]
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


@record_type_keyword
def iter_csv(
    source: PathLike | IO[Any],
    record_type: type[Any],
    *,
    engine: Engine = "auto",
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    progress: bool | None = None,
    encoding: str = "utf-8",
    sep: str = ",",
    decimal: str = ".",
) -> Iterator[Table[Any]]:
    """Stream a CSV file as tables of consecutive rows, for files larger than memory.

    Parameters
    ----------
    source : path or file object
        Text (UTF-8 by default, with or without a byte-order mark); the first row names the
        columns. A path must be a regular file (a FIFO or device is refused).
    record_type : record or table class
        ``Seizure`` or ``SeizureTable``, and so on.
    engine : {"auto", "pyarrow", "python"}
        ``"auto"`` uses pyarrow, when it is installed, for paths of at least
        `AUTO_PYARROW_BYTES` bytes if pyarrow is already imported in the process, else of
        at least `AUTO_PYARROW_COLD_BYTES` (importing pyarrow costs more than it saves on
        a smaller file); the python engine reads the others. Both give the same tables
        and errors.
    chunk_rows : int
        Rows per table with the python engine.
    block_bytes : int
        Bytes per block with the pyarrow engine (tables follow the blocks).
    progress : bool, optional
        Show a progress bar (needs tqdm); by default only when stderr is a terminal.
    encoding : str
        The text encoding, e.g. ``"latin-1"`` or ``"cp1252"`` (common in exports of
        Spanish-language agencies); ``"utf-8"`` by default (a byte-order mark is skipped).
    sep : str
        The cell separator: ``","`` by default, ``";"`` for the CSV of Spanish-locale
        spreadsheets (a header that only splits at ``;`` gets an error suggesting it).
    decimal : {".", ","}
        The decimal point of real numbers (``","`` with ``sep=";"``).

    Yields
    ------
    Table
        Validated tables; the first bad chunk raises
        [`ValidationError`][narcometrics.errors.ValidationError] with the file rows and columns of
        its problems.
    """
    table = table_type(record_type)
    dialect = check_dialect(encoding, sep, decimal)
    if chunk_rows < 1:
        raise ValidationError("chunk_rows", "must be >= 1", chunk_rows)
    yield from _csv_tables(
        source,
        table,
        engine=engine,
        chunk_rows=chunk_rows,
        block_bytes=block_bytes,
        progress=progress,
        dialect=dialect,
        whole=False,
    )


def _use_arrow(source: PathLike | IO[Any], engine: Engine, path: str) -> bool:
    """Whether ``engine`` reads ``source`` with pyarrow (a path is checked to be a file)."""
    if engine not in ("auto", "pyarrow", "python"):
        raise UnknownNameError("engine", str(engine), ("auto", "pyarrow", "python"))
    if not isinstance(source, (str, os.PathLike)):
        if engine == "pyarrow":
            raise ValidationError("source", "the pyarrow engine reads paths, not streams", path)
        return False
    check_regular(source, path)
    return engine == "pyarrow" or (engine == "auto" and _large(source) and _has_pyarrow())


def _csv_tables(
    source: PathLike | IO[Any],
    table: type[Table[Any]],
    *,
    engine: Engine,
    progress: bool | None,
    dialect: Dialect,
    whole: bool,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
) -> Iterator[Table[Any]]:
    """The tables of a CSV file (`iter_csv`); with ``whole``, the pyarrow engine gives one
    table of the whole file (the python engine still gives chunks of ``chunk_rows`` rows)."""
    path = display_name(source)
    use_arrow = _use_arrow(source, engine, path)
    bar = _progress(source, progress)
    step: Callable[[int], None] | None = None if bar is None else bar.update
    done = 0
    try:
        if use_arrow and isinstance(source, (str, os.PathLike)):
            from narcometrics.io._csv_arrow import Fallback, arrow_chunks

            try:
                for chunk in arrow_chunks(
                    source,
                    table,
                    path,
                    block_bytes=block_bytes,
                    whole=whole,
                    on_rows=step,
                    dialect=dialect,
                ):
                    done += len(chunk)
                    yield chunk
                return
            except Fallback:
                pass  # locate the problems (and read the rest) with the python engine
        with open_text(source, encoding=dialect.encoding) as (stream, _):
            yield from python_chunks(
                stream,
                table,
                path,
                chunk_rows=chunk_rows,
                skip_rows=done,
                on_rows=step,
                source=source,
                dialect=dialect,
            )
    finally:
        if bar is not None:
            bar.close()


@record_type_keyword
def read_csv(
    source: PathLike | IO[Any],
    record_type: type[Any],
    *,
    engine: Engine = "auto",
    progress: bool | None = None,
    encoding: str = "utf-8",
    sep: str = ",",
    decimal: str = ".",
) -> Table[Any]:
    """Read a whole CSV file into a table, validating every cell.

    Parameters
    ----------
    source : path or file object
        Text, UTF-8 by default (with or without a byte-order mark); the first row names the
        columns (record field names; optional fields may be left out). Empty cells are
        missing values; lists (scores, participant ids) are separated by ``;`` in one cell.
        Cells have no size limit: whatever [`write_csv`][narcometrics.io.write_csv] wrote
        reads back equal.
    record_type : record or table class
        ``Seizure``/``SeizureTable``, ``Eradication``/``EradicationTable``,
        ``Operation``/``OperationTable`` or ``TrainingOutcome``/``TrainingTable``.
    engine : {"auto", "pyarrow", "python"}
        See [`iter_csv`][narcometrics.io.iter_csv].
    progress, encoding, sep, decimal
        See [`iter_csv`][narcometrics.io.iter_csv].

    Returns
    -------
    Table
        A table of the record type's table class.

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
    table = table_type(record_type)
    chunks = list(
        _csv_tables(
            source,
            table,
            engine=engine,
            progress=progress,
            dialect=check_dialect(encoding, sep, decimal),
            whole=True,
        )
    )
    if len(chunks) == 1:
        return chunks[0]
    if not chunks:
        return table.from_records([])
    return table.concat(chunks)


def _as_table(data: Table[Any] | Iterable[Any]) -> Table[Any]:
    if isinstance(data, Table):
        return data
    records = list(data)
    if not records:
        raise ValidationError("data", "no records to write (give a table to write a header)")
    return table_type(type(records[0])).from_records(records)


def write_csv(target: PathLike, data: Table[Any] | Iterable[Any]) -> None:
    """Write a table (or records of one type) as CSV, atomically.

    The file is UTF-8 (no byte-order mark) with every line ended by CRLF (``\\r\\n``, RFC
    4180); a cell holding a comma, a quote, a carriage return or a line feed is quoted with
    ``"`` (a quote inside doubled). Floats are written with the shortest text that reads back
    to the same value, so [`read_csv`][narcometrics.io.read_csv] gives an equal table.

    Text that a spreadsheet would run as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab
    or carriage return) is written with a leading apostrophe, which
    [`read_csv`][narcometrics.io.read_csv] removes; an apostrophe anywhere else is data (see
    [`unescape_cell`][narcometrics.io.unescape_cell]).

    The file is replaced atomically and flushed to disk; a replaced file keeps its permission
    bits, and a symbolic link at ``target`` is written through (the link stays).
    """
    write_rows(target, csv_cells(_as_table(data)))


def json_payload(source: PathLike | IO[Any], path: str) -> Any:
    """The parsed JSON of a file or stream (strict: see `narcometrics._json.loads`)."""
    return _json.loads(json_bytes(source, path), path=path)


def json_bytes(source: PathLike | IO[Any], path: str) -> str | bytes:
    """The text of a JSON file (bytes) or stream (as the stream gives it)."""
    if isinstance(source, (str, os.PathLike)):
        check_regular(source, path)
        try:
            with open(source, "rb") as fh:
                data: str | bytes = fh.read()
        except OSError as exc:
            raise ValidationError(
                "path", f"cannot be read ({exc.strerror})", path, path=path
            ) from None
    else:
        data = source.read()
    return data


def json_table(payload: Any, table: type[Table[Any]], path: str) -> Table[Any]:
    """A table of the records in parsed JSON, errors naming ``path`` and the JSON path."""
    from narcometrics import serialize  # its cattrs converter costs start-up: on first use

    try:
        return table.from_records(serialize.records(table.record_type, payload))
    except ValidationError as error:
        raise ValidationError.from_problems(
            [attrs.evolve(p, path=path) for p in error.problems], truncated=error.truncated
        ) from None


@record_type_keyword
def read_json(source: PathLike | IO[Any], record_type: type[Any]) -> Table[Any]:
    """Read a JSON array of records (or one record) into a table.

    The JSON is read strictly: a repeated key, an object where a list is expected, an
    integer of more than 4,300 digits, ``NaN`` and nesting too deep to parse are errors.

    Raises
    ------
    ValidationError
        For a missing file, malformed JSON (with line and column) and every bad field,
        named by its JSON path (``$[3].mass_kg``).
    """
    table = table_type(record_type)
    path = display_name(source)
    data = json_bytes(source, path)
    if isinstance(data, bytes):
        from narcometrics.io import _json_columns

        fast = _json_columns.loads(data, table)
        if fast is not None:
            return fast
    payload = _json.loads(data, path=path)
    try:
        return json_table(payload, table, path)
    except ValidationError as error:
        from narcometrics.io._collect import collect_payload

        raise _summarised(error, lambda: collect_payload(payload, table, path)) from None


def write_json(
    target: PathLike, data: Table[Any] | Iterable[Any], *, indent: int | None = 1
) -> None:
    """Write a table (or records) as a JSON array of records, atomically."""
    from narcometrics.io import _json_columns

    encoded = _json_columns.dumps(data, indent) if isinstance(data, Table) else None
    if encoded is None:
        from narcometrics import serialize

        text = serialize.dumps(list(data), indent=indent)
        with atomic_writer(target, newline=None) as stream:
            stream.write(text)
            stream.write("\n")
        return
    if os.linesep != "\n":  # pragma: no cover - as the text stream writes a newline
        encoded = encoded.replace(b"\n", os.linesep.encode())
    with atomic_file(target) as raw:
        raw.write(encoded)
        raw.write(os.linesep.encode())


def _parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError('Parquet needs pyarrow: pip install "narcometrics[parquet]"') from None
    return pq


def parquet_frame(source: PathLike, path: str) -> Any:
    """A Parquet file as an Arrow table, page checksums verified; any failure to read it
    (missing, truncated, corrupted, not Parquet) is a ValidationError naming ``path``."""
    pq = _parquet()
    check_regular(source, path)
    try:
        frame = pq.read_table(os.fspath(source), page_checksum_verification=True)
    except (ImportError, MemoryError):
        raise
    except Exception as exc:  # pyarrow raises many types (ArrowInvalid, OSError, ...)
        raise ValidationError(
            "file", f"not a readable Parquet file: {_arrow_message(exc)}", path=path
        ) from None
    try:
        # A damaged page header can give arrays that break Arrow's own rules (a dictionary
        # index out of range), and text columns may hold bytes that are not UTF-8.
        frame.validate(full=True)
    except Exception as exc:
        raise ValidationError(
            "file", f"holds invalid data: {_arrow_message(exc)}", path=path
        ) from None
    return frame


def _arrow_message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def parquet_table(frame: Any, table: type[Table[Any]], path: str) -> Table[Any]:
    """A table from an Arrow table read from ``path`` (rows shown 1-based)."""
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
    except (TypeError, ImportError, MemoryError):
        raise
    except Exception as exc:  # Arrow errors on bad data: invalid UTF-8, too-wide integers
        raise ValidationError(
            "file", f"holds data that cannot be read: {_arrow_message(exc)}", path=path
        ) from None


@record_type_keyword
def read_parquet(source: PathLike, record_type: type[Any]) -> Table[Any]:
    """Read a Parquet file into a table (needs pyarrow: the ``parquet`` extra).

    Page checksums (written by [`write_parquet`][narcometrics.io.write_parquet]) are verified;
    a missing, truncated or corrupted file and data Arrow cannot convert (invalid UTF-8,
    integers wider than 64 bits) raise a ValidationError naming the file.
    """
    table = table_type(record_type)
    path = display_name(source)
    frame = parquet_frame(source, path)
    try:
        return parquet_table(frame, table, path)
    except ValidationError as error:
        from narcometrics.io._collect import collect_frame

        raise _summarised(error, lambda: collect_frame(frame, table, path)) from None


def _summarised(error: ValidationError, collect: Callable[[], Any]) -> ValidationError:
    """``error``, and when it stopped after `MAX_PROBLEMS` problems, with the summary of
    every problem per field and bad value, as a CSV read gives (the collecting reader goes
    over the rows again: only for a file with that many problems)."""
    if not error.truncated or error.summary:
        return error
    try:
        found = collect().problems
    except ValidationError:  # the collecting reader refuses the file as a whole: keep ``error``
        return error
    return ValidationError.from_problems(error.problems, truncated=True, summary=found.summary())


def write_parquet(target: PathLike, data: Table[Any] | Iterable[Any]) -> None:
    """Write a table (or records) as Parquet with page checksums, atomically (needs pyarrow)."""
    pq = _parquet()
    frame = _as_table(data).to_frame("pyarrow")
    with atomic_file(target) as fh:
        pq.write_table(frame, fh, write_page_checksum=True)


def _read_xlsx(source: PathLike, record_type: type[Any]) -> Table[Any]:
    from narcometrics.io._xlsx import read_xlsx  # the spreadsheet code, imported when needed

    return read_xlsx(source, record_type)


def _write_xlsx(target: PathLike, data: Table[Any] | Iterable[Any]) -> None:
    from narcometrics.io._xlsx import write_xlsx

    write_xlsx(target, data)


_READERS = {
    ".csv": read_csv,
    ".json": read_json,
    ".parquet": read_parquet,
    ".xlsx": _read_xlsx,
}
_UNKNOWN = "unknown file type; use a .csv, .json, .parquet or .xlsx file"


@overload
def read(
    source: PathLike, record_type: type[Any], *, errors: Literal["raise"] = "raise"
) -> Table[Any]: ...
@overload
def read(source: PathLike, record_type: type[Any], *, errors: Literal["collect"]) -> Collected: ...
@record_type_keyword
def read(
    source: PathLike, record_type: type[Any], *, errors: Literal["raise", "collect"] = "raise"
) -> Table[Any] | Collected:
    """Read a file by its suffix: ``.csv``, ``.json``, ``.parquet`` or ``.xlsx``.

    With ``errors="collect"`` the valid rows are read and the others left out, each with
    its problems: the result is a [`Collected`][narcometrics.io.Collected] with ``table``
    and ``problems`` (see the how-to "Load your own data"). File-level
    problems (an unreadable file, a bad header, unknown or missing columns) still raise.
    """
    from narcometrics.io._collect import check_errors, collect_file

    check_errors(errors)
    suffix = os.path.splitext(os.fspath(source))[1].lower()
    if suffix not in _READERS:
        raise ValidationError("path", _UNKNOWN, os.fspath(source))
    if errors == "collect":
        return collect_file(source, record_type)
    reader: Callable[..., Table[Any]] = _READERS[suffix]
    return reader(source, record_type)


def write(target: PathLike, data: Table[Any] | Iterable[Any]) -> None:
    """Write a file by its suffix: ``.csv``, ``.json``, ``.parquet`` or ``.xlsx``."""
    suffix = os.path.splitext(os.fspath(target))[1].lower()
    writers: dict[str, Callable[..., None]] = {
        ".csv": write_csv,
        ".json": write_json,
        ".parquet": write_parquet,
        ".xlsx": _write_xlsx,
    }
    if suffix not in writers:
        raise ValidationError("path", _UNKNOWN, os.fspath(target))
    writers[suffix](target, data)

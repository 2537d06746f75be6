"""Many files and folders at once: each file read once, its record type told from its columns."""

from __future__ import annotations

import os
import stat
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

import attrs

from narcometrics._renamed import record_type_keyword
from narcometrics.errors import Problem, ValidationError
from narcometrics.io._collect import (
    Collected,
    FileProblems,
    check_errors,
    collect_csv,
    collect_frame,
    collect_payload,
    collect_sheet,
)
from narcometrics.io._csv import _separator_hint, check_dialect
from narcometrics.io._files import PathLike, check_regular, csv_rows, display_name, open_text
from narcometrics.io._kinds import TABLES, kind_of_columns, table_type
from narcometrics.io._readers import (
    json_payload,
    json_table,
    parquet_frame,
    parquet_table,
    read_csv,
)
from narcometrics.io._xlsx import read_sheet, sheet_table
from narcometrics.tables import Table

__all__ = [
    "SUFFIXES",
    "FileTable",
    "column_names",
    "detect_kind",
    "detect_record_type",
    "read_files",
]

#: The file suffixes the readers know (case-insensitive).
SUFFIXES = (".csv", ".json", ".parquet", ".xlsx")
_UNKNOWN = "unknown file type; use a .csv, .json, .parquet or .xlsx file"


@attrs.frozen(kw_only=True)
class FileTable:
    """One file read by [`read_files`][narcometrics.io.read_files].

    Attributes
    ----------
    path : str
        The file's path as given (or as found in a given folder), escaped for printing.
    record_type : type
        The record class the file holds (``Seizure``, ``Eradication``, ...); also under its
        0.1 name ``kind`` until 0.3, with a DeprecationWarning.
    table : Table
        The file's records.
    columns : frozenset of str
        The columns the file holds: the CSV header, the Parquet schema, or for JSON the
        keys every record has. A count column that is not there is not in the data (the
        table holds it as missing, never as 0).
    problems : FileProblems
        With ``errors="collect"``: the problems of the rows left out (else empty).
    """

    path: str
    record_type: type[Any]
    table: Table[Any]
    columns: frozenset[str]
    problems: FileProblems = FileProblems()
    rows: int | None = None
    """The data rows of the file when read with ``errors="collect"`` (else None)."""

    @property
    def kind(self) -> type[Any]:
        """Deprecated: use `record_type` (``kind`` is a column's storage in `FieldSpec`)."""
        warnings.warn(
            "FileTable.kind is deprecated and will be removed in 0.3; use FileTable.record_type",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.record_type

    @property
    def left_out(self) -> int:
        """The rows left out with problems (``errors="collect"``; 0 otherwise)."""
        return 0 if self.rows is None else self.rows - len(self.table)


def _kind_of(columns: Iterable[str], path: str, sep: str | None = None) -> type[Any]:
    names_held = set(columns)
    if sep is not None:  # a CSV header: is it separated by another character?
        every = [spec.name for table in TABLES.values() for spec in table.schema]
        hint = _separator_hint(list(columns), every, sep)
        if hint is not None:
            raise ValidationError(
                "file", hint, next(iter(names_held))[:80], path=path, row=1, column=1
            )
    return kind_of_columns(names_held, path)


def _suffix(path: PathLike) -> str:
    return os.path.splitext(os.fspath(path))[1].lower()


def _csv_header(source: PathLike, path: str, encoding: str, sep: str) -> list[str]:
    with open_text(source, encoding=encoding) as (stream, _):
        first = next(csv_rows(stream, path=path, source=source, encoding=encoding, sep=sep), None)
    if first is None:
        raise ValidationError("file", "is empty: a header row is required", path=path)
    return first[1]


def _json_keys(payload: Any, path: str) -> tuple[list[str], frozenset[str]]:
    """The keys of the first record (which tell the kind) and the keys of every record."""
    items = payload if isinstance(payload, list) else [payload]
    if not items or not all(isinstance(item, dict) for item in items):
        raise ValidationError(
            "$", "must hold a JSON object or a non-empty array of objects", path=path
        )
    every = frozenset(items[0]).intersection(*items[1:])
    return [str(k) for k in items[0]], every


def column_names(source: PathLike) -> list[str]:
    """The column names of a CSV, JSON, Parquet or xlsx file (for JSON: the keys of the first
    record). A CSV file is read up to its header; JSON and Parquet files are parsed."""
    path = display_name(source)
    suffix = _suffix(source)
    if suffix == ".csv":
        return _csv_header(source, path, "utf-8", ",")
    if suffix == ".json":
        return _json_keys(json_payload(source, path), path)[0]
    if suffix == ".parquet":
        frame = parquet_frame(source, path)
        return list(frame.column_names)
    if suffix == ".xlsx":
        return list(read_sheet(source).header)
    raise ValidationError("path", _UNKNOWN, path, path=path)


def detect_record_type(source: PathLike) -> type[Any]:
    """The record class a file holds, told from its column names.

    A file holds a record type when every column is one of its fields and every required
    field is there; exactly one type must fit.

    Raises
    ------
    ValidationError
        For a missing or unreadable file, or columns that fit no record type, or several.
    """
    sep = "," if _suffix(source) == ".csv" else None
    return _kind_of(column_names(source), display_name(source), sep)


def _read_one(
    source: PathLike,
    path: str,
    record_type: type[Any] | None,
    encoding: str,
    sep: str,
    decimal: str,
    collect: bool = False,
) -> FileTable:
    suffix = _suffix(source)
    got: Table[Any] | Collected
    if suffix == ".csv":
        names = _csv_header(source, path, encoding, sep)
        found = record_type if record_type is not None else _kind_of(names, path, sep)
        if collect:
            got = collect_csv(source, found, encoding=encoding, sep=sep, decimal=decimal)
        else:
            got = read_csv(source, found, encoding=encoding, sep=sep, decimal=decimal)
        return _file(path, found, got, frozenset(names))
    if suffix == ".json":
        payload = json_payload(source, path)
        first, every = _json_keys(payload, path)
        found = record_type if record_type is not None else _kind_of(first, path)
        read_json = collect_payload if collect else json_table
        return _file(path, found, read_json(payload, table_type(found), path), every)
    if suffix == ".parquet":
        frame = parquet_frame(source, path)
        names = list(frame.column_names)
        found = record_type if record_type is not None else _kind_of(names, path)
        read_frame = collect_frame if collect else parquet_table
        return _file(path, found, read_frame(frame, table_type(found), path), frozenset(names))
    if suffix == ".xlsx":
        raw = read_sheet(source)
        found = record_type if record_type is not None else _kind_of(raw.header, path)
        got = collect_sheet(raw, found) if collect else sheet_table(raw, found)
        return _file(path, found, got, frozenset(raw.header))
    raise ValidationError("path", _UNKNOWN, path, path=path)


def _file(
    path: str, record_type: type[Any], got: Table[Any] | Collected, columns: frozenset[str]
) -> FileTable:
    if isinstance(got, Table):
        return FileTable(path=path, record_type=record_type, table=got, columns=columns)
    return FileTable(
        path=path,
        record_type=record_type,
        table=got.table,
        columns=columns,
        problems=got.problems,
        rows=got.rows,
    )


def _gather(paths: Sequence[PathLike], problems: list[Problem]) -> list[tuple[str, str]]:
    """The files to read (path, name to show), each file once: a file reached twice (a
    repeated argument, a folder and a file in it, a link to it) is read once."""
    files: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()

    def add(path: str, status: os.stat_result) -> None:
        identity = (status.st_dev, status.st_ino)
        if identity not in seen:
            seen.add(identity)
            files.append((path, display_name(path)))

    for given in paths:
        path = os.fspath(given)
        name = display_name(path)
        try:
            status = os.stat(path)
        except FileNotFoundError:
            problems.append(Problem(field="path", problem="file not found", path=name))
            continue
        except OSError as exc:
            problems.append(
                Problem(field="path", problem=f"cannot be read ({exc.strerror})", path=name)
            )
            continue
        if stat.S_ISDIR(status.st_mode):
            try:
                entries = sorted(
                    os.path.join(path, entry)
                    for entry in os.listdir(path)
                    if _suffix(entry) in SUFFIXES
                )
            except OSError as exc:
                problems.append(
                    Problem(field="path", problem=f"cannot be listed ({exc.strerror})", path=name)
                )
                continue
            if not entries:
                problems.append(
                    Problem(
                        field="path",
                        problem="no .csv, .json or .parquet files in this folder",
                        path=name,
                    )
                )
            for entry in entries:
                try:
                    add(entry, check_regular(entry))
                except ValidationError as error:
                    problems.extend(error.problems)
        elif stat.S_ISREG(status.st_mode):
            if _suffix(path) not in SUFFIXES:
                problems.append(Problem(field="path", problem=_UNKNOWN, path=name))
            else:
                add(path, status)
        else:
            problems.append(
                Problem(
                    field="path",
                    problem="is not a regular file (a FIFO, socket or device is refused)",
                    path=name,
                )
            )
    return files


@record_type_keyword
def read_files(
    paths: PathLike | Sequence[PathLike],
    *,
    record_type: type[Any] | None = None,
    encoding: str = "utf-8",
    sep: str = ",",
    decimal: str = ".",
    reader: Callable[[str, str], FileTable] | None = None,
    errors: Literal["raise", "collect"] = "raise",
) -> list[FileTable]:
    """Read files and folders of record files, each file once, in one pass per file.

    Parameters
    ----------
    paths : path or sequence of paths
        ``.csv``, ``.json`` and ``.parquet`` files, and folders whose files with those
        suffixes are read (in name order; sub-folders are not walked). The same file
        reached twice (a repeated path, a folder and a file inside it, a symbolic or hard
        link to a file already given) is read once, at its first place. Anything that is
        not a regular file or a folder (a FIFO, a socket, a device) is refused.
    record_type : record or table class, optional
        The record type of every file; by default each file's type is told from its
        columns, as [`detect_record_type`][narcometrics.io.detect_record_type] does.
    encoding, sep, decimal
        For CSV files, as for [`read_csv`][narcometrics.io.read_csv].
    reader : callable, optional
        Reads one file, given its path and the name to show, into a `FileTable` (used by
        [`narcometrics.normalise`][narcometrics.normalise] to read files through a column
        mapping); by default the file is read by its suffix.
    errors : {"raise", "collect"}
        ``"raise"`` (the default): any bad row is an error. ``"collect"``: each file's
        valid rows are read and the others left out, their problems in
        `FileTable.problems` (see [`read`][narcometrics.io.read]); problems of whole files
        still raise. Not with ``reader``.

    Returns
    -------
    list of FileTable
        One per file read, in order: its path, record type, table and columns.

    Raises
    ------
    ValidationError
        With the problems of every file (each naming the file, and the row and column or
        JSON path), after reading them all. Records repeated across files are not merged
        here: concatenating the tables refuses repeated ids.
    """
    given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if record_type is not None:
        record_type = table_type(record_type).record_type
    check_dialect(encoding, sep, decimal)
    check_errors(errors)
    if errors == "collect" and reader is not None:
        raise ValidationError("errors", "'collect' cannot be used with a reader", errors)
    problems: list[Problem] = []
    out: list[FileTable] = []
    for source, name in _gather(given, problems):
        try:
            if reader is not None:
                out.append(reader(source, name))
            else:
                out.append(
                    _read_one(
                        source, name, record_type, encoding, sep, decimal, errors == "collect"
                    )
                )
        except ValidationError as error:
            problems.extend(error.problems)
    if problems:
        raise ValidationError.from_problems(problems)
    return out


def detect_kind(source: PathLike) -> type[Any]:
    """Deprecated: use [`detect_record_type`][narcometrics.io.detect_record_type] (``kind`` is
    a column's storage in `FieldSpec`); works until 0.3."""
    warnings.warn(
        "narcometrics.io.detect_kind is deprecated and will be removed in 0.3; use "
        "detect_record_type",
        DeprecationWarning,
        stacklevel=2,
    )
    return detect_record_type(source)

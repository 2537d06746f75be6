"""CSV reading and writing for every record type.

Two engines read the same format and give the same tables: ``"pyarrow"`` (when pyarrow is
installed; columnar and multi-threaded, for large files) and ``"python"`` (the standard
library; also used to locate every bad cell when pyarrow refuses a file). Errors say
``path:row:column: field: problem (value)``, where ``row`` is the line of the file on which
the record starts (the header is line 1; a quoted cell spanning lines counts all its lines)
and ``column`` counts from 1.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, Literal

import attrs
import numpy as np

from narcometrics._checks import parse_count, parse_float
from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError
from narcometrics.io._files import (
    PathLike,
    atomic_writer,
    csv_rows,
    escape_cell,
    open_text,
    unescape_cell,
)
from narcometrics.io._kinds import LIST_SEPARATOR
from narcometrics.tables import FieldSpec, Table

Engine = Literal["auto", "pyarrow", "python"]

#: Rows per chunk when streaming with the python engine.
DEFAULT_CHUNK_ROWS = 500_000
#: Bytes per block when streaming with the pyarrow engine.
DEFAULT_BLOCK_BYTES = 64 << 20


# ------------------------------------------------------------------------------ header


@attrs.frozen
class Header:
    """The columns of a CSV file matched to the fields of a table class."""

    names: tuple[str, ...]
    positions: dict[str, int]  # field name -> 0-based column index


def check_header(names: Sequence[str], table: type[Table[Any]], path: str) -> Header:
    """Match a header row to the table's fields: unknown, repeated or missing columns fail."""
    problems: list[Problem] = []
    fields = {spec.name: spec for spec in table.schema}
    positions: dict[str, int] = {}
    for index, name in enumerate(names):

        def at(problem: str, name: str = name, index: int = index) -> Problem:
            return Problem(
                field=name or "<empty>", problem=problem, path=path, row=1, column=index + 1
            )

        if name not in fields:
            problems.append(at(f"unknown column; valid columns are: {', '.join(fields)}"))
        elif name in positions:
            problems.append(at("repeated column"))
        else:
            positions[name] = index
    for spec in table.schema:
        if spec.name not in positions and not spec.default:
            problems.append(
                Problem(field=spec.name, problem="required column is missing", path=path, row=1)
            )
    if problems:
        raise ValidationError.from_problems(problems[:MAX_PROBLEMS])
    return Header(names=tuple(names), positions=positions)


def locate(
    error: ValidationError, header: Header, path: str, lines: Sequence[int]
) -> ValidationError:
    """Give a table's errors (0-based rows) the file lines, columns and the path."""
    located = []
    for p in error.problems:
        column = header.positions.get(p.field)
        located.append(
            attrs.evolve(
                p,
                path=path,
                row=None if p.row is None else lines[p.row],
                column=None if column is None else column + 1,
            )
        )
    return ValidationError.from_problems(located, truncated=error.truncated)


# ------------------------------------------------------------------- python engine


def _parse_float(text: str) -> float:
    return parse_float(text)  # plain ASCII decimal notation only


def _parse_count(text: str) -> int:
    return parse_count(text)  # plain ASCII decimal digits only, within int64


def _parse_date(text: str) -> _dt.date:
    if len(text) != 10:
        raise ValueError("must be an ISO 8601 date (YYYY-MM-DD)")
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("must be an ISO 8601 date (YYYY-MM-DD)") from None


_PROBLEM_WORDS = {
    "float": "must be a real number",
    "count": "must be an integer count",
    "date": "must be an ISO 8601 date (YYYY-MM-DD)",
}


def _cell_parser(spec: FieldSpec) -> Callable[[str], Any]:
    if spec.kind == "float":
        return _parse_float
    if spec.kind == "count":
        return _parse_count
    if spec.kind == "date":
        return _parse_date
    if spec.kind == "floats":
        return lambda text: tuple(_parse_float(v) for v in text.split(LIST_SEPARATOR))
    if spec.kind == "texts":
        return lambda text: tuple(unescape_cell(v) for v in text.split(LIST_SEPARATOR))
    return unescape_cell  # country, enum, text: the table checks them


def python_columns(
    rows: Sequence[Sequence[str]],
    header: Header,
    table: type[Table[Any]],
    path: str,
    lines: Sequence[int],
) -> tuple[dict[str, list[Any]], list[Problem]]:
    """Convert rows of strings to Python values per field; bad cells become problems."""
    problems: list[Problem] = []
    width = len(header.names)
    for offset, row in enumerate(rows):
        if len(row) != width:
            problems.append(
                Problem(
                    field="row",
                    problem=f"has {len(row)} cells where the header has {width}",
                    path=path,
                    row=lines[offset],
                )
            )
            if len(problems) >= MAX_PROBLEMS:
                return {}, problems
    if problems:
        return {}, problems
    columns: dict[str, list[Any]] = {}
    for spec in table.schema:
        if spec.name not in header.positions:
            continue
        index = header.positions[spec.name]
        parse = _cell_parser(spec)
        values: list[Any] = []
        for offset, row in enumerate(rows):
            text = row[index]
            if text == "":
                values.append(() if spec.kind == "floats" else None)
                continue
            try:
                values.append(parse(text))
            except ValueError as exc:
                words = _PROBLEM_WORDS.get(spec.kind, "must be a list of real numbers")
                if spec.kind == "floats":
                    words = "must be real numbers separated by ';'"
                problem = str(exc) if str(exc) == "must be finite" else words
                problems.append(
                    Problem(
                        field=spec.name,
                        problem=problem,
                        value=text,
                        path=path,
                        row=lines[offset],
                        column=index + 1,
                    )
                )
                values.append(None)
                if len(problems) >= MAX_PROBLEMS:
                    return columns, problems
        columns[spec.name] = values
    return columns, problems


def python_chunks(
    stream: IO[str],
    table: type[Table[Any]],
    path: str,
    *,
    chunk_rows: int,
    skip_rows: int = 0,
    on_rows: Callable[[int], None] | None = None,
) -> Iterator[Table[Any]]:
    """Tables of up to ``chunk_rows`` rows from a CSV text stream (python engine).

    The first ``skip_rows`` records are parsed but not validated or yielded (a stream that
    pyarrow began and refused resumes here).
    """
    rows = csv_rows(stream)
    try:
        _, names = next(rows)
    except StopIteration:
        raise ValidationError("file", "is empty: a header row is required", path=path) from None
    header = check_header(names, table, path)

    def build(chunk: list[list[str]], lines: list[int]) -> Table[Any]:
        columns, problems = python_columns(chunk, header, table, path, lines)
        if not problems:
            try:
                return table.from_columns(**columns)
            except ValidationError as error:
                raise locate(error, header, path, lines) from None
        if columns:
            # Report the table's own problems in the other rows too, so that one run
            # shows every bad cell: validate the rows whose cells all parsed.
            bad = {p.row for p in problems}
            keep = [i for i, line in enumerate(lines) if line not in bad]
            subset = {name: [values[i] for i in keep] for name, values in columns.items()}
            try:
                table.from_columns(**subset)
            except ValidationError as error:
                problems.extend(locate(error, header, path, [lines[i] for i in keep]).problems)
            problems.sort(key=lambda p: (p.row or 0, p.column or 0))
        raise ValidationError.from_problems(
            problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS
        )

    seen = 0
    buffer: list[list[str]] = []
    lines: list[int] = []
    yielded = False
    for line, row in rows:
        seen += 1
        if seen <= skip_rows:
            continue
        buffer.append(row)
        lines.append(line)
        if len(buffer) >= chunk_rows:
            yield build(buffer, lines)
            yielded = True
            if on_rows is not None:
                on_rows(len(buffer))
            buffer, lines = [], []
    if buffer or not (yielded or skip_rows):
        yield build(buffer, lines)
        if on_rows is not None:
            on_rows(len(buffer))


# ------------------------------------------------------------------- pyarrow engine


def _arrow_types(table: type[Table[Any]], header: Header) -> dict[str, Any]:
    import pyarrow as pa

    types: dict[str, Any] = {}
    for spec in table.schema:
        if spec.name not in header.positions:
            continue
        if spec.kind == "float":
            types[spec.name] = pa.float64()
        elif spec.kind == "count":
            types[spec.name] = pa.int64()
        elif spec.kind == "date":
            types[spec.name] = pa.date32()
        elif spec.kind in ("floats", "texts"):
            types[spec.name] = pa.string()
        else:
            types[spec.name] = pa.dictionary(pa.int32(), pa.string())
    return types


def _finish_arrow(batch: Any, table: type[Table[Any]], header: Header) -> Any:
    """Unescape text, split list cells and refuse non-finite floats, column-wise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = {}
    for name in batch.column_names:
        spec = next(s for s in table.schema if s.name == name)
        column = batch.column(name)
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        if spec.kind == "float":
            bad = pc.fill_null(pc.invert(pc.is_finite(column)), False)
            if pc.any(bad).as_py():
                raise _Fallback()
        elif spec.kind == "floats" or spec.kind == "texts":
            empty = pc.fill_null(pc.equal(column, ""), True)
            parts = pc.split_pattern(column, LIST_SEPARATOR)
            if spec.kind == "floats":
                try:
                    parts = parts.cast(pa.list_(pa.float64()))
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    raise _Fallback() from None
                # An empty cell is an empty list for scores.
                parts = pc.if_else(empty, pa.scalar([], pa.list_(pa.float64())), parts)
            elif pc.any(pc.starts_with(pc.list_flatten(parts), "'")).as_py():
                raise _Fallback()
            column = parts
        elif pa.types.is_dictionary(column.type):
            dictionary = column.dictionary
            if len(dictionary) and pc.any(pc.starts_with(dictionary, "'")).as_py():
                labels = pa.array([unescape_cell(v) for v in dictionary.to_pylist()])
                column = pa.DictionaryArray.from_arrays(column.indices, labels)
        arrays[name] = column
    return pa.table(arrays)


def _has_quote(source: PathLike) -> bool:
    """Whether a file holds a double quote anywhere (searched in place, not copied)."""
    import mmap

    with open(source, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
            return view.find(b'"') != -1


class _Fallback(Exception):
    """pyarrow cannot give a precise answer: let the python engine locate the problems."""


def arrow_chunks(
    source: PathLike,
    table: type[Table[Any]],
    path: str,
    *,
    block_bytes: int,
    whole: bool = False,
    on_rows: Callable[[int], None] | None = None,
) -> Iterator[Table[Any]]:
    """Tables from a CSV file read by pyarrow in blocks of about ``block_bytes`` bytes
    (or all at once, multi-threaded, with ``whole``).

    Raises [`_Fallback`][narcometrics.io._csv._Fallback] (after yielding what was read correctly)
    when pyarrow refuses the file; the caller then locates the problems with the python engine.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with open_text(source) as (stream, _):
        first = next(csv_rows(stream), None)
    if first is None:
        raise ValidationError("file", "is empty: a header row is required", path=path)
    header = check_header(first[1], table, path)
    types = _arrow_types(table, header)
    # A whole read keeps pyarrow's small default blocks, which its threads parse in parallel.
    read_options = pacsv.ReadOptions(block_size=None if whole else block_bytes)
    parse_options = pacsv.ParseOptions(newlines_in_values=True)
    convert_options = pacsv.ConvertOptions(
        column_types=types,
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        null_values=[""],
        true_values=[],
        false_values=[],
    )
    errors = (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, UnicodeError)
    batches: Iterator[Any]
    try:
        if whole:
            # One multi-threaded read of the whole file. Without a quote character no value
            # can hold a line break, and pyarrow may then split the file at any line.
            with open(source, "rb") as fh:
                data = fh.read()
            if b'"' not in data:
                parse_options = pacsv.ParseOptions(newlines_in_values=False)
            batches = iter(
                [
                    pacsv.read_csv(
                        pa.BufferReader(data), read_options, parse_options, convert_options
                    )
                ]
            )
        else:
            reader = pacsv.open_csv(os.fspath(source), read_options, parse_options, convert_options)
            batches = (pa.Table.from_batches([b]) for b in reader)
    except errors:
        raise _Fallback() from None
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            break
        except errors:
            raise _Fallback() from None
        frame = _finish_arrow(batch, table, header)
        try:
            chunk = table.from_frame(frame)
        except ValidationError:
            # pyarrow skipped blank lines and joined quoted line breaks, so only the
            # python engine knows the file lines: it reports this chunk's problems.
            raise _Fallback() from None
        if on_rows is not None:
            on_rows(len(chunk))
        yield chunk


# ------------------------------------------------------------------------- writing


def _format_float(value: float) -> str:
    return "" if math.isnan(value) else repr(float(value))


def csv_cells(table: Table[Any]) -> Iterator[list[str]]:
    """The header and then each row of a table as CSV cells (text escaped)."""
    names = [spec.name for spec in table.schema]
    yield names
    columns: dict[str, Any] = dict(table.to_columns())
    formatted: list[list[str]] = []
    for spec in table.schema:
        data = columns[spec.name]
        if spec.kind == "date":
            formatted.append(np.datetime_as_string(data, unit="D").tolist())
        elif spec.kind == "float":
            formatted.append([_format_float(v) for v in np.asarray(data, dtype=float).tolist()])
        elif spec.kind == "count":
            masked = np.ma.asarray(data)
            mask = np.ma.getmaskarray(masked)
            formatted.append(
                [
                    "" if m else str(v)
                    for v, m in zip(masked.data.tolist(), mask.tolist(), strict=True)
                ]
            )
        elif spec.kind == "floats":
            formatted.append(
                [LIST_SEPARATOR.join(repr(float(x)) for x in data.row(i)) for i in range(len(data))]
            )
        elif spec.kind == "texts":
            cells = []
            for i in range(len(data)):
                items = data.row(i)  # an empty row is a missing list (None)
                for item in items:
                    if LIST_SEPARATOR in item:
                        raise ValidationError(
                            spec.name,
                            f"cannot be written to CSV: an item contains {LIST_SEPARATOR!r}",
                            item,
                            row=i,
                        )
                cells.append(LIST_SEPARATOR.join(escape_cell(item) for item in items))
            formatted.append(cells)
        else:
            labels = data.to_list()
            formatted.append(["" if v is None else escape_cell(str(v)) for v in labels])
    yield from (list(row) for row in zip(*formatted, strict=True))


def write_rows(target: PathLike, rows: Iterator[list[str]]) -> None:
    """Write CSV rows to ``target`` atomically (UTF-8, no BOM, ``\\n`` line ends)."""
    import csv

    with atomic_writer(target) as stream:
        # CRLF (RFC 4180): cells holding a bare CR or LF are then quoted too.
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerows(rows)

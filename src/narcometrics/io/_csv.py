"""CSV reading and writing for every record type.

Two engines read the same format and give the same tables: ``"pyarrow"`` (when pyarrow is
installed; columnar and multi-threaded, for large files) and ``"python"`` (the standard
library; also used to locate every bad cell when pyarrow refuses a file). Errors say
``path:row:column: field: problem (value)``, where ``row`` is the line of the file on which
the record starts (the header is line 1; a quoted cell spanning lines counts all its lines)
and ``column`` counts from 1. This module holds the dialect, the header, the python engine
and the writer; the pyarrow engine is `narcometrics.io._csv_arrow`. The python engine reads
a UTF-8 file as bytes in blocks of lines and, for blocks without quotes, finds and converts
the cells with numpy (`narcometrics.io._csv_bytes`, `narcometrics.io._csv_vector`); any other
text goes through `csv.reader`, then the columnar path for chunks whose cells are all in the
grammar (`narcometrics.io._csv_columns`), then the cell-by-cell path that names every bad
cell (`narcometrics.io._csv_grammar`). All of them give the same tables and errors.

Both engines read one grammar, so a file gives the same answer whatever its size:

- a real number is ``[+-]digits[.digits][(e|E)[+-]digits]`` (or ``.digits``), with the
  ``decimal`` character as its point; no spaces, no ``_``, no hexadecimal; ``nan`` and
  ``inf`` are refused (values must be finite);
- an integer count is ``[-]digits`` (ASCII digits only, no ``+``, no ``0x``);
- a date is ``YYYY-MM-DD`` exactly, with no spaces or tabs around it;
- text is taken as it is (see [`unescape_cell`][narcometrics.io.unescape_cell] for the one
  apostrophe the writer adds).
"""

from __future__ import annotations

import collections
import gc
import io
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, Literal, TypeVar

import attrs
import numpy as np

from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError
from narcometrics.io._csv_bytes import (
    Block,
    LineReader,
    bad_byte_line,
    binary_source,
    text_from,
)
from narcometrics.io._csv_columns import fast_columns
from narcometrics.io._csv_grammar import _PARSERS, python_columns
from narcometrics.io._csv_grammar import Tally as Tally  # (imported from here by _collect)
from narcometrics.io._csv_vector import block_columns
from narcometrics.io._files import (
    PathLike,
    atomic_writer,
    csv_rows,
    escape_cell,
)
from narcometrics.io._kinds import LIST_SEPARATOR
from narcometrics.tables import Table

Engine = Literal["auto", "pyarrow", "python"]
T = TypeVar("T")

#: Rows per chunk when streaming with the python engine.
DEFAULT_CHUNK_ROWS = 500_000
#: Bytes per block when streaming with the pyarrow engine.
DEFAULT_BLOCK_BYTES = 64 << 20


# ------------------------------------------------------------------------------ header


@attrs.frozen(kw_only=True)
class Dialect:
    """How a CSV file is written: its text encoding, cell separator and decimal point."""

    encoding: str = "utf-8"
    sep: str = ","
    decimal: str = "."


def check_dialect(encoding: str, sep: str, decimal: str) -> Dialect:
    """Validate the dialect options of the readers."""
    if not isinstance(sep, str) or len(sep) != 1 or sep in '"\r\n' or sep.isalnum():
        raise ValidationError(
            "sep", "must be one character other than a quote, digit or line end", sep
        )
    if decimal not in (".", ","):
        raise ValidationError("decimal", "must be '.' or ','", decimal)
    if decimal == sep:
        raise ValidationError("decimal", "must differ from sep", decimal)
    if not isinstance(encoding, str):
        raise ValidationError("encoding", "must be the name of a text encoding", encoding)
    return Dialect(encoding=encoding, sep=sep, decimal=decimal)


@attrs.frozen
class Header:
    """The columns of a CSV file matched to the fields of a table class."""

    names: tuple[str, ...]
    positions: dict[str, int]  # field name -> 0-based column index


def _separator_hint(names: Sequence[str], fields: Sequence[str], sep: str) -> str | None:
    """A hint when a one-column header splits into fields at another common separator."""
    if len(names) != 1:
        return None
    for other in (";", "\t", "|", ","):
        if other != sep and other in names[0]:
            parts = names[0].split(other)
            if sum(part.strip() in fields for part in parts) >= 2:
                extra = " (and decimal=',' for decimal commas)" if other == ";" else ""
                return f"the header is separated by {other!r}: pass sep={other!r}{extra}"
    return None


def check_header(
    names: Sequence[str], table: type[Table[Any]], path: str, sep: str = ","
) -> Header:
    """Match a header row to the table's fields: unknown, repeated or missing columns fail."""
    problems: list[Problem] = []
    fields = {spec.name: spec for spec in table.schema}
    hint = _separator_hint(names, list(fields), sep)
    if hint is not None:
        raise ValidationError("file", hint, names[0][:80], path=path, row=1, column=1)
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


#: Files smaller than this [bytes] are read as text: `csv.reader` starts faster.
_SMALL_BYTES = 16 << 10
#: Records per block of the byte path (its arrays stay within the processor's caches).
_BLOCK_RECORDS = 1 << 16
#: Rows validated at once when counting every problem of a file with many (each block
#: reports all its problems unless its rows have more than `MAX_PROBLEMS` between them).
_BLOCK_ROWS = MAX_PROBLEMS // 2


class _Builder:
    """Builds the table of a chunk of rows of cells, or raises the error naming every
    problem of the chunk (counted for the whole file in ``tally``)."""

    def __init__(
        self, header: Header, table: type[Table[Any]], path: str, dialect: Dialect
    ) -> None:
        self.header = header
        self.table = table
        self.path = path
        self.dialect = dialect
        self.tally = Tally()

    def rule_problems(
        self, columns: dict[str, list[Any]], keep: list[int], lines: list[int]
    ) -> list[Problem]:
        """Every problem the table's rules find in the rows ``keep``: when the error of all
        of them stopped at `MAX_PROBLEMS`, the rows are validated in small blocks (halved
        again when a block stops too) so that every problem is found and counted."""
        header, path, table = self.header, self.path, self.table
        found: list[Problem] = []
        if not keep:
            return found
        step = len(keep)
        if step > _BLOCK_ROWS:
            subset = {name: [values[i] for i in keep] for name, values in columns.items()}
            try:
                table.from_columns(**subset)
            except ValidationError as error:
                if not error.truncated:
                    return list(locate(error, header, path, [lines[i] for i in keep]).problems)
                step = _BLOCK_ROWS
            else:
                return found
        parts = [(start, min(start + step, len(keep))) for start in range(0, len(keep), step)]
        parts.reverse()
        while parts:
            start, stop = parts.pop()
            rows = keep[start:stop]
            subset = {name: [values[i] for i in rows] for name, values in columns.items()}
            try:
                table.from_columns(**subset)
            except ValidationError as error:
                if error.truncated and stop - start > 1:
                    middle = (start + stop) // 2
                    parts.extend([(middle, stop), (start, middle)])
                    continue
                found.extend(locate(error, header, path, [lines[i] for i in rows]).problems)
        return found

    def build(self, chunk: list[list[str]], lines: list[int]) -> Table[Any]:
        header, path, table, tally = self.header, self.path, self.table, self.tally
        fast = fast_columns(
            chunk, header.positions, len(header.names), table.schema, _PARSERS, self.dialect.decimal
        )
        if fast is not None:
            try:
                return table.from_columns(**fast)
            except ValidationError:
                pass  # the cell-by-cell path below names every problem
        del fast
        bad_rows: set[int] = set()
        columns, problems = python_columns(
            chunk,
            header,
            table,
            path,
            lines,
            decimal=self.dialect.decimal,
            tally=tally,
            bad_rows=bad_rows,
        )
        if not problems:
            try:
                return table.from_columns(**columns)
            except ValidationError as error:
                if not error.truncated:
                    raise locate(error, header, path, lines) from None
        if columns:
            # Report the table's own problems in the other rows too, so that one run
            # shows every bad cell (and the summary counts them all): validate the rows
            # whose cells all parsed.
            keep = [i for i in range(len(lines)) if i not in bad_rows]
            located = self.rule_problems(columns, keep, lines)
            for p in located:
                value = p.value if isinstance(p.value, str) else repr(p.value)
                tally.add(p.field, value if p.has_value else None)
            problems.extend(located)
            problems.sort(key=lambda p: (p.row or 0, p.column or 0))
        truncated = tally.total() > MAX_PROBLEMS
        raise ValidationError.from_problems(
            problems[:MAX_PROBLEMS],
            truncated=truncated or len(problems) > MAX_PROBLEMS,
            summary=tally.lines(path) if truncated else (),
        )

    def fast_block(self, block: Block) -> Table[Any] | None:
        """The table of a clean block of lines (`narcometrics.io._csv_bytes`), its columns
        found with numpy; None when that path cannot judge it or the table refuses it (the
        text path then names every problem)."""
        header, table, dialect = self.header, self.table, self.dialect
        columns = block_columns(
            block,
            header.positions,
            len(header.names),
            dialect.sep,
            table.schema,
            _PARSERS,
            dialect.decimal,
        )
        if columns is None:
            return None
        try:
            return table.from_columns(**columns)
        except ValidationError:
            return None

    def text_blocks(self, blocks: list[Block]) -> Table[Any]:
        """The table of consecutive clean blocks read by `csv.reader` (they hold no quote:
        their lines are their records), or the error naming every problem."""
        data = b"".join(block.data for block in blocks)
        first_line = blocks[0].first_line if blocks else 1
        records = csv_rows(
            io.StringIO(data.decode("utf-8")),
            path=self.path,
            sep=self.dialect.sep,
            first_line=first_line,
        )
        cells, lines = _gather(records, sum(len(block) for block in blocks))
        return self.build(cells, lines)


def python_chunks(
    stream: IO[str],
    table: type[Table[Any]],
    path: str,
    *,
    chunk_rows: int,
    skip_rows: int = 0,
    on_rows: Callable[[int], None] | None = None,
    source: PathLike | IO[Any] | None = None,
    dialect: Dialect = Dialect(),
) -> Iterator[Table[Any]]:
    """Tables of up to ``chunk_rows`` rows from a CSV text stream (python engine).

    The first ``skip_rows`` records are parsed but not validated or yielded (a stream that
    pyarrow began and refused resumes here). A UTF-8 file or binary stream is read as bytes
    (`narcometrics.io._csv_bytes`) until a block holds what only `csv.reader` reads exactly
    (a quote, say): from there on, and for any other stream, `csv.reader` reads the text.
    """
    raw = None if skip_rows else binary_source(stream, source, dialect.encoding, dialect.sep)
    if raw is not None:
        yield from _byte_chunks(
            raw, table, path, chunk_rows=chunk_rows, on_rows=on_rows, source=source, dialect=dialect
        )
        return
    yield from _text_chunks(
        stream,
        table,
        path,
        chunk_rows=chunk_rows,
        skip_rows=skip_rows,
        on_rows=on_rows,
        source=source,
        dialect=dialect,
    )


def _text_chunks(
    stream: IO[str],
    table: type[Table[Any]],
    path: str,
    *,
    chunk_rows: int,
    skip_rows: int = 0,
    on_rows: Callable[[int], None] | None = None,
    source: PathLike | IO[Any] | None = None,
    dialect: Dialect = Dialect(),
    first_line: int = 1,
    bad_line: int | None = None,
) -> Iterator[Table[Any]]:
    """`python_chunks` reading the text with `csv.reader` (``first_line`` is the file line
    of the stream's first line; ``bad_line`` that of its first byte that is not text, when
    known)."""
    rows = csv_rows(
        stream,
        path=path,
        source=source,
        encoding=dialect.encoding,
        sep=dialect.sep,
        first_line=first_line,
        bad_line=bad_line,
    )
    try:
        _, names = next(rows)
    except StopIteration:
        raise ValidationError("file", "is empty: a header row is required", path=path) from None
    builder = _Builder(check_header(names, table, path, dialect.sep), table, path, dialect)
    yield from _row_chunks(
        rows, builder, chunk_rows=chunk_rows, skip_rows=skip_rows, on_rows=on_rows
    )


def _row_chunks(
    records: Iterator[tuple[int, list[str]]],
    builder: _Builder,
    *,
    chunk_rows: int,
    skip_rows: int = 0,
    on_rows: Callable[[int], None] | None = None,
    yielded: bool = False,
) -> Iterator[Table[Any]]:
    """The tables of the records of a `csv_rows` iterator (``yielded``: whether a table of
    the file was yielded before these records)."""
    if skip_rows:  # parsed, not validated
        _paused(collections.deque, itertools.islice(records, skip_rows), maxlen=0)
    while True:
        cells, lines = _paused(_gather, records, chunk_rows)
        if not cells and (yielded or skip_rows):
            break
        chunk = _paused(builder.build, cells, lines)
        yield chunk
        yielded = True
        if on_rows is not None:
            on_rows(len(cells))
        if len(cells) < chunk_rows:
            break


def _byte_chunks(
    raw: IO[bytes],
    table: type[Table[Any]],
    path: str,
    *,
    chunk_rows: int,
    on_rows: Callable[[int], None] | None,
    source: PathLike | IO[Any] | None,
    dialect: Dialect,
) -> Iterator[Table[Any]]:
    """`python_chunks` reading a UTF-8 binary stream in blocks of lines."""
    reader = LineReader(raw)
    head = reader.take(1)
    if not head.clean or not len(head) or reader.smaller_than(_SMALL_BYTES):
        rest = reader.rest(head)
        yield from _text_chunks(
            text_from(rest, raw),
            table,
            path,
            chunk_rows=chunk_rows,
            on_rows=on_rows,
            source=source,
            dialect=dialect,
            bad_line=bad_byte_line(rest, head.first_line),
        )
        return
    names = head.data[head.starts[0] : head.ends[0]].decode("utf-8").split(dialect.sep)
    builder = _Builder(check_header(names, table, path, dialect.sep), table, path, dialect)
    step = min(chunk_rows, _BLOCK_RECORDS)
    yielded = False
    while True:
        # A chunk of chunk_rows records, read in blocks of at most _BLOCK_RECORDS (whose
        # arrays stay in the processor's caches) and joined; when any block is refused,
        # the text path reads the whole chunk, so that its error names every problem.
        blocks: list[Block] = []
        parts: list[Table[Any]] | None = []
        count = 0
        while count < chunk_rows:
            want = min(step, chunk_rows - count)
            block = _paused(reader.take, want)
            if not block.clean:  # csv.reader reads the rest, from this chunk on
                rest = b"".join([*(b.data for b in blocks), reader.rest(block)])
                first_line = blocks[0].first_line if blocks else block.first_line
                records = csv_rows(
                    text_from(rest, raw),
                    path=path,
                    source=source,
                    encoding=dialect.encoding,
                    sep=dialect.sep,
                    first_line=first_line,
                    bad_line=bad_byte_line(rest, first_line),
                )
                yield from _row_chunks(
                    records, builder, chunk_rows=chunk_rows, on_rows=on_rows, yielded=yielded
                )
                return
            blocks.append(block)
            count += len(block)
            if parts is not None and len(block):
                part = _paused(builder.fast_block, block)
                if part is None:
                    parts = None
                else:
                    parts.append(part)
            if len(block) < want:
                break  # the end of the file
        if not count and yielded:
            break
        chunk = None
        if parts:
            try:
                chunk = table.concat(parts)
            except ValidationError:  # a repeated id: the text path says where
                chunk = None
        if chunk is None:
            chunk = _paused(builder.text_blocks, blocks)
        del blocks, parts
        yield chunk
        yielded = True
        if on_rows is not None:
            on_rows(count)
        if count < chunk_rows:
            break


def _gather(records: Iterator[tuple[int, list[str]]], n: int) -> tuple[list[list[str]], list[int]]:
    """The next ``n`` records (fewer at the end) and the line each starts on."""
    cells: list[list[str]] = []
    lines: list[int] = []
    for line, row in itertools.islice(records, n):
        cells.append(row)
        lines.append(line)
    return cells, lines


def _paused(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``call(*args, **kwargs)`` with the garbage collector paused: a chunk is hundreds of
    thousands of lists of strings, which hold no reference cycles, and each collection
    would scan them all again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return call(*args, **kwargs)
    finally:
        if collecting:
            gc.enable()


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
    """Write CSV rows to ``target`` atomically: UTF-8 without a byte-order mark, every line
    ended by CRLF (``\\r\\n``, as RFC 4180 asks), a cell quoted with ``"`` when it holds the
    separator, a quote (doubled inside), a carriage return or a line feed."""
    import csv

    with atomic_writer(target) as stream:
        # With CRLF as the terminator, a cell holding a bare CR or LF is quoted too.
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerows(rows)

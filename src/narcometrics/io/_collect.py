"""Reading what is good: the valid rows of a file and every problem of the others.

``read(path, record_type, errors="collect")`` reads the whole file; when it is refused, the rows
are split in halves and each half read again (a half with no problem is kept whole, a single
bad row gives its exact problems), so the cost is about (bad rows x log rows) extra reads.
The good parts are joined in file order. Rows that repeat an id are all left out and
reported. File-level problems (unreadable file, bad header, unknown or missing columns,
malformed CSV, text that is not in the encoding) still raise: no row can be trusted then.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

import attrs
import numpy as np

from narcometrics._frame import Backend, check_backend
from narcometrics.errors import Problem, UnknownNameError, ValidationError
from narcometrics.io._csv import Tally, check_dialect
from narcometrics.io._files import PathLike, csv_rows, display_name, open_text, unescape_cell
from narcometrics.io._kinds import table_type
from narcometrics.io._readers import json_payload, json_table, parquet_frame, parquet_table
from narcometrics.io._xlsx import RawSheet, read_sheet, sheet_table
from narcometrics.tables import Table

__all__ = ["ERRORS", "Collected", "FileProblems", "check_errors", "collect_file"]

Errors = Literal["raise", "collect"]
#: The values of the ``errors=`` option of the readers.
ERRORS: tuple[str, ...] = ("raise", "collect")
_COLUMNS = ("file", "row", "column", "field", "problem", "value")
_REPEATED = "repeats an id of another row of the file: every row with it is left out"


def check_errors(errors: object) -> None:
    """Refuse an ``errors=`` value other than ``"raise"`` or ``"collect"``."""
    if errors not in ERRORS:
        raise UnknownNameError("errors", str(errors), ERRORS)


def _shown(p: Problem) -> str | None:
    if not p.has_value:
        return None
    return p.value if isinstance(p.value, str) else repr(p.value)


#: The record part of a JSON path (``$[3].``), left out of the summary's field names.
_RECORD = re.compile(r"^\$\[\d+\]\.?")


@attrs.frozen
class FileProblems:
    """The problems of the rows left out, one per bad value, in file order.

    Each has the file, the row (the file's row: CSV line, sheet row, 1-based record
    number for JSON and Parquet), the column (1-based, where the format has columns),
    the field, the problem and the bad value.
    """

    problems: tuple[Problem, ...] = ()

    def __len__(self) -> int:
        return len(self.problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __getitem__(self, index: int) -> Problem:
        return self.problems[index]

    def __add__(self, other: FileProblems) -> FileProblems:
        return FileProblems(self.problems + other.problems)

    def to_records(self) -> list[dict[str, object]]:
        """The problems as plain records: dicts with keys ``file``, ``row``, ``column``,
        ``field``, ``problem`` and ``value`` (None where not known)."""
        if not self.problems:
            return []
        out = []
        for record in ValidationError.from_problems(self.problems).to_records():
            record["file"] = record.pop("path")
            out.append({name: record[name] for name in _COLUMNS})
        return out

    def to_frame(self, backend: Backend = "pandas") -> Any:
        """The problems as a dataframe of ``backend`` (``pandas``, ``polars`` or ``pyarrow``)
        with the columns of `to_records`; bad values are shown as text."""
        import narwhals as nw

        backend = check_backend(backend)
        data: dict[str, list[Any]] = {
            "file": [p.path for p in self.problems],
            "row": [p.row for p in self.problems],
            "column": [p.column for p in self.problems],
            "field": [p.field for p in self.problems],
            "problem": [p.problem for p in self.problems],
            "value": [_shown(p) for p in self.problems],
        }
        schema = {
            "file": nw.String(),
            "row": nw.Int64(),
            "column": nw.Int64(),
            "field": nw.String(),
            "problem": nw.String(),
            "value": nw.String(),
        }
        if backend == "pandas":  # nullable integers: a row or column may be unknown
            import pandas as pd  # type: ignore[import-untyped]

            frame = pd.DataFrame(data, columns=list(_COLUMNS))
            return frame.astype({"row": "Int64", "column": "Int64"})
        return nw.from_dict(data, schema=schema, backend=backend).to_native()

    def summary(self) -> list[str]:
        """Per file: the count of problems, then per field (most first) with its most
        frequent bad values, as a truncated [`ValidationError`][narcometrics.errors.ValidationError]
        summarises them. A JSON record's field counts under its name (``$[3].mass_kg`` as
        ``mass_kg``)."""
        tallies: dict[str, Tally] = {}
        for p in self.problems:
            tallies.setdefault(p.path or "", Tally()).add(_RECORD.sub("", p.field), _shown(p))
        return [line for path, tally in tallies.items() for line in tally.lines(path)]

    def __repr__(self) -> str:
        files = len({p.path for p in self.problems})
        rows = len({(p.path, p.row) for p in self.problems})
        return f"FileProblems({len(self)} problems in {rows} rows of {files} files)"


@attrs.frozen
class Collected:
    """What [`read`][narcometrics.io.read] with ``errors="collect"`` found in a file.

    Attributes
    ----------
    table : Table
        The valid rows, in file order (empty when no row is valid).
    problems : FileProblems
        Every problem of the rows left out (`FileProblems.to_frame` for a dataframe).
    rows : int
        The data rows of the file.
    left_out : int
        The rows left out (each has at least one problem).
    """

    table: Table[Any]
    problems: FileProblems
    rows: int
    left_out: int

    def __repr__(self) -> str:
        return (
            f"Collected({type(self.table).__name__} of {len(self.table)} valid rows; "
            f"{self.left_out} of {self.rows} rows left out with {len(self.problems)} problems)"
        )


def _collect(
    n: int,
    build: Callable[[Sequence[int]], Table[Any]],
    at: Callable[[int, Problem], Problem],
    error: ValidationError,
    raw_ids: Sequence[object] = (),
    index: Callable[[Problem, int], int | None] = lambda problem, start: None,
) -> tuple[Table[Any], list[Problem], int]:
    """The valid rows among ``n`` (``build`` reads a subset of them), the problems of the
    others (``at`` places a problem of row ``i`` in the file) and how many were left out.

    ``error`` is the error of the whole file: it is raised again when an empty subset is
    refused too (a problem of the file, not of its rows). ``raw_ids`` are the ids of the
    rows as written (None or "" for none): a row whose id is repeated, even by a row that
    is bad for another reason, is left out. ``index`` tells the row of a problem of
    an error (given the first row of the part read) where it can: those rows are read alone
    and the rows between them in runs, so that a file whose error lists every problem is
    read about twice; a run that fails is split at the rows its own error points at, or
    halved when it points at none. A wrong hint costs time, never a row: every row is read
    in exactly one part.
    """
    try:
        empty = build([])
    except ValidationError:
        raise error from None
    good, bad = _read_parts(n, build, at, error, index)
    tables = [t for _, t in good]
    table = type(empty).concat(tables, duplicates="allow") if tables else empty
    rows = [i for start, t in good for i in range(start, start + len(t))]
    table, repeated = _repeated_rows(table, rows, at, raw_ids)
    for i, problem in repeated:
        bad.setdefault(i, []).append(problem)
    problems = [p for i in sorted(bad) for p in bad[i]]
    return table, problems, len(bad)


def _split(
    start: int,
    stop: int,
    failed: ValidationError,
    index: Callable[[Problem, int], int | None],
) -> list[tuple[int, int]]:
    """The rows ``start:stop`` in parts: the rows the problems of ``failed`` point at, alone,
    and the runs between them; halves when they point at none."""
    hinted = {index(p, start) for p in failed.problems}
    suspects = sorted(i for i in hinted if i is not None and start <= i < stop)
    if not suspects:
        middle = (start + stop) // 2
        return [(start, middle), (middle, stop)]
    out = []
    for i in suspects:
        out.extend([(start, i), (i, i + 1)])
        start = i + 1
    out.append((start, stop))
    return [(a, b) for a, b in out if a < b]


def _read_parts(
    n: int,
    build: Callable[[Sequence[int]], Table[Any]],
    at: Callable[[int, Problem], Problem],
    error: ValidationError,
    index: Callable[[Problem, int], int | None],
) -> tuple[list[tuple[int, Table[Any]]], dict[int, list[Problem]]]:
    """The parts of the ``n`` rows that read (first row, table), in file order, and the
    problems of each bad row, placed in the file: a part that fails is split (`_split`)
    until its rows read or a single row is left."""
    good: list[tuple[int, Table[Any]]] = []
    bad: dict[int, list[Problem]] = {}
    parts = _split(0, n, error, index)[::-1]
    while parts:
        start, stop = parts.pop()
        try:
            good.append((start, build(range(start, stop))))
        except ValidationError as failed:
            if stop - start > 1:
                parts.extend(_split(start, stop, failed, index)[::-1])
            else:
                bad[start] = [at(start, p) for p in failed.problems]
    good.sort(key=lambda part: part[0])
    return good, bad


def _repeated_rows(
    table: Table[Any],
    rows: list[int],
    at: Callable[[int, Problem], Problem],
    raw_ids: Sequence[object],
) -> tuple[Table[Any], list[tuple[int, Problem]]]:
    """``table`` (of the file rows ``rows``) without the rows whose id repeats, as read or
    as written (``raw_ids``, for every row of the file), and a problem for each row left
    out, including the bad rows (not in ``rows``) whose written id repeats."""
    keys = [_id_key(raw) for raw in raw_ids]
    written = Counter(key for key in keys if key is not None)
    again = {i: raw_ids[i] for i, key in enumerate(keys) if key is not None and written[key] > 1}
    table, repeated = _without_repeated_ids(table, rows, at, again)
    kept = set(rows)
    repeated += [(i, _repeated(at, i, raw)) for i, raw in again.items() if i not in kept]
    return table, repeated


def _id_key(raw: object) -> str | None:
    """An id as written, to compare (None for none, or for a value no id can be)."""
    if isinstance(raw, str):
        return raw or None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    return None


def _repeated(at: Callable[[int, Problem], Problem], i: int, value: object) -> Problem:
    return at(i, Problem(field="id", problem=_REPEATED, value=value))


def _without_repeated_ids(
    table: Table[Any],
    rows: list[int],
    at: Callable[[int, Problem], Problem],
    again: dict[int, object],
) -> tuple[Table[Any], list[tuple[int, Problem]]]:
    """``table`` (of the file rows ``rows``) without the rows whose non-empty id repeats
    or whose id as written repeats (``again``), and a problem for each."""
    if "id" not in type(table).field_names() or not len(table):
        return table, []
    ids = _ids(table)
    counts = Counter(i for i in ids if i is not None and i != "")
    keep = np.array(
        [not ((i and counts[i] > 1) or row in again) for i, row in zip(ids, rows, strict=True)],
        dtype=bool,
    )
    if keep.all():
        return table, []
    problems = [
        (rows[k], _repeated(at, rows[k], again.get(rows[k], ids[k]))) for k in np.flatnonzero(~keep)
    ]
    return table[keep], problems


def _ids(table: Table[Any]) -> list[str | None]:
    col: Any = table.column("id")
    return [None if code < 0 else str(col.labels[code]) for code in col.codes]


def _placed(
    problem: Problem,
    path: str,
    row: int | None,
    field: str | None = None,
    header: Sequence[str] = (),
) -> Problem:
    column = problem.column
    if column is None and problem.field in header:  # e.g. a repeated id
        column = list(header).index(problem.field) + 1
    return attrs.evolve(
        problem,
        path=path,
        row=row,
        column=column,
        field=problem.field if field is None else field,
    )


# ------------------------------------------------------------------------- formats


def collect_csv(
    source: PathLike,
    kind: type[Any],
    *,
    encoding: str = "utf-8",
    sep: str = ",",
    decimal: str = ".",
) -> Collected:
    """The valid rows of a CSV file and the problems of the others."""
    from narcometrics.io._readers import read_csv

    table = table_type(kind)
    path = display_name(source)
    try:
        return _whole(read_csv(source, table, encoding=encoding, sep=sep, decimal=decimal))
    except ValidationError as error:
        failed = error
    check_dialect(encoding, sep, decimal)
    with open_text(source, encoding=encoding) as (stream, _):
        records = list(csv_rows(stream, path=path, source=source, encoding=encoding, sep=sep))
    if not records:
        raise failed
    header = records[0][1]
    data = records[1:]
    place = header.index("id") if "id" in header else None
    raw_ids = (
        []
        if place is None
        else [unescape_cell(cells[place]) if place < len(cells) else None for _, cells in data]
    )

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")

    def written(cells: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()

    head = written(header)
    first_line = 1 + len(_BREAK.findall(head))  # the line of the first record read

    def build(subset: Sequence[int]) -> Table[Any]:
        # The records keep the lines between them (blank lines, which are not records, fill
        # the gaps), so a problem's line is the file's less a constant (see `index`).
        text = io.StringIO(newline="")
        text.write(head)
        line = 0
        for k, i in enumerate(subset):
            start, cells = data[i]
            if k == 0:
                line = start
            elif start > line:
                text.write("\n" * (start - line))
                line = start
            row = written(cells)
            text.write(row)
            line += len(_BREAK.findall(row))
        text.seek(0)
        return read_csv(text, table, engine="python", sep=sep, decimal=decimal)

    def at(i: int, problem: Problem) -> Problem:
        return _placed(problem, path, data[i][0], header=header)

    lines = {line: i for i, (line, _) in enumerate(data)}

    def index(problem: Problem, start: int) -> int | None:
        if problem.row is None or start >= len(data):
            return None
        return lines.get(problem.row - first_line + data[start][0])

    return _result(*_collect(len(data), build, at, failed, raw_ids, index), len(data))


_INDEX = re.compile(r"^\$\[\d+\]")
_BREAK = re.compile(r"\r\n|\r|\n")


def collect_payload(payload: Any, table: type[Table[Any]], path: str) -> Collected:
    """The valid records of parsed JSON (a list of objects) and the problems of the others."""
    try:
        return _whole(json_table(payload, table, path))
    except ValidationError as error:
        failed = error
    items = payload if isinstance(payload, list) else None

    def build(subset: Sequence[int]) -> Table[Any]:
        if items is None:  # one record (an object, not a list)
            return json_table(payload if len(subset) else [], table, path)
        return json_table([items[i] for i in subset], table, path)

    def at(i: int, problem: Problem) -> Problem:
        field = problem.field if items is None else _INDEX.sub(f"$[{i}]", problem.field)
        return _placed(problem, path, i + 1, field)

    n = 1 if items is None else len(items)
    raw_ids = [item.get("id") if isinstance(item, dict) else None for item in items or ()]

    def index(problem: Problem, start: int) -> int | None:
        if items is None:
            return 0
        found = _INDEX.match(problem.field)
        return None if found is None else start + int(found.group(0)[2:-1])

    return _result(*_collect(n, build, at, failed, raw_ids, index), n)


def collect_frame(frame: Any, table: type[Table[Any]], path: str) -> Collected:
    """The valid rows of an Arrow table read from Parquet and the problems of the others."""
    try:
        return _whole(parquet_table(frame, table, path))
    except ValidationError as error:
        failed = error

    def build(subset: Sequence[int]) -> Table[Any]:  # [] or a range of rows
        if isinstance(subset, range):
            part = frame.slice(subset.start, len(subset))
        else:  # no row: the columns alone
            part = frame.slice(0, 0)
        return parquet_table(part, table, path)

    def at(i: int, problem: Problem) -> Problem:
        return _placed(problem, path, i + 1, header=frame.column_names)

    raw_ids = frame.column("id").to_pylist() if "id" in frame.column_names else []

    def index(problem: Problem, start: int) -> int | None:
        return None if problem.row is None else start + problem.row - 1

    n = frame.num_rows
    return _result(*_collect(n, build, at, failed, raw_ids, index), n)


def collect_sheet(raw: RawSheet, kind: type[Any]) -> Collected:
    """The valid rows of a sheet and the problems of the others."""
    try:
        return _whole(sheet_table(raw, kind))
    except ValidationError as error:
        failed = error

    def build(subset: Sequence[int]) -> Table[Any]:
        part = attrs.evolve(
            raw,
            rows=[raw.rows[i] for i in subset],
            row_numbers=[raw.row_numbers[i] for i in subset],
        )
        return sheet_table(part, kind)

    def at(i: int, problem: Problem) -> Problem:
        return _placed(problem, raw.path, raw.row_numbers[i], header=raw.header)

    place = raw.header.index("id") if "id" in raw.header else None
    raw_ids = [] if place is None else [row[place] for row in raw.rows]
    numbers = {number: i for i, number in enumerate(raw.row_numbers)}

    def index(problem: Problem, start: int) -> int | None:
        return None if problem.row is None else numbers.get(problem.row)

    return _result(*_collect(len(raw.rows), build, at, failed, raw_ids, index), len(raw.rows))


def _whole(table: Table[Any]) -> Collected:
    return Collected(table=table, problems=FileProblems(), rows=len(table), left_out=0)


def _result(table: Table[Any], problems: list[Problem], left_out: int, rows: int) -> Collected:
    return Collected(
        table=table, problems=FileProblems(tuple(problems)), rows=rows, left_out=left_out
    )


def collect_file(source: PathLike, kind: type[Any]) -> Collected:
    """[`read`][narcometrics.io.read] with ``errors="collect"``: a file by its suffix."""
    path = display_name(source)
    suffix = os.path.splitext(os.fspath(source))[1].lower()
    if suffix == ".csv":
        return collect_csv(source, kind)
    if suffix == ".json":
        return collect_payload(json_payload(source, path), table_type(kind), path)
    if suffix == ".parquet":
        return collect_frame(parquet_frame(source, path), table_type(kind), path)
    if suffix == ".xlsx":
        return collect_sheet(read_sheet(source), kind)
    raise ValidationError("path", "unknown file type; use a .csv, .json, .parquet or .xlsx file")

"""Spreadsheet-like cells (text, numbers, dates, empty) to table columns, with located errors.

Shared by the xlsx reader and the normalisation of messy files: every cell keeps the file
row and column it came from, so a bad value is reported as ``path:row:column: field: problem
(value)`` like the CSV reader does.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError
from narcometrics.io._files import unescape_cell
from narcometrics.io._kinds import LIST_SEPARATOR
from narcometrics.tables import FieldSpec, Table

#: Day 0 of Excel's 1900 date system as Python counts it (Excel's serial 60 is the
#: non-existent 29 February 1900; serials from 61 on count from this day).
EXCEL_EPOCH = _dt.date(1899, 12, 30)
#: The first serial that is a real date in the 1900 system (1 March 1900).
FIRST_SAFE_SERIAL = 61
#: The largest serial Excel shows as a date (31 December 9999).
LAST_SERIAL = 2958465


def is_empty(value: object) -> bool:
    """An empty cell: None, an empty or blank string, or a float NaN."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, float) and math.isnan(value)


def excel_serial_to_date(serial: float) -> _dt.date:
    """A whole Excel serial day number (1900 date system, from 1 March 1900) as a date."""
    if isinstance(serial, bool) or not float(serial).is_integer():
        raise ValueError("must be a whole Excel serial day number")
    day = int(serial)
    if not FIRST_SAFE_SERIAL <= day <= LAST_SERIAL:
        raise ValueError(
            f"Excel serial must be within {FIRST_SAFE_SERIAL}..{LAST_SERIAL} "
            "(1 March 1900 to 31 December 9999)"
        )
    return EXCEL_EPOCH + _dt.timedelta(days=day)


def date_to_excel_serial(day: _dt.date) -> int:
    """The Excel serial (1900 date system) of a date from 1 March 1900 on."""
    return (day - EXCEL_EPOCH).days


def _to_date(value: object, date_format: str | None) -> _dt.date:
    if isinstance(value, _dt.datetime):
        if value.time() != _dt.time(0) or value.tzinfo is not None:
            raise ValueError("must be a date without a time of day")
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return excel_serial_to_date(value)
    if isinstance(value, str):
        text = value.strip()
        if date_format is not None:
            try:
                return _dt.datetime.strptime(text, date_format).date()
            except ValueError:
                raise ValueError(f"must be a date written as {date_format}") from None
        if len(text) == 10:
            try:
                return _dt.date.fromisoformat(text)
            except ValueError:
                pass
        raise ValueError(
            "must be an ISO 8601 date (YYYY-MM-DD), an Excel date or serial, or match the "
            "date_format given"
        )
    raise ValueError(f"must be a date, not {type(value).__name__}")


def _to_float(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError("must be a real number, not a boolean")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError("must be a real number") from None
    else:
        raise ValueError(f"must be a real number, not {type(value).__name__}")
    if not math.isfinite(number):
        raise ValueError("must be finite")
    return number


def _to_count(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("must be an integer count, not a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be an integer count")
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip(), 10)
        except ValueError:
            raise ValueError("must be an integer count") from None
    raise ValueError(f"must be an integer count, not {type(value).__name__}")


def _to_text(value: object) -> str:
    if isinstance(value, str):
        return unescape_cell(value)
    if isinstance(value, bool):
        raise ValueError("must be text, not a boolean")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        # A number typed in a text column (an id such as 1024) reads back as its digits.
        return str(int(value))
    raise ValueError(f"must be text, not {type(value).__name__} {value!r}")


def convert_cell(spec: FieldSpec, value: object, date_format: str | None = None) -> Any:
    """One non-empty cell as the Python value of the field (raises ValueError)."""
    if spec.kind == "date":
        return _to_date(value, date_format)
    if spec.kind == "float":
        return _to_float(value)
    if spec.kind == "count":
        return _to_count(value)
    if spec.kind == "floats":
        if isinstance(value, str):
            return tuple(_to_float(v) for v in value.split(LIST_SEPARATOR))
        return (_to_float(value),)
    if spec.kind == "texts":
        return tuple(unescape_cell(v) for v in _to_text(value).split(LIST_SEPARATOR))
    return _to_text(value)


@attrs.frozen
class Located:
    """Where the cells of a column came from: the file, its rows and the column number."""

    path: str | None
    rows: Sequence[int]  # per data row, its 1-based row in the file
    columns: Mapping[str, int]  # field name -> 1-based column number


def convert_columns(
    cells: Mapping[str, Sequence[object]],
    table: type[Table[Any]],
    where: Located,
    *,
    date_format: str | None = None,
) -> tuple[dict[str, list[Any]], list[Problem]]:
    """Convert raw cell columns (by field name) to Python values; bad cells become problems."""
    problems: list[Problem] = []
    out: dict[str, list[Any]] = {}
    for spec in table.schema:
        if spec.name not in cells:
            continue
        values: list[Any] = []
        for offset, raw in enumerate(cells[spec.name]):
            if is_empty(raw):
                values.append(() if spec.kind == "floats" else None)
                continue
            try:
                values.append(convert_cell(spec, raw, date_format))
            except ValueError as exc:
                problems.append(
                    Problem(
                        field=spec.name,
                        problem=str(exc),
                        value=raw,
                        path=where.path,
                        row=where.rows[offset],
                        column=where.columns.get(spec.name),
                    )
                )
                values.append(None)
        out[spec.name] = values
    return out, problems


def locate(error: ValidationError, where: Located) -> list[Problem]:
    """A table's problems (0-based rows) with the file, row and column they came from."""
    located = []
    for p in error.problems:
        located.append(
            attrs.evolve(
                p,
                path=where.path,
                row=None if p.row is None else where.rows[p.row],
                column=where.columns.get(p.field, p.column),
            )
        )
    return located


def build_table(
    cells: Mapping[str, Sequence[object]],
    table: type[Table[Any]],
    where: Located,
    *,
    date_format: str | None = None,
    extra_problems: Sequence[Problem] = (),
    skip_rows: Iterable[int] = (),
) -> Table[Any]:
    """Convert cells and build the table; every bad cell, located, in one error.

    ``extra_problems`` found before (with their file rows) are reported first; their rows,
    and the file rows in ``skip_rows`` (already reported), are not validated again.
    """
    columns, problems = convert_columns(cells, table, where, date_format=date_format)
    problems = [*extra_problems, *problems]
    bad_rows = {p.row for p in problems if p.row is not None} | set(skip_rows)
    keep = [i for i, row in enumerate(where.rows) if row not in bad_rows]
    if problems and len(keep) == len(where.rows):
        keep = []  # a column-level problem: the table cannot be built
    subset = columns if not problems else {k: [v[i] for i in keep] for k, v in columns.items()}
    try:
        built = table.from_columns(**subset)
    except ValidationError as error:
        kept = attrs.evolve(where, rows=[where.rows[i] for i in keep]) if problems else where
        problems.extend(locate(error, kept))
    else:
        if not problems:
            return built
    problems.sort(key=lambda p: (p.row or 0, p.column or 0))
    raise ValidationError.from_problems(
        problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS
    )

"""The python engine's grammar: each cell parsed by the rules of `narcometrics.io._csv`
(real numbers, integer counts, dates, text), and the cell-by-cell path that names every bad
cell of a chunk (`python_columns`), with the count of every problem of a file (`Tally`).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from narcometrics.errors import MAX_PROBLEMS, Problem
from narcometrics.io._files import unescape_cell
from narcometrics.io._kinds import LIST_SEPARATOR
from narcometrics.tables import FieldSpec, Table

if TYPE_CHECKING:
    from narcometrics.io._csv import Header

__all__ = ["Tally", "python_columns"]


_REAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_REAL_COMMA = re.compile(r"[+-]?(?:[0-9]+(?:,[0-9]*)?|,[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_COUNT = re.compile(r"-?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT64_MAX = 2**63 - 1


def _parse_float(text: str) -> float:
    if not _REAL.fullmatch(text):
        if _NON_FINITE.fullmatch(text):
            raise ValueError("must be finite")
        raise ValueError("must be a real number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("must be finite")
    return value


def _parse_float_comma(text: str) -> float:
    if not _REAL_COMMA.fullmatch(text):
        if _NON_FINITE.fullmatch(text):
            raise ValueError("must be finite")
        raise ValueError("must be a real number (with ',' as the decimal point)")
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError("must be finite")
    return value


def _parse_count(text: str) -> int:
    if not _COUNT.fullmatch(text):
        raise ValueError("must be an integer count")
    value = int(text)
    if abs(value) > _INT64_MAX:
        raise ValueError("must be an integer count below 2**63")
    return value


def _parse_date(text: str) -> _dt.date:
    if not _DATE.fullmatch(text):
        raise ValueError("must be an ISO 8601 date (YYYY-MM-DD)")
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("must be an ISO 8601 date (YYYY-MM-DD)") from None


#: The grammar's parsers that the columnar path (`fast_columns`) uses on distinct cells.
_PARSERS: dict[str, Callable[[str], Any]] = {"date": _parse_date, "count": _parse_count}


def _cell_parser(spec: FieldSpec, decimal: str = ".") -> Callable[[str], Any]:
    real = _parse_float if decimal == "." else _parse_float_comma
    if spec.kind == "float":
        return real
    if spec.kind == "count":
        return _parse_count
    if spec.kind == "date":
        return _parse_date
    if spec.kind == "floats":

        def reals(text: str) -> tuple[float, ...]:
            try:
                return tuple(real(v) for v in text.split(LIST_SEPARATOR))
            except ValueError as exc:
                if str(exc) == "must be finite":
                    raise
                raise ValueError(f"must be real numbers separated by {LIST_SEPARATOR!r}") from None

        return reals
    if spec.kind == "texts":
        return lambda text: tuple(unescape_cell(v) for v in text.split(LIST_SEPARATOR))
    return unescape_cell  # country, enum, text: the table checks them


class Tally:
    """Every problem of a file counted per field and per distinct bad value, including those
    past `MAX_PROBLEMS`, for the summary of a truncated error."""

    def __init__(self) -> None:
        self.fields: Counter[str] = Counter()
        self.values: dict[str, Counter[str]] = {}

    def add(self, field: str, value: str | None) -> None:
        self.fields[field] += 1
        if value is not None:
            self.values.setdefault(field, Counter())[value[:40]] += 1

    def total(self) -> int:
        return sum(self.fields.values())

    def lines(self, path: str) -> list[str]:
        """One line per field, most problems first, with its most frequent bad values."""
        out = [f"{path}: {self.total():,} problems in all; per field and bad value:"]
        for field, count in self.fields.most_common():
            shown = ", ".join(
                f"{value!r} x {n:,}"
                for value, n in self.values.get(field, Counter()).most_common(5)
            )
            more = len(self.values.get(field, ())) - 5
            if more > 0:
                shown += f", and {more:,} other values"
            out.append(f"  {field}: {count:,}" + (f" ({shown})" if shown else ""))
        return out


def python_columns(
    rows: Sequence[Sequence[str]],
    header: Header,
    table: type[Table[Any]],
    path: str,
    lines: Sequence[int],
    *,
    decimal: str = ".",
    tally: Tally | None = None,
    bad_rows: set[int] | None = None,
) -> tuple[dict[str, list[Any]], list[Problem]]:
    """Convert rows of strings to Python values per field; bad cells become problems.

    At most `MAX_PROBLEMS` problems are kept; every problem is counted in ``tally`` and the
    offset of every row with a bad cell is added to ``bad_rows``.
    """
    problems: list[Problem] = []
    bad_rows = set() if bad_rows is None else bad_rows
    tally = Tally() if tally is None else tally
    width = len(header.names)
    for offset, row in enumerate(rows):
        if len(row) != width:
            tally.add("row", f"{len(row)} cells")
            if len(problems) < MAX_PROBLEMS:
                problems.append(
                    Problem(
                        field="row",
                        problem=f"has {len(row)} cells where the header has {width}",
                        path=path,
                        row=lines[offset],
                    )
                )
    if problems:
        return {}, problems
    columns: dict[str, list[Any]] = {}
    for spec in table.schema:
        if spec.name not in header.positions:
            continue
        index = header.positions[spec.name]
        parse = _cell_parser(spec, decimal)
        values: list[Any] = []
        for offset, row in enumerate(rows):
            text = row[index]
            if text == "":
                values.append(() if spec.kind == "floats" else None)
                continue
            try:
                values.append(parse(text))
            except ValueError as exc:
                tally.add(spec.name, text)
                bad_rows.add(offset)
                if len(problems) < MAX_PROBLEMS:
                    problems.append(
                        Problem(
                            field=spec.name,
                            problem=str(exc),
                            value=text,
                            path=path,
                            row=lines[offset],
                            column=index + 1,
                        )
                    )
                values.append(None)
        columns[spec.name] = values
    return columns, problems

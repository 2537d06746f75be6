"""Messy ``.csv`` and ``.xlsx`` files through [`table`][narcometrics.normalise.table], and column
mapping files."""

from __future__ import annotations

import csv
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from narcometrics._renamed import record_type_keyword
from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError
from narcometrics.io._files import PathLike, display_name, open_text
from narcometrics.normalise._table import _QUANTITY, _UNIT, MASS_COLUMNS, Normalised, table
from narcometrics.normalise._units import TabletMass
from narcometrics.records import Seizure

__all__ = ["detect_kind", "detect_record_type", "mapped_columns", "read", "read_columns"]


def _csv_columns(
    source: PathLike | IO[Any],
) -> tuple[str, dict[str, list[Any]], list[int], int, list[int]]:
    name = display_name(source)
    with open_text(source) as (stream, _):
        reader = csv.reader(stream)
        records: list[tuple[int, list[str]]] = []
        start = 1
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    records.append((start, row))
                start = reader.line_num + 1
        except csv.Error as exc:
            raise ValidationError("file", f"malformed CSV: {exc}", path=name, row=start) from None
        except UnicodeDecodeError as exc:
            raise ValidationError("file", f"not UTF-8 text ({exc.reason})", path=name) from None
    if not records:
        raise ValidationError("file", "is empty: a header row is required", path=name)
    (header_row, header), data = records[0], records[1:]
    problems = [
        Problem(
            field="row",
            problem=f"has {len(row)} cells where the header has {len(header)}",
            path=name,
            row=line,
        )
        for line, row in data
        if len(row) != len(header)
    ]
    if problems:
        raise ValidationError.from_problems(
            problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS
        )
    return _by_header(name, header, [r for _, r in data], [line for line, _ in data], header_row)


def _by_header(
    name: str, header: Sequence[str], rows: list[list[Any]], numbers: list[int], header_row: int
) -> tuple[str, dict[str, list[Any]], list[int], int, list[int]]:
    seen: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        if title in seen:
            problems.append(
                Problem(
                    field=title or "<empty>",
                    problem=f"repeated column (also column {seen[title]})",
                    path=name,
                    row=header_row,
                    column=index + 1,
                )
            )
        seen.setdefault(title, index + 1)
    if problems:
        raise ValidationError.from_problems(problems[:MAX_PROBLEMS])
    columns = {title: [row[i] for row in rows] for i, title in enumerate(header)}
    return name, columns, numbers, header_row, list(range(1, len(header) + 1))


@record_type_keyword
def read(
    source: PathLike,
    record_type: type[Any],
    *,
    columns: Mapping[str, str | None] | None = None,
    names: str | Iterable[str] = (),
    sheet: str | int | None = None,
    date_format: str | None = None,
    tablet: TabletMass | None = None,
) -> Normalised:
    """Read a messy ``.csv`` or ``.xlsx`` file: map columns, names and units when asked.

    The options are those of [`table`][narcometrics.normalise.table]; ``sheet`` chooses the
    sheet of a workbook. Errors name the file (and sheet), the row and the column of the
    file, whatever the mapping.

    Examples
    --------
    >>> import os, tempfile
    >>> from narcometrics import Seizure, normalise
    >>> path = os.path.join(tempfile.mkdtemp(), "incautaciones.csv")
    >>> with open(path, "w", encoding="utf-8") as fh:
    ...     _ = fh.write("Fecha,País,Droga,Peso (g)\\n2017-03-01,Perú,PBC,2500\\n")
    >>> result = normalise.read(path, Seizure,
    ...     columns={"Fecha": "date", "País": "country", "Droga": "substance",
    ...              "Peso (g)": "mass_g"},
    ...     names=("substances", "countries"))
    >>> row = result.table[0]
    >>> row.country, row.substance.value, row.mass_kg
    ('PER', 'coca_paste', 2.5)
    """
    suffix = os.path.splitext(os.fspath(source))[1].lower()
    if suffix == ".xlsx":
        from narcometrics.io._xlsx import read_sheet

        raw = read_sheet(source, sheet)
        name, data, numbers, header_row, header_columns = _by_header(
            raw.path, raw.header, raw.rows, raw.row_numbers, raw.header_row
        )
    elif suffix == ".csv":
        if sheet is not None:
            raise ValidationError("sheet", "is only for .xlsx workbooks", sheet)
        name, data, numbers, header_row, header_columns = _csv_columns(source)
    else:
        raise ValidationError(
            "path", "unknown file type; use a .csv or .xlsx file", os.fspath(source)
        )
    return table(
        data,
        record_type,
        columns=columns,
        names=names,
        date_format=date_format,
        tablet=tablet,
        path=name,
        rows=numbers,
        header_row=header_row,
        header_columns=header_columns,
    )


def _headers(source: PathLike, sheet: str | int | None = None) -> list[str]:
    suffix = os.path.splitext(os.fspath(source))[1].lower()
    if suffix == ".xlsx":
        from narcometrics.io._xlsx import read_sheet

        return list(read_sheet(source, sheet).header)
    if suffix == ".csv":
        return list(_csv_columns(source)[1])
    raise ValidationError("path", "unknown file type; use a .csv or .xlsx file", os.fspath(source))


def mapped_columns(
    source: PathLike, columns: Mapping[str, str | None], *, sheet: str | int | None = None
) -> list[str]:
    """The field names a file's columns become under a mapping (dropped columns left out)."""
    out = []
    for header in _headers(source, sheet):
        target = columns.get(header, header)
        if target is not None:
            out.append(target)
    return out


def detect_record_type(
    source: PathLike, columns: Mapping[str, str | None], *, sheet: str | int | None = None
) -> type[Any]:
    """The record class a messy file holds, told from its columns under a mapping.

    As [`narcometrics.io.detect_record_type`][narcometrics.io.detect_record_type], with the mapped
    names;
    a seizure's mass may come from any of `MASS_COLUMNS` or a ``quantity`` with a ``unit``.

    Raises
    ------
    ValidationError
        When the mapped columns fit no record type, or several.
    """
    from narcometrics.io._kinds import kind_of_columns

    def as_read(record: type[Any], given: set[str]) -> set[str]:
        if record is Seizure and given & {*MASS_COLUMNS, _QUANTITY}:
            return (given - {*MASS_COLUMNS, _QUANTITY, _UNIT}) | {"mass_kg"}
        return given

    names = mapped_columns(source, columns, sheet=sheet)
    return kind_of_columns(
        names, display_name(source), as_read=as_read, what="mapped columns", hint=""
    )


def read_columns(source: PathLike) -> dict[str, str | None]:
    """Read a column mapping file: a JSON object of header -> field name (``null`` drops).

    Example file: ``{"Fecha": "date", "Región": "region", "Peso (g)": "mass_g"}``.

    Raises
    ------
    ValidationError
        For a missing file, malformed JSON or anything but an object of strings.
    """
    import json

    name = display_name(source)
    with open_text(source) as (stream, _):
        try:
            payload = json.load(stream)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise ValidationError("file", f"malformed JSON: {exc}", path=name) from None
    if not isinstance(payload, dict):
        raise ValidationError(
            "file", "must hold one JSON object of header -> field name", path=name
        )
    for key, value in payload.items():
        if value is not None and not isinstance(value, str):
            raise ValidationError(
                f"columns[{key!r}]", "must be a field name or null", value, path=name
            )
    return dict(payload)


def detect_kind(
    source: PathLike, columns: Mapping[str, str | None], *, sheet: str | int | None = None
) -> type[Any]:
    """Deprecated: use [`detect_record_type`][narcometrics.normalise.detect_record_type];
    works until 0.3."""
    warnings.warn(
        "narcometrics.normalise.detect_kind is deprecated and will be removed in 0.3; use "
        "detect_record_type",
        DeprecationWarning,
        stacklevel=2,
    )
    return detect_record_type(source, columns, sheet=sheet)

"""Excel workbooks (``.xlsx``) in and out, for every record type (the ``xlsx`` extra).

Reading uses python-calamine (a fast Rust reader), writing openpyxl. The first row of the
sheet names the columns (record field names, as for CSV); empty rows are not records and are
skipped. Errors name the file, the sheet, the row and the column as a spreadsheet shows them:
``seizures.xlsx[Sheet1]:4:3: substance: must be one of: ... ('sugar')``.

Dates are read from date cells, from whole Excel serial day numbers (1900 date system) and
from ISO 8601 text; they are written as date cells. Text that a spreadsheet would run as a
formula is written with a leading apostrophe, which the reader removes, as for CSV.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterable
from typing import IO, Any

import attrs
import numpy as np

from narcometrics._renamed import record_type_keyword
from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError
from narcometrics.io._cells import Located, build_table, is_empty
from narcometrics.io._files import PathLike, atomic_file, display_name, escape_cell
from narcometrics.io._kinds import LIST_SEPARATOR, table_type
from narcometrics.tables import Table

__all__ = ["RawSheet", "read_sheet", "read_xlsx", "write_xlsx"]

_INSTALL = 'spreadsheets need the xlsx extra: pip install "narcometrics[xlsx]"'


@attrs.frozen
class RawSheet:
    """The cells of one sheet as read, before any conversion.

    Attributes
    ----------
    path : str
        ``file[sheet]``, as errors show it.
    header : tuple of str
        The first non-empty row.
    rows : list of list
        The data rows (empty rows left out), each as long as the header.
    row_numbers : list of int
        Per data row, its 1-based row number in the sheet.
    header_row : int
        The 1-based row number of the header.
    """

    path: str
    header: tuple[str, ...]
    rows: list[list[Any]]
    row_numbers: list[int]
    header_row: int = 1


def _open_workbook(source: PathLike | IO[bytes], name: str) -> Any:
    """The calamine workbook of a path or a binary file object."""
    try:
        import python_calamine as calamine
    except ImportError:
        raise ImportError(_INSTALL) from None
    try:
        if isinstance(source, (str, os.PathLike)):
            if not os.path.exists(source):
                raise ValidationError("path", "file not found", name, path=name)
            return calamine.CalamineWorkbook.from_path(os.fspath(source))
        return calamine.CalamineWorkbook.from_filelike(source)
    except ValidationError:
        raise
    except Exception as exc:  # calamine raises several types for a broken file
        raise ValidationError(
            "file", f"not a readable .xlsx workbook ({type(exc).__name__})", path=name
        ) from None


def _sheet_cells(workbook: Any, sheet: str | int | None, name: str) -> tuple[str, list[Any]]:
    """The sheet's name and its cells, row by row (a name or a 0-based position)."""
    names = list(workbook.sheet_names)
    if sheet is None:
        sheet = 0
    if isinstance(sheet, bool) or not isinstance(sheet, (str, int)):
        raise TypeError(f"sheet must be a name or a position, not {type(sheet).__name__}")
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise ValidationError(
                "sheet", f"no sheet at position {sheet} ({len(names)} sheets)", sheet, path=name
            )
        sheet = names[sheet]
    if sheet not in names:
        raise ValidationError(
            "sheet", f"not in the workbook; its sheets are: {', '.join(names)}", sheet, path=name
        )
    chosen = str(sheet)
    try:
        return chosen, workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:
        raise ValidationError(
            "file", f"sheet {sheet!r} cannot be read ({type(exc).__name__})", path=name
        ) from None


def _header(first: tuple[int, list[Any]], where: str) -> tuple[int, list[Any]]:
    """The header row's number and its cells (trailing empty cells dropped), each text."""
    header_row, header_cells = first
    while header_cells and is_empty(header_cells[-1]):
        header_cells = header_cells[:-1]
    problems = [
        Problem(
            field="header",
            problem="a column name must be text",
            value=value,
            path=where,
            row=header_row,
            column=index + 1,
        )
        for index, value in enumerate(header_cells)
        if not isinstance(value, str)
    ]
    if problems:
        raise ValidationError.from_problems(problems[:MAX_PROBLEMS])
    return header_row, header_cells


def _body(
    numbered: list[tuple[int, list[Any]]], width: int, where: str
) -> tuple[list[list[Any]], list[int]]:
    """The rows under the header, each ``width`` cells, and their numbers; a value beyond the
    named columns is a problem."""
    problems: list[Problem] = []
    rows: list[list[Any]] = []
    numbers: list[int] = []
    for number, row in numbered:
        beyond = [i for i, v in enumerate(row[width:], start=width) if not is_empty(v)]
        if beyond:
            problems.append(
                Problem(
                    field="row",
                    problem=f"has a value beyond the {width} named columns",
                    value=row[beyond[0]],
                    path=where,
                    row=number,
                    column=beyond[0] + 1,
                )
            )
        cells_of_row = list(row[:width])
        cells_of_row.extend([""] * (width - len(cells_of_row)))
        rows.append(cells_of_row)
        numbers.append(number)
    if problems:
        raise ValidationError.from_problems(
            problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS
        )
    return rows, numbers


def read_sheet(source: PathLike | IO[bytes], sheet: str | int | None = None) -> RawSheet:
    """Read the raw cells of one sheet of an ``.xlsx`` workbook.

    Parameters
    ----------
    source : path or binary file object
    sheet : str or int, optional
        The sheet name or its 0-based position; the first sheet by default.

    Raises
    ------
    ValidationError
        For a missing file, a file that is not a workbook, an unknown sheet, a sheet without
        a header row or a header cell that is not text.
    """
    name = display_name(source)
    workbook = _open_workbook(source, name)
    try:
        sheet, cells = _sheet_cells(workbook, sheet, name)
    finally:
        workbook.close()
    where = f"{name}[{sheet}]"
    numbered = [
        (number, row)
        for number, row in enumerate(cells, start=1)
        if not all(is_empty(v) for v in row)
    ]
    if not numbered:
        raise ValidationError("file", "the sheet is empty: a header row is required", path=where)
    header_row, header_cells = _header(numbered[0], where)
    rows, numbers = _body(numbered[1:], len(header_cells), where)
    return RawSheet(
        path=where,
        header=tuple(str(h) for h in header_cells),
        rows=rows,
        row_numbers=numbers,
        header_row=header_row,
    )


def check_columns(raw: RawSheet, table: type[Table[Any]]) -> dict[str, int]:
    """Field name -> 0-based column index; unknown, repeated or missing columns fail."""
    fields = {spec.name: spec for spec in table.schema}
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    header_row = raw.header_row
    for index, name in enumerate(raw.header):

        def at(problem: str, name: str = name, index: int = index) -> Problem:
            return Problem(
                field=name or "<empty>",
                problem=problem,
                path=raw.path,
                row=header_row,
                column=index + 1,
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
                Problem(field=spec.name, problem="required column is missing", path=raw.path)
            )
    if problems:
        raise ValidationError.from_problems(problems[:MAX_PROBLEMS])
    return positions


@record_type_keyword
def read_xlsx(
    source: PathLike | IO[bytes], record_type: type[Any], *, sheet: str | int | None = None
) -> Table[Any]:
    """Read one sheet of an Excel workbook into a table, validating every cell.

    Parameters
    ----------
    source : path or binary file object
        An ``.xlsx`` workbook; the first non-empty row of the sheet names the columns
        (record field names; optional fields may be left out).
    record_type : record or table class
        ``Seizure``/``SeizureTable`` and so on.
    sheet : str or int, optional
        The sheet name or 0-based position; the first sheet by default.

    Returns
    -------
    Table
        A table of the record type's table class.

    Raises
    ------
    ValidationError
        Every bad cell as ``file[sheet]:row:column: field: problem (value)``, unknown,
        repeated or missing columns, and unreadable files.

    Notes
    -----
    Empty cells are missing values. Dates may be date cells, whole Excel serial day numbers
    (1900 date system, from 1 March 1900) or ISO 8601 text; a date cell with a time of day is
    refused. Numbers may be number cells or text. Lists (scores, participant ids) are
    separated by ``;`` in one cell.
    """
    return sheet_table(read_sheet(source, sheet), record_type)


def sheet_table(raw: RawSheet, kind: type[Any]) -> Table[Any]:
    """The table of a sheet already read with [`read_sheet`][narcometrics.io._xlsx.read_sheet]."""
    table = table_type(kind)
    positions = check_columns(raw, table)
    cells = {name: [row[i] for row in raw.rows] for name, i in positions.items()}
    where = Located(
        path=raw.path,
        rows=raw.row_numbers,
        columns={name: i + 1 for name, i in positions.items()},
    )
    return build_table(cells, table, where)


def _as_table(data: Table[Any] | Iterable[Any]) -> Table[Any]:
    if isinstance(data, Table):
        return data
    records = list(data)
    if not records:
        raise ValidationError("data", "no records to write (give a table to write a header)")
    return table_type(type(records[0])).from_records(records)


#: Characters XML 1.0 (and so a workbook) cannot hold: C0 controls but tab, LF and CR.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _checked(spec: Any, cells: list[Any]) -> list[Any]:
    for row, value in enumerate(cells):
        if isinstance(value, str):
            bad = _ILLEGAL.search(value)
            if bad is not None:
                raise ValidationError(
                    spec.name,
                    f"cannot be written to .xlsx: control character U+{ord(bad.group()):04X}",
                    value,
                    row=row,
                )
    return cells


def _dates(spec: Any, data: Any) -> list[Any]:
    return [None if np.isnat(d) else d.item() for d in np.asarray(data)]


def _floats(spec: Any, data: Any) -> list[Any]:
    return [None if math.isnan(v) else v for v in np.asarray(data, dtype=float).tolist()]


def _counts(spec: Any, data: Any) -> list[Any]:
    masked = np.ma.asarray(data)
    mask = np.ma.getmaskarray(masked).tolist()
    return [None if m else int(v) for v, m in zip(masked.data.tolist(), mask, strict=True)]


def _float_lists(spec: Any, data: Any) -> list[Any]:
    return [
        LIST_SEPARATOR.join(repr(float(x)) for x in data.row(i)) or None for i in range(len(data))
    ]


def _text_lists(spec: Any, data: Any) -> list[Any]:
    cells: list[Any] = []
    for i in range(len(data)):
        items = data.row(i)
        for item in items:
            if LIST_SEPARATOR in item:
                raise ValidationError(
                    spec.name,
                    f"cannot be written to a cell list: an item contains {LIST_SEPARATOR!r}",
                    item,
                    row=i,
                )
        cells.append(LIST_SEPARATOR.join(escape_cell(item) for item in items) or None)
    return cells


def _texts(spec: Any, data: Any) -> list[Any]:
    return [None if v is None else escape_cell(str(v)) for v in data.to_list()]


#: The cells of a column, by the kind of its field (text for any other kind).
_CELLS: dict[str, Callable[[Any, Any], list[Any]]] = {
    "date": _dates,
    "float": _floats,
    "count": _counts,
    "floats": _float_lists,
    "texts": _text_lists,
}


def _column_cells(spec: Any, data: Any) -> list[Any]:
    return _CELLS.get(spec.kind, _texts)(spec, data)


def write_xlsx(
    target: PathLike, data: Table[Any] | Iterable[Any], *, sheet: str = "records"
) -> None:
    """Write a table (or records of one type) as one sheet of an Excel workbook, atomically.

    The first row names the fields; dates are date cells (shown ``yyyy-mm-dd``), numbers are
    number cells, missing values are empty cells. Text that a spreadsheet would run as a
    formula (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading
    apostrophe, which [`read_xlsx`][narcometrics.io.read_xlsx] removes, so a table written and
    read back is equal.
    """
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
    except ImportError:
        raise ImportError(_INSTALL) from None
    table = _as_table(data)
    columns = dict(table.to_columns())
    specs = list(table.schema)
    formatted = [_checked(spec, _column_cells(spec, columns[spec.name])) for spec in specs]
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet)
    worksheet.append([spec.name for spec in specs])
    for values in zip(*formatted, strict=True):
        row = []
        for spec, value in zip(specs, values, strict=True):
            cell = WriteOnlyCell(worksheet, value=value)
            if spec.kind == "date" and value is not None:
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            row.append(cell)
        worksheet.append(row)
    with atomic_file(target) as fh:
        workbook.save(fh)

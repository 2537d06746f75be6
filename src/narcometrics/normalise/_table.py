"""Messy columns to a validated table: column mapping, names and units, every change counted."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from narcometrics._frame import Backend, check_backend
from narcometrics._renamed import record_type_keyword
from narcometrics.errors import Problem, UnknownNameError, ValidationError
from narcometrics.io._cells import Located, build_table, convert_cell, is_empty
from narcometrics.io._kinds import table_type
from narcometrics.normalise._names import (
    country,
    substance,
    suggest,
    unknown_error,
    unknown_name,
)
from narcometrics.normalise._units import UNITS, TabletMass, Unit, unit
from narcometrics.records import Seizure, Substance
from narcometrics.tables import FieldSpec, Table

__all__ = ["MASS_COLUMNS", "Change", "Normalised", "table"]

NameKind = Literal["substances", "countries"]
NAME_KINDS: tuple[str, ...] = ("substances", "countries")

#: Column targets that give a seizure's mass, and the unit each is in. ``quantity`` with a
#: ``unit`` column gives the unit row by row.
MASS_COLUMNS: Mapping[str, str] = {
    "mass_kg": "kg",
    "mass_g": "g",
    "mass_mg": "mg",
    "mass_t": "t",
    "volume_l": "L",
    "volume_ml": "mL",
    "tablets": "tablets",
}
_QUANTITY = "quantity"
_UNIT = "unit"
_FLOAT = FieldSpec(name="quantity", kind="float")


@attrs.frozen
class Change:
    """How many values one mapping changed.

    Attributes
    ----------
    mapping : str
        ``column`` (a header renamed), ``substance``, ``country`` or ``unit`` (a quantity
        converted to kg).
    original : str
        The name or unit as written.
    result : str
        What it became (a field name, a substance value, an alpha-3 code, ``kg``).
    count : int
        How many values (rows) it changed.
    """

    mapping: str
    original: str
    result: str
    count: int

    def __str__(self) -> str:
        return f"{self.mapping}: {self.original!r} -> {self.result!r} ({self.count} values)"


@attrs.frozen(eq=False)
class Normalised:
    """A table read from messy data and every change made on the way.

    Attributes
    ----------
    table : Table
        The validated table.
    changes : tuple of Change
        Each mapping applied and how many values it changed.
    reported : mapping of str to numpy.ndarray
        For seizures whose mass was converted: ``quantity_reported`` (float64, the number as
        written) and ``unit_reported`` (object, the unit symbol: ``g``, ``t``, ``L``,
        ``tablets``...), one per row of `table`, so nothing reported is lost. Empty otherwise.
    """

    table: Table[Any]
    changes: tuple[Change, ...]
    reported: Mapping[str, NDArray[Any]] = attrs.field(factory=dict)

    def counts(self) -> dict[str, int]:
        """Values changed per mapping (``column``, ``substance``, ``country``, ``unit``)."""
        out: dict[str, int] = {}
        for change in self.changes:
            out[change.mapping] = out.get(change.mapping, 0) + change.count
        return out

    def summary(self) -> str:
        """One line per change, for a person to check."""
        if not self.changes:
            return f"{len(self.table)} rows, nothing changed"
        return "\n".join([f"{len(self.table)} rows"] + [f"  {c}" for c in self.changes])

    def to_frame(self, backend: Backend = "pandas") -> Any:
        """The table as a dataframe, with the reported quantity and unit columns beside it."""
        frame = self.table.to_frame(check_backend(backend))
        if not self.reported:
            return frame
        if backend == "pandas":
            for name, values in self.reported.items():
                frame[name] = values
            return frame
        if backend == "polars":
            import polars as pl

            return frame.with_columns(
                [pl.Series(name, values.tolist()) for name, values in self.reported.items()]
            )
        for name, values in self.reported.items():
            frame = frame.append_column(name, [values.tolist()])
        return frame

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts().items()) or "no changes"
        return f"Normalised({type(self.table).__name__}, rows={len(self.table)}, {counts})"


def _names(names: str | Iterable[str]) -> set[str]:
    chosen = {names} if isinstance(names, str) else set(names)
    for name in chosen:
        if name not in NAME_KINDS:
            raise UnknownNameError("names", str(name), NAME_KINDS)
    return chosen


def _as_columns(data: Any) -> dict[str, list[Any]]:
    if isinstance(data, Mapping):
        # numpy arrays give Python scalars through tolist(), as dataframes do.
        return {
            str(k): list(v.tolist()) if hasattr(v, "tolist") else list(v) for k, v in data.items()
        }
    import narwhals as nw

    try:
        frame = nw.from_native(data, eager_only=True)
    except TypeError:
        raise TypeError(
            f"data must be a mapping of column name to values or an eager dataframe, not "
            f"{type(data).__name__}"
        ) from None
    return {name: frame[name].to_list() for name in frame.columns}


@attrs.define
class _Work:
    """The state of one normalisation: cells by target field, where they came from."""

    cells: dict[str, list[Any]]
    columns: dict[str, int]  # target -> 1-based column number
    rows: Sequence[int]
    path: str | None
    problems: list[Problem] = attrs.field(factory=list)
    changes: list[Change] = attrs.field(factory=list)
    unknown: list[Problem] = attrs.field(factory=list)
    skip: set[int] = attrs.field(factory=set)  # file rows already reported

    def at(self, field: str, problem: str, value: object, offset: int | None) -> Problem:
        return Problem(
            field=field,
            problem=problem,
            value=value,
            path=self.path,
            row=None if offset is None else self.rows[offset],
            column=self.columns.get(field),
        )


def _map_columns(
    data: dict[str, list[Any]],
    table: type[Table[Any]],
    mapping: Mapping[str, str | None],
    path: str | None,
    header_row: int,
    header_columns: Sequence[int] | None,
) -> tuple[dict[str, list[Any]], dict[str, int], list[Change], list[Problem]]:
    fields = [spec.name for spec in table.schema]
    mass = table.record_type is Seizure
    targets = set(fields) | ({*MASS_COLUMNS, _QUANTITY, _UNIT} if mass else set())
    headers = list(data)
    numbers = list(header_columns) if header_columns is not None else range(1, len(headers) + 1)
    number_of = dict(zip(headers, numbers, strict=True))
    problems: list[Problem] = []
    for source, target in mapping.items():
        if source not in data:
            near = suggest(source, headers)
            hint = f"; nearest: {', '.join(near)}" if near else ""
            problems.append(
                Problem(
                    field="columns",
                    problem=f"maps a column the data does not have{hint}",
                    value=source,
                    path=path,
                )
            )
        elif target is not None and target not in targets:
            problems.append(
                Problem(
                    field="columns",
                    problem=f"maps {source!r} to an unknown field; valid: "
                    f"{', '.join(sorted(targets))}",
                    value=target,
                    path=path,
                )
            )
    cells: dict[str, list[Any]] = {}
    columns: dict[str, int] = {}
    changes: list[Change] = []
    for header in headers:
        target = mapping.get(header, header)
        if target is None:
            continue  # dropped on purpose
        if target not in targets:
            if header not in mapping:
                problems.append(
                    Problem(
                        field=header or "<empty>",
                        problem="unknown column; map it with columns={...} (None drops it); "
                        f"valid fields: {', '.join(fields)}",
                        path=path,
                        row=header_row,
                        column=number_of[header],
                    )
                )
            continue
        if target in cells:
            problems.append(
                Problem(
                    field=target,
                    problem="given by two columns",
                    value=header,
                    path=path,
                    row=header_row,
                    column=number_of[header],
                )
            )
            continue
        cells[target] = data[header]
        columns[target] = number_of[header]
        if target != header:
            changes.append(Change("column", header, target, len(data[header])))
    return cells, columns, changes, problems


def _mass_source(work: _Work) -> str | None:
    """The one column that gives the mass in another unit than kg, or None; a problem for a
    quantity without a unit (or the reverse) and for a mass given twice."""
    sources = [name for name in (*MASS_COLUMNS, _QUANTITY) if name in work.cells]
    if _UNIT in work.cells and _QUANTITY not in work.cells:
        work.problems.append(work.at(_UNIT, "needs a quantity column beside it", None, None))
    if _QUANTITY in work.cells and _UNIT not in work.cells:
        work.problems.append(work.at(_QUANTITY, "needs a unit column beside it", None, None))
    if len(sources) > 1:
        work.problems.append(
            work.at(sources[1], f"gives the mass a second time (also {sources[0]})", None, None)
        )
        return None
    if not sources or sources == ["mass_kg"]:
        return None
    return sources[0]


@attrs.define
class _MassRows:
    """Converts one mass column row by row, resolving each written unit once."""

    work: _Work
    source: str
    tablet: TabletMass | None
    resolved: dict[str, Unit | None] = attrs.field(factory=dict)
    counts: dict[tuple[str, str], int] = attrs.field(factory=dict)
    tablet_problem: bool = False

    def unit_of(self, written: object, offset: int) -> Unit | None:
        """The unit a row is written in, or None (reported) when missing or unknown."""
        work = self.work
        if is_empty(written):
            work.problems.append(work.at(_UNIT, "is missing for a quantity", written, offset))
            return None
        text = str(written)
        if text not in self.resolved:
            try:
                self.resolved[text] = unit(text)
            except UnknownNameError as error:
                self.resolved[text] = None
                near = list(error.valid) if error.valid else []
                work.unknown.append(
                    unknown_name(
                        _UNIT,
                        text,
                        near,
                        path=work.path,
                        row=work.rows[offset],
                        column=work.columns.get(_UNIT),
                    )
                )
        found = self.resolved[text]
        if found is None:
            work.skip.add(work.rows[offset])  # its unknown unit is reported once
        return found

    def tablets_to_kg(self, quantity: float, raw: object, offset: int) -> float | None:
        """A count of tablets in kg, with the caller's tablet mass (none is assumed)."""
        if self.tablet is not None:
            return quantity * self.tablet.mass_g / 1000.0
        if not self.tablet_problem:
            self.work.problems.append(
                self.work.at(
                    self.source,
                    "is in tablets: give tablet=TabletMass(mass_g=..., source=...) "
                    "with the source of the tablet mass (none is assumed)",
                    raw,
                    offset,
                )
            )
            self.tablet_problem = True
        self.work.skip.add(self.work.rows[offset])
        return None

    def row(
        self, raw: object, written: object, offset: int
    ) -> tuple[float | None, float, str | None]:
        """Mass [kg], quantity as reported and unit symbol of one row."""
        work = self.work
        if is_empty(raw):
            return None, np.nan, None
        try:
            quantity = convert_cell(_FLOAT, raw)
        except ValueError as exc:
            work.problems.append(work.at(self.source, str(exc), raw, offset))
            return None, np.nan, None
        if quantity <= 0:
            work.problems.append(work.at(self.source, "must be > 0", raw, offset))
        found = self.unit_of(written, offset)
        if found is None:
            return None, quantity, None
        if found.kg_per_unit is None:
            mass = self.tablets_to_kg(quantity, raw, offset)
        else:
            mass = found.to_kg(quantity)
        if found.symbol != "kg" and mass is not None:
            key = (str(written), found.symbol)
            self.counts[key] = self.counts.get(key, 0) + 1
        return mass, quantity, found.symbol

    def changes(self) -> list[Change]:
        """One change per written unit converted to kg, with how many rows."""
        found = []
        for (written, symbol), count in self.counts.items():
            how = (
                f"kg at {self.tablet.mass_g:g} g per tablet ({self.tablet.source})"
                if symbol == "tablets" and self.tablet is not None
                else f"kg ({UNITS[symbol].basis})"
            )
            found.append(Change("unit", written, how, count))
        return found


def _convert_mass(work: _Work, tablet: TabletMass | None) -> dict[str, NDArray[Any]]:
    source = _mass_source(work)
    if source is None:
        return {}
    quantities = work.cells.pop(source)
    units_given = work.cells.pop(_UNIT, None)
    column = work.columns.get(source)
    work.columns["mass_kg"] = column if column is not None else 0
    rows = _MassRows(work=work, source=source, tablet=tablet)
    masses: list[float | None] = []
    reported_q: list[float] = []
    reported_u: list[str | None] = []
    for offset, raw in enumerate(quantities):
        written = MASS_COLUMNS.get(source) if units_given is None else units_given[offset]
        mass, quantity, symbol = rows.row(raw, written, offset)
        masses.append(mass)
        reported_q.append(quantity)
        reported_u.append(symbol)
    work.cells["mass_kg"] = masses
    work.changes.extend(rows.changes())
    unit_labels = np.empty(len(reported_u), dtype=object)
    unit_labels[:] = reported_u
    return {
        "quantity_reported": np.asarray(reported_q, dtype=np.float64),
        "unit_reported": unit_labels,
    }


def _rename(work: _Work, field: str, mapping: str, resolve: Callable[[str], str]) -> None:
    values = work.cells.get(field)
    if values is None:
        return
    done: dict[str, str | None] = {}
    near: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    for offset, raw in enumerate(values):
        if not isinstance(raw, str) or is_empty(raw):
            continue
        if raw not in done:
            try:
                done[raw] = resolve(raw)
            except UnknownNameError as error:
                done[raw] = None
                near[raw] = list(error.valid)
        result = done[raw]
        if result is None:
            first.setdefault(raw, offset)
            work.skip.add(work.rows[offset])
        elif result != raw:
            values[offset] = result
        counts[raw] = counts.get(raw, 0) + 1
    for raw, offset in first.items():
        problem = unknown_name(
            field,
            raw,
            near[raw],
            path=work.path,
            row=work.rows[offset],
            column=work.columns.get(field),
        )
        if counts[raw] > 1:
            problem = attrs.evolve(
                problem, problem=f"{problem.problem} (in {counts[raw]} rows; the first shown)"
            )
        work.unknown.append(problem)
    for raw, count in counts.items():
        result = done[raw]
        if result is not None and result != raw:
            work.changes.append(Change(mapping, raw, result, count))


def _substance_value(name: str) -> str:
    try:
        return Substance(name).value
    except ValueError:
        return substance(name).value


def _country_code(name: str) -> str:
    return country(name)


@record_type_keyword
def table(
    data: Any,
    record_type: type[Any],
    *,
    columns: Mapping[str, str | None] | None = None,
    names: str | Iterable[str] = (),
    date_format: str | None = None,
    tablet: TabletMass | None = None,
    path: str | None = None,
    rows: Sequence[int] | None = None,
    header_row: int = 1,
    header_columns: Sequence[int] | None = None,
) -> Normalised:
    """Build a table from messy columns: rename headers, map names, convert units.

    Parameters
    ----------
    data : mapping of str to sequence, or dataframe
        Columns by header; cells may be text, numbers, dates or empty (``None``, ``""``).
    record_type : record or table class
        ``Seizure``/``SeizureTable`` and so on.
    columns : mapping of str to str or None, optional
        Header -> field name, e.g. ``{"Fecha": "date", "Peso (kg)": "mass_kg"}``; ``None``
        drops a column on purpose. Headers not mapped must be field names. For seizures the
        mass may come from ``mass_g``, ``mass_mg``, ``mass_t``, ``volume_l``, ``volume_ml``,
        ``tablets``, or a ``quantity`` column with a ``unit`` column.
    names : {"substances", "countries"} or a sequence of them
        Which names to map: substance names in English or Spanish through the bundled
        synonym table, country names to ISO alpha-3 through pycountry. Nothing is mapped
        unless asked.
    date_format : str, optional
        A `datetime.strptime` format for dates typed as text (``"%d/%m/%Y"``); ISO 8601
        text, date cells and Excel serials are read without it.
    tablet : TabletMass, optional
        Required when a quantity is in tablets.
    path, rows, header_row, header_columns
        Where the data came from, for error messages (set by [`read`][narcometrics.normalise.read]):
        the file, each data row's 1-based row, the header's row and each header's column.

    Returns
    -------
    Normalised
        The table, the changes made (how many values each mapping changed) and, for converted
        seizure masses, the quantity and unit as reported.

    Raises
    ------
    ValidationError
        Every problem found (unmapped or repeated columns, bad cells, unknown names), located
        by file, row and column where known.
    UnknownNameError
        When the only problems are unknown names (each with the nearest known names).
    """
    record_table = table_type(record_type)
    chosen = _names(names)
    raw = _as_columns(data)
    lengths = {len(v) for v in raw.values()}
    if len(lengths) > 1:
        raise ValidationError("data", "columns must have equal lengths", sorted(lengths))
    n_rows = lengths.pop() if lengths else 0
    numbers = list(rows) if rows is not None else [i + 1 + header_row for i in range(n_rows)]
    if len(numbers) != n_rows:
        raise ValidationError("rows", f"must give one row number per row ({n_rows})", len(numbers))
    cells, positions, changes, problems = _map_columns(
        raw, record_table, columns or {}, path, header_row, header_columns
    )
    work = _Work(cells=cells, columns=positions, rows=numbers, path=path, problems=problems)
    work.changes.extend(changes)
    reported: dict[str, NDArray[Any]] = {}
    if record_table.record_type is Seizure:
        reported = _convert_mass(work, tablet)
    if "substances" in chosen and "substance" in work.cells:
        _rename(work, "substance", "substance", _substance_value)
    if "countries" in chosen and "country" in work.cells:
        _rename(work, "country", "country", _country_code)
    extra = [*work.problems, *work.unknown]
    where = Located(path=path, rows=numbers, columns=work.columns)
    try:
        built = build_table(
            work.cells,
            record_table,
            where,
            date_format=date_format,
            extra_problems=extra,
            skip_rows=work.skip,
        )
    except ValidationError as error:
        if work.unknown and all(p in work.unknown for p in error.problems):
            raise unknown_error(error.problems, truncated=error.truncated) from None
        raise
    return Normalised(table=built, changes=tuple(work.changes), reported=reported)

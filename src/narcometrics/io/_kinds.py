"""Which table class goes with which record class, for the readers and writers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from narcometrics.errors import ValidationError
from narcometrics.records import Eradication, Operation, Seizure, TrainingOutcome
from narcometrics.tables import (
    EradicationTable,
    OperationTable,
    SeizureTable,
    Table,
    TrainingTable,
)

TABLES: dict[type[Any], type[Table[Any]]] = {
    Seizure: SeizureTable,
    Eradication: EradicationTable,
    Operation: OperationTable,
    TrainingOutcome: TrainingTable,
}

#: The separator of values inside one cell of a variable-length field (scores, ids).
LIST_SEPARATOR = ";"


def table_type(record_type: type[Any]) -> type[Table[Any]]:
    """The table class for a record class or a table class."""
    if record_type in TABLES:
        return TABLES[record_type]
    if (
        isinstance(record_type, type)
        and issubclass(record_type, Table)
        and record_type in TABLES.values()
    ):
        return record_type
    names = ", ".join(f"{r.__name__}/{t.__name__}" for r, t in TABLES.items())
    raise TypeError(f"record_type must be a record or table class ({names}), not {record_type!r}")


def kind_of_columns(
    columns: Iterable[str],
    path: str,
    *,
    as_read: Callable[[type[Any], set[str]], set[str]] | None = None,
    what: str = "columns",
    hint: str = "; see the file format reference",
) -> type[Any]:
    """The one record type a file's columns fit: every column is one of its fields and every
    required field is there.

    ``as_read(record, names)`` gives the names as that record type would read them (a column
    mapping may turn ``mass_g`` into ``mass_kg``); by default the names as they are.

    Raises
    ------
    ValidationError
        When the columns fit no record type, or several (naming ``what`` they are).
    """
    held = set(columns)
    fits = []
    for record, table in TABLES.items():
        names = {spec.name for spec in table.schema}
        required = {spec.name for spec in table.schema if not spec.default}
        given = held if as_read is None else as_read(record, set(held))
        if given <= names and required <= given:
            fits.append(record)
    if len(fits) != 1:
        kinds = ", ".join(r.__name__ for r in (fits or TABLES))
        problem = (
            f"{what} fit several record types ({kinds})"
            if fits
            else f"{what} fit no record type ({kinds}){hint}"
        )
        raise ValidationError("file", problem, sorted(held), path=path)
    return fits[0]

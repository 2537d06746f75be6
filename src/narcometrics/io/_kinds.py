"""Which table class goes with which record class, for the readers and writers."""

from __future__ import annotations

from typing import Any

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


def table_type(kind: type[Any]) -> type[Table[Any]]:
    """The table class for a record class or a table class."""
    if kind in TABLES:
        return TABLES[kind]
    if isinstance(kind, type) and issubclass(kind, Table) and kind in TABLES.values():
        return kind
    names = ", ".join(f"{r.__name__}/{t.__name__}" for r, t in TABLES.items())
    raise TypeError(f"kind must be a record or table class ({names}), not {kind!r}")

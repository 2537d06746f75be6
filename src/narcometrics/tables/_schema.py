"""What each table stores: one field spec per record field, in the record's field order.

The specs are not declared here: they are read from the record classes, whose fields are
declared once with their kind and rule ([`narcometrics._fields.field`][narcometrics._fields.field]).
"""

from __future__ import annotations

from narcometrics._fields import CATEGORICAL_KINDS, FieldSpec, Kind, Rule, schema
from narcometrics.records import Eradication, Operation, Seizure, TrainingOutcome

__all__ = [
    "CATEGORICAL_KINDS",
    "ERADICATION",
    "OPERATION",
    "SEIZURE",
    "TRAINING",
    "FieldSpec",
    "Kind",
    "Rule",
]

SEIZURE: tuple[FieldSpec, ...] = schema(Seizure)
ERADICATION: tuple[FieldSpec, ...] = schema(Eradication)
OPERATION: tuple[FieldSpec, ...] = schema(Operation)
TRAINING: tuple[FieldSpec, ...] = schema(TrainingOutcome)

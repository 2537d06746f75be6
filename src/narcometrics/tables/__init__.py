"""Columnar tables of records: the bulk path for thousands to millions of rows.

One numpy array per record field. Categorical fields (country, substance, region, agency, method,
...) are small integer codes plus their few labels
([`Categorical`][narcometrics.tables.Categorical], code ``-1`` = missing); dates are
``datetime64[D]``; measures are ``float64``; counts are ``int64`` (numpy masked arrays where the
record allows None); optional floats use NaN for a missing value; variable-length fields (scores,
participant ids) are flat arrays plus offsets ([`Ragged`][narcometrics.tables.Ragged]). Nothing in
the bulk path builds one Python object per row.

Every way in ([`from_records`][narcometrics.tables.SeizureTable.from_records],
[`from_columns`][narcometrics.tables.SeizureTable.from_columns],
[`from_frame`][narcometrics.tables.SeizureTable.from_frame]) applies the records' rules to whole
columns at once and raises one [`ValidationError`][narcometrics.errors.ValidationError] naming the
field, the value and the 0-based row of every bad value (up to `MAX_PROBLEMS`).
"""

from __future__ import annotations

from narcometrics._frame import Backend
from narcometrics.tables._base import Period, Table
from narcometrics.tables._columns import MISSING_CODE, Categorical, Ragged
from narcometrics.tables._schema import FieldSpec
from narcometrics.tables._tables import (
    EradicationTable,
    OperationTable,
    SeizureTable,
    TrainingTable,
    concat,
)

__all__ = [
    "MISSING_CODE",
    "Backend",
    "Categorical",
    "EradicationTable",
    "FieldSpec",
    "OperationTable",
    "Period",
    "Ragged",
    "SeizureTable",
    "Table",
    "TrainingTable",
    "concat",
]

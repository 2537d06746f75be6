"""narcometrics: typed indicator models for counter-narcotics cooperation programmes.

Domain records ([`Seizure`][narcometrics.records.Seizure],
[`Eradication`][narcometrics.records.Eradication], [`Operation`][narcometrics.records.Operation],
[`TrainingOutcome`][narcometrics.records.TrainingOutcome]), columnar tables for the bulk path, fast
aggregation, cocaine potential estimates with cited factor sets, training-outcome statistics and
results frameworks. The modules (``narcometrics.factors``, ``narcometrics.estimate``, ...) are
available after ``import narcometrics``; ``narcometrics.dask`` and the plotting helpers are imported
on demand because they need optional extras.
"""

from narcometrics import (
    aggregate,
    datasets,
    estimate,
    factors,
    indicators,
    io,
    rates,
    serialize,
    tables,
    training,
    units,
)
from narcometrics._version import __version__
from narcometrics.errors import Problem, UnknownNameError, ValidationError
from narcometrics.records import (
    Eradication,
    EradicationMethod,
    Operation,
    Seizure,
    Substance,
    TrainingOutcome,
    Verification,
)
from narcometrics.tables import EradicationTable, OperationTable, SeizureTable, TrainingTable

__all__ = [
    "Eradication",
    "EradicationMethod",
    "EradicationTable",
    "Operation",
    "OperationTable",
    "Problem",
    "Seizure",
    "SeizureTable",
    "Substance",
    "TrainingOutcome",
    "TrainingTable",
    "UnknownNameError",
    "ValidationError",
    "Verification",
    "__version__",
    "aggregate",
    "datasets",
    "estimate",
    "factors",
    "indicators",
    "io",
    "rates",
    "serialize",
    "tables",
    "training",
    "units",
]

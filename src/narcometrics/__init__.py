"""narcometrics: typed indicator models for counter-narcotics cooperation programmes.

Domain records ([`Seizure`][narcometrics.records.Seizure],
[`Eradication`][narcometrics.records.Eradication], [`Operation`][narcometrics.records.Operation],
[`TrainingOutcome`][narcometrics.records.TrainingOutcome]), columnar tables for the bulk path, fast
aggregation, cocaine potential estimates with cited factor sets, training-outcome statistics and
results frameworks. The modules (``narcometrics.factors``, ``narcometrics.estimate``, ...) are
available after ``import narcometrics`` and imported on first use (PEP 562), so that importing
the package stays fast; ``narcometrics.dask`` and the plotting helpers need optional extras.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as type checkers and editors see them; imported on first use
    from narcometrics import (
        aggregate,
        citation,
        datasets,
        estimate,
        factors,
        indicators,
        io,
        provenance,
        rates,
        serialize,
        tables,
        training,
        units,
    )
    from narcometrics._version import __version__
    from narcometrics.citation import cite
    from narcometrics.errors import Problem, UnknownNameError, ValidationError, WrongTypeError
    from narcometrics.provenance import replay
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

#: Public name -> the module that defines it (a subpackage maps to itself).
_LAZY = {
    "__version__": "narcometrics._version",
    "cite": "narcometrics.citation",
    "replay": "narcometrics.provenance",
    **dict.fromkeys(
        ("Problem", "UnknownNameError", "ValidationError", "WrongTypeError"), "narcometrics.errors"
    ),
    **dict.fromkeys(
        (
            "Eradication",
            "EradicationMethod",
            "Operation",
            "Seizure",
            "Substance",
            "TrainingOutcome",
            "Verification",
        ),
        "narcometrics.records",
    ),
    **dict.fromkeys(
        ("EradicationTable", "OperationTable", "SeizureTable", "TrainingTable"),
        "narcometrics.tables",
    ),
    **{
        name: f"narcometrics.{name}"
        for name in (
            "aggregate",
            "citation",
            "datasets",
            "estimate",
            "factors",
            "indicators",
            "io",
            "provenance",
            "rates",
            "serialize",
            "tables",
            "training",
            "units",
        )
    },
}

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
    "WrongTypeError",
    "__version__",
    "aggregate",
    "citation",
    "cite",
    "datasets",
    "estimate",
    "factors",
    "indicators",
    "io",
    "provenance",
    "rates",
    "replay",
    "serialize",
    "tables",
    "training",
    "units",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562) and keep the name."""
    try:
        where = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'narcometrics' has no attribute {name!r}") from None
    module = importlib.import_module(where)
    value = module if where == f"narcometrics.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""Names of `narcometrics.indicators` renamed in 0.2, kept for one release with a warning.

- ``avoided_production(adjusted=...)``: one flag switched between two models and the name
  repeated [`narcometrics.estimate.avoided_production`][narcometrics.estimate.avoided_production];
  use [`production_avoided_up_to`][narcometrics.indicators.production_avoided_up_to] or
  [`production_avoided_adjusted`][narcometrics.indicators.production_avoided_adjusted].
- ``aggregate``: the name of the `narcometrics.aggregate` package; use
  [`combine`][narcometrics.indicators.combine].
- ``year_over_year``: not the function of that name in `narcometrics.aggregate`; use
  [`change_over_time`][narcometrics.indicators.change_over_time].
- ``Period``: not `narcometrics.tables.Period`; use
  [`ReportingPeriod`][narcometrics.indicators.ReportingPeriod].

These aliases will be removed in 0.3.
"""

from __future__ import annotations

import warnings
from typing import Any

from narcometrics.indicators._aggregate import combine
from narcometrics.indicators._derive_avoided import (
    production_avoided_adjusted,
    production_avoided_up_to,
)
from narcometrics.indicators._fields import ReportingPeriod
from narcometrics.indicators._progress import change_over_time

__all__ = ["__getattr__", "aggregate", "avoided_production", "year_over_year"]


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"narcometrics.indicators.{old} is deprecated and will be removed in 0.3; use {new}",
        DeprecationWarning,
        stacklevel=3,
    )


def avoided_production(
    eradications: Any, factors: Any, *, adjusted: bool = False, **options: Any
) -> Any:
    """Deprecated: use
    [`production_avoided_up_to`][narcometrics.indicators.production_avoided_up_to] or, with
    ``adjusted=True``,
    [`production_avoided_adjusted`][narcometrics.indicators.production_avoided_adjusted]."""
    if not isinstance(adjusted, bool):
        raise TypeError(f"adjusted must be True or False, not {type(adjusted).__name__}")
    if adjusted:
        _warn("avoided_production(adjusted=True)", "production_avoided_adjusted")
        return production_avoided_adjusted(eradications, factors, **options)
    _warn("avoided_production", "production_avoided_up_to")
    if options.get("date_kind", "auto") == "auto":
        options.pop("date_kind", None)
    return production_avoided_up_to(eradications, factors, **options)


def aggregate(*args: Any, **kwargs: Any) -> Any:
    """Deprecated: use [`combine`][narcometrics.indicators.combine]."""
    _warn("aggregate", "combine")
    return combine(*args, **kwargs)


def year_over_year(*args: Any, **kwargs: Any) -> Any:
    """Deprecated: use [`change_over_time`][narcometrics.indicators.change_over_time]."""
    _warn("year_over_year", "change_over_time")
    return change_over_time(*args, **kwargs)


def __getattr__(name: str) -> Any:
    if name == "Period":
        _warn("Period", "ReportingPeriod")
        return ReportingPeriod
    raise AttributeError(f"module 'narcometrics.indicators' has no attribute {name!r}")

"""Names of `narcometrics.aggregate` renamed in 0.2, kept for one release with a warning.

- ``records``: also the name of the `narcometrics.records` module; use
  [`best_ever`][narcometrics.aggregate.best_ever].
- ``partial``: [`total`][narcometrics.aggregate.total] under another name; every
  [`Totals`][narcometrics.aggregate.Totals] merges with
  [`merge`][narcometrics.aggregate.merge], so use ``total`` on each partition.

These aliases will be removed in 0.3.
"""

from __future__ import annotations

import warnings
from typing import Any

from narcometrics.aggregate._groupby import total
from narcometrics.aggregate._series import best_ever

__all__ = ["partial", "records"]


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"narcometrics.aggregate.{old} is deprecated and will be removed in 0.3; use {new}",
        DeprecationWarning,
        stacklevel=3,
    )


def records(*args: Any, **kwargs: Any) -> Any:
    """Deprecated: use [`best_ever`][narcometrics.aggregate.best_ever]."""
    _warn("records", "best_ever")
    return best_ever(*args, **kwargs)


def partial(*args: Any, **kwargs: Any) -> Any:
    """Deprecated: use [`total`][narcometrics.aggregate.total] (its result merges with
    [`merge`][narcometrics.aggregate.merge])."""
    _warn("partial", "total")
    return total(*args, **kwargs)

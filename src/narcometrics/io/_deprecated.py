"""Names that moved out of `narcometrics.io`, kept for one release with a warning."""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["aggregate_csv"]


def aggregate_csv(*args: Any, **kwargs: Any) -> Any:
    """Deprecated: use [`narcometrics.stream.aggregate_csv`][narcometrics.stream.aggregate_csv].

    Input and output no longer import models; the fold of CSV files into totals moved to
    `narcometrics.stream`. This alias will be removed in 0.3.
    """
    warnings.warn(
        "narcometrics.io.aggregate_csv moved to narcometrics.stream.aggregate_csv",
        DeprecationWarning,
        stacklevel=2,
    )
    from narcometrics.stream import aggregate_csv as moved

    return moved(*args, **kwargs)

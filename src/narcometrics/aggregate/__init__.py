"""Fast, exact aggregation of tables: totals, mergeable partials, change over time.

[`total`][narcometrics.aggregate.total] sums a measure (or counts records) per group of calendar
periods and categorical labels with integer arithmetic over the table's codes; each sum is
exact, rounded once, so it does not depend on the order of the rows.
Every [`Totals`][narcometrics.aggregate.Totals] merges: [`merge`][narcometrics.aggregate.merge]
lets partitions (files, chunks, workers) be totalled independently and combine into the
totals of all their rows.
[`year_over_year`][narcometrics.aggregate.year_over_year],
[`best_ever`][narcometrics.aggregate.best_ever] and
[`cumulative`][narcometrics.aggregate.cumulative]
turn yearly totals, or plain year/value arrays, into change, best-ever flags and running totals.

See the explanation page "Aggregating tables" for the semantics (conservation, merging,
missing years).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from narcometrics._lazy import reexport

if TYPE_CHECKING:  # what type checkers and the docs see; imported on first use
    from narcometrics.aggregate._deprecated import partial, records
    from narcometrics.aggregate._groupby import grouping_fields, measures, total
    from narcometrics.aggregate._series import BestEver, best_ever, cumulative, year_over_year
    from narcometrics.aggregate._totals import Totals, merge
else:
    __getattr__, __dir__ = reexport(
        __name__,
        {
            "narcometrics.aggregate._deprecated": ("partial", "records"),
            "narcometrics.aggregate._groupby": ("grouping_fields", "measures", "total"),
            "narcometrics.aggregate._series": (
                "BestEver",
                "best_ever",
                "cumulative",
                "year_over_year",
            ),
            "narcometrics.aggregate._totals": ("Totals", "merge"),
        },
    )

__all__ = [
    "BestEver",
    "Totals",
    "best_ever",
    "cumulative",
    "grouping_fields",
    "measures",
    "merge",
    "partial",
    "records",
    "total",
    "year_over_year",
]

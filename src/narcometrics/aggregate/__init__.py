"""Fast, exact aggregation of tables: totals, mergeable partials, change over time.

[`total`][narcometrics.aggregate.total] sums a measure (or counts records) per group of calendar
periods and categorical labels with integer arithmetic over the table's codes; each sum is
exact, rounded once, so it does not depend on the order of the rows.
[`partial`][narcometrics.aggregate.partial] and [`merge`][narcometrics.aggregate.merge] let
partitions (files, chunks, workers) aggregate independently and combine into the same totals.
[`year_over_year`][narcometrics.aggregate.year_over_year],
[`records`][narcometrics.aggregate.records] and [`cumulative`][narcometrics.aggregate.cumulative]
turn yearly totals, or plain year/value arrays, into change, best-ever flags and running totals.

See the explanation page "Aggregating tables" for the semantics (conservation, merging,
missing years).
"""

from __future__ import annotations

from narcometrics.aggregate._groupby import grouping_fields, measures, partial, total
from narcometrics.aggregate._series import BestEver, cumulative, records, year_over_year
from narcometrics.aggregate._totals import Totals, merge

__all__ = [
    "BestEver",
    "Totals",
    "cumulative",
    "grouping_fields",
    "measures",
    "merge",
    "partial",
    "records",
    "total",
    "year_over_year",
]

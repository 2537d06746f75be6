"""Results frameworks: indicators with baselines, targets and actuals, and their rules.

An :class:`Indicator` declares what it measures and how its values combine: over time
(``time_rule``: sum, last, max, min, mean), across units (``unit_rule``: sum, pooled
ratio, none) and whether reported values are running totals (``cumulative``: none,
lifetime, yearly). Rules are declared, never inferred, and the combinations behind the
field's known bugs are refused when the indicator is built.

Values are a :class:`Baseline`, period :class:`Target` values (with a milestone flag) and
period :class:`Actual` values with location, breakdown dimensions, source and verification
status. Percentages and rates keep their numerator and denominator.

The functions are pure: :func:`aggregate` (and :func:`aggregate_over_time`,
:func:`aggregate_across_units`) apply the declared rules to actuals or targets;
:func:`progress` and :func:`progress_ratio` measure the way from baseline to target;
:func:`year_over_year` gives change in percent or, for percentages, in percentage points;
:func:`check_disaggregation` reports every breakdown that does not add up to its headline.
Zero denominators give NaN, never 0; qualitative indicators are never aggregated.

See the explanation page "Aggregation semantics of indicators" for the rules and the bugs
they prevent.
"""

from narcometrics.indicators._aggregate import (
    Aggregate,
    aggregate,
    aggregate_across_units,
    aggregate_over_time,
)
from narcometrics.indicators._disaggregation import (
    DisaggregationReport,
    Mismatch,
    check_disaggregation,
)
from narcometrics.indicators._enums import (
    TIME_RULES,
    UNIT_RULES,
    CumulativeKind,
    Level,
    Measure,
    TimeRule,
    UnitRule,
    VerificationStatus,
)
from narcometrics.indicators._fields import Period, Reference
from narcometrics.indicators._framework import IndicatorValues, ResultsFramework
from narcometrics.indicators._indicator import Indicator
from narcometrics.indicators._progress import (
    Change,
    Progress,
    ProgressStatus,
    expected_progress,
    progress,
    progress_ratio,
    year_over_year,
)
from narcometrics.indicators._values import Actual, Baseline, Target

__all__ = [
    "TIME_RULES",
    "UNIT_RULES",
    "Actual",
    "Aggregate",
    "Baseline",
    "Change",
    "CumulativeKind",
    "DisaggregationReport",
    "Indicator",
    "IndicatorValues",
    "Level",
    "Measure",
    "Mismatch",
    "Period",
    "Progress",
    "ProgressStatus",
    "Reference",
    "ResultsFramework",
    "Target",
    "TimeRule",
    "UnitRule",
    "VerificationStatus",
    "aggregate",
    "aggregate_across_units",
    "aggregate_over_time",
    "check_disaggregation",
    "expected_progress",
    "progress",
    "progress_ratio",
    "year_over_year",
]

"""Results frameworks: indicators with baselines, targets and actuals, and their rules.

An [`Indicator`][narcometrics.indicators.Indicator] declares what it measures and how its values
combine: over time (``time_rule``: sum, last, max, min, mean), across units (``unit_rule``: sum,
pooled ratio, none) and whether reported values are running totals (``cumulative``: none, lifetime,
yearly). Rules are declared, never inferred, and the combinations behind the field's known bugs are
refused when the indicator is built.

Values are a [`Baseline`][narcometrics.indicators.Baseline], period
[`Target`][narcometrics.indicators.Target] values (with a milestone flag) and period
[`Actual`][narcometrics.indicators.Actual] values with location, breakdown dimensions, source and
verification status. Percentages and rates keep their numerator and denominator.

The functions are pure: [`combine`][narcometrics.indicators.combine] (and
[`aggregate_over_time`][narcometrics.indicators.aggregate_over_time],
[`aggregate_across_units`][narcometrics.indicators.aggregate_across_units]) apply the declared rules
to actuals or targets; [`progress`][narcometrics.indicators.progress] and
[`progress_ratio`][narcometrics.indicators.progress_ratio] measure the way from baseline to target;
[`change_over_time`][narcometrics.indicators.change_over_time] gives change in percent or, for
percentages, in percentage points;
[`check_disaggregation`][narcometrics.indicators.check_disaggregation] reports every breakdown that
does not add up to its headline. Zero denominators give NaN, never 0; qualitative indicators are
never aggregated.

Actuals can be derived from record tables, per year, quarter or month and optionally per location
and breakdown category:
[`organisations_disbanded`][narcometrics.indicators.organisations_disbanded],
[`airstrips_destroyed`][narcometrics.indicators.airstrips_destroyed],
[`laboratories_destroyed`][narcometrics.indicators.laboratories_destroyed],
[`hectares_eradicated`][narcometrics.indicators.hectares_eradicated],
[`production_avoided_up_to`][narcometrics.indicators.production_avoided_up_to] and
[`production_avoided_adjusted`][narcometrics.indicators.production_avoided_adjusted] (estimates,
kept on the actual with their range and provenance),
[`seizures_by_substance`][narcometrics.indicators.seizures_by_substance],
[`people_trained`][narcometrics.indicators.people_trained] (each person counted once when
participant ids are given) and
[`share_verified_applying`][narcometrics.indicators.share_verified_applying] (numerator and
denominator); [`derive_framework`][narcometrics.indicators.derive_framework] derives them all for
the [`standard_indicators`][narcometrics.indicators.standard_indicators]. Each derived actual names
its source and is unverified unless stated.

See the explanation page "Aggregation semantics of indicators" for the rules and the bugs
they prevent.
"""

from narcometrics.indicators._aggregate import (
    MIXED_PERIODS,
    Aggregate,
    MixedPeriodsWarning,
    aggregate_across_units,
    aggregate_over_time,
    combine,
)
from narcometrics.indicators._deprecated import (
    __getattr__ as __getattr__,
)
from narcometrics.indicators._deprecated import (
    aggregate as aggregate,
)
from narcometrics.indicators._deprecated import (
    avoided_production as avoided_production,
)
from narcometrics.indicators._deprecated import (
    year_over_year as year_over_year,
)
from narcometrics.indicators._derive import (
    PERIODS,
    airstrips_destroyed,
    hectares_eradicated,
    laboratories_destroyed,
    organisations_disbanded,
    seizures_by_substance,
)
from narcometrics.indicators._derive_avoided import (
    production_avoided_adjusted,
    production_avoided_up_to,
)
from narcometrics.indicators._derive_framework import (
    DERIVATIONS,
    FrameworkDefinition,
    derive_framework,
    load_definition,
    standard_indicators,
)
from narcometrics.indicators._derive_training import people_trained, share_verified_applying
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
from narcometrics.indicators._fields import Reference, ReportingPeriod
from narcometrics.indicators._framework import IndicatorValues, ResultsFramework
from narcometrics.indicators._indicator import Indicator
from narcometrics.indicators._progress import (
    Change,
    Progress,
    ProgressStatus,
    change_over_time,
    expected_progress,
    progress,
    progress_ratio,
)
from narcometrics.indicators._values import Actual, Baseline, Target

__all__ = [
    "DERIVATIONS",
    "MIXED_PERIODS",
    "PERIODS",
    "TIME_RULES",
    "UNIT_RULES",
    "Actual",
    "Aggregate",
    "Baseline",
    "Change",
    "CumulativeKind",
    "DisaggregationReport",
    "FrameworkDefinition",
    "Indicator",
    "IndicatorValues",
    "Level",
    "Measure",
    "Mismatch",
    "MixedPeriodsWarning",
    "Progress",
    "ProgressStatus",
    "Reference",
    "ReportingPeriod",
    "ResultsFramework",
    "Target",
    "TimeRule",
    "UnitRule",
    "VerificationStatus",
    "aggregate_across_units",
    "aggregate_over_time",
    "airstrips_destroyed",
    "change_over_time",
    "check_disaggregation",
    "combine",
    "derive_framework",
    "expected_progress",
    "hectares_eradicated",
    "laboratories_destroyed",
    "load_definition",
    "organisations_disbanded",
    "people_trained",
    "production_avoided_adjusted",
    "production_avoided_up_to",
    "progress",
    "progress_ratio",
    "seizures_by_substance",
    "share_verified_applying",
    "standard_indicators",
]

"""The enumerations of the results-framework model and the rules each measure accepts."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "RATIO_MEASURES",
    "TIME_RULES",
    "UNIT_RULES",
    "CumulativeKind",
    "Level",
    "Measure",
    "TimeRule",
    "UnitRule",
    "VerificationStatus",
]


class Level(StrEnum):
    """Level of the result an indicator measures (IATI result type, EU logframe)."""

    OUTPUT = "output"
    OUTCOME = "outcome"
    IMPACT = "impact"


class Measure(StrEnum):
    """What kind of number an indicator is (IATI indicator measure, plus rates).

    ``unit`` is a count or a quantity; ``percentage`` and ``rate`` are ratios kept as a
    numerator and a denominator (a rate is multiplied by the indicator's ``per``);
    ``nominal`` values are category codes, ``ordinal`` values are ranks on a scale;
    ``qualitative`` values are narratives and are never aggregated.
    """

    UNIT = "unit"
    PERCENTAGE = "percentage"
    RATE = "rate"
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    QUALITATIVE = "qualitative"


class TimeRule(StrEnum):
    """How the values of one unit combine over periods.

    ``sum`` for flows (hectares eradicated per month); for percentages and rates it sums
    the numerators and the denominators and divides once. ``last`` for stocks and
    cumulative-to-date values. ``max``, ``min`` and ``mean`` of the period values.
    """

    SUM = "sum"
    LAST = "last"
    MAX = "max"
    MIN = "min"
    MEAN = "mean"


class UnitRule(StrEnum):
    """How values combine across units (regions, agencies, sub-projects).

    ``sum`` adds the values; ``pooled_ratio`` sums numerators and denominators and divides
    once; ``none`` declares the values not combinable across units (asking raises).
    """

    SUM = "sum"
    POOLED_RATIO = "pooled_ratio"
    NONE = "none"


class CumulativeKind(StrEnum):
    """Whether reported values are running totals.

    ``none``: each value covers its own period. ``lifetime``: each value is the total since
    the start (aggregating over time takes the last). ``yearly``: running totals within a
    calendar year, reset at each year boundary.
    """

    NONE = "none"
    LIFETIME = "lifetime"
    YEARLY = "yearly"


class VerificationStatus(StrEnum):
    """How a reported value was verified.

    ``unverified``: as reported, not checked. ``internal``: checked by the programme
    against its means of verification. ``independent``: checked by a third party.
    """

    UNVERIFIED = "unverified"
    INTERNAL = "internal"
    INDEPENDENT = "independent"


TIME_RULES: Mapping[Measure, frozenset[TimeRule]] = MappingProxyType(
    {
        Measure.UNIT: frozenset(TimeRule),
        Measure.PERCENTAGE: frozenset({TimeRule.SUM, TimeRule.LAST}),
        Measure.RATE: frozenset({TimeRule.SUM, TimeRule.LAST}),
        Measure.ORDINAL: frozenset({TimeRule.LAST, TimeRule.MAX, TimeRule.MIN}),
        Measure.NOMINAL: frozenset({TimeRule.LAST}),
        Measure.QUALITATIVE: frozenset(),
    }
)
"""The time rules each measure accepts (none for qualitative indicators)."""

UNIT_RULES: Mapping[Measure, frozenset[UnitRule]] = MappingProxyType(
    {
        Measure.UNIT: frozenset({UnitRule.SUM, UnitRule.NONE}),
        Measure.PERCENTAGE: frozenset({UnitRule.POOLED_RATIO, UnitRule.NONE}),
        Measure.RATE: frozenset({UnitRule.POOLED_RATIO, UnitRule.NONE}),
        Measure.ORDINAL: frozenset({UnitRule.NONE}),
        Measure.NOMINAL: frozenset({UnitRule.NONE}),
        Measure.QUALITATIVE: frozenset(),
    }
)
"""The rules across units each measure accepts (none for qualitative indicators)."""

RATIO_MEASURES = frozenset({Measure.PERCENTAGE, Measure.RATE})

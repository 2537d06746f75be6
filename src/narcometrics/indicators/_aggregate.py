"""Aggregation of actuals and targets over time and across units by declared rules."""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterable, Sequence

import attrs

from narcometrics.errors import UnknownNameError, ValidationError, WrongTypeError
from narcometrics.indicators._enums import CumulativeKind, Measure, TimeRule, UnitRule
from narcometrics.indicators._fields import Dimensions, ReportingPeriod
from narcometrics.indicators._indicator import Indicator
from narcometrics.indicators._values import Actual, Target
from narcometrics.rates import rate_per

PeriodValue = Actual | Target
UnitKey = tuple[str | None, Dimensions]


@attrs.frozen(kw_only=True)
class Aggregate:
    """The aggregate of an indicator's actuals or targets, with the rules that made it.

    Attributes
    ----------
    indicator : str
        The indicator's code.
    value : float [indicator unit]
        The aggregate; for percentages and rates the pooled numerator over the pooled
        denominator times the factor, NaN when that denominator is 0.
    numerator, denominator : float or None
        The pooled numerator and denominator of a percentage or rate (``None`` for other
        measures, and for a single ratio reported without them).
    unit : str
        The indicator's unit label.
    period : ReportingPeriod
        From the earliest start to the latest end of the values aggregated.
    n_values : int
        How many values went in.
    n_units : int
        How many units (distinct location and breakdown categories) they came from.
    time_rule : TimeRule
        The rule applied over time.
    unit_rule : UnitRule
        The rule applied across units.
    """

    indicator: str
    value: float
    numerator: float | None
    denominator: float | None
    unit: str
    period: ReportingPeriod
    n_values: int
    n_units: int
    time_rule: TimeRule
    unit_rule: UnitRule

    def __str__(self) -> str:
        return f"{self.value:,.6g} {self.unit}".rstrip()

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.aggregate(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.aggregate(self).html()


@attrs.frozen
class _Part:
    """What one unit contributes: a value, and for ratios its numerator and denominator."""

    value: float
    numerator: float | None
    denominator: float | None
    label: str


def _describe(key: UnitKey) -> str:
    location, dimensions = key
    parts = [] if location is None else [f"location={location!r}"]
    parts += [f"{name}={category!r}" for name, category in dimensions]
    return ", ".join(parts) or "the programme as a whole"


def check_aggregable(indicator: object) -> Indicator:
    """The indicator, after checking it is an Indicator whose values may be aggregated."""
    if not isinstance(indicator, Indicator):
        raise TypeError(f"indicator must be an Indicator, not {type(indicator).__name__}")
    if indicator.measure is Measure.QUALITATIVE:
        raise ValidationError(
            "indicator.measure",
            f"is qualitative: indicator {indicator.code} is never aggregated "
            "(report its narratives as they are)",
            str(indicator.measure),
        )
    return indicator


def checked_values(indicator: Indicator, values: object) -> tuple[PeriodValue, ...]:
    """The values as a tuple, after checking each fits the indicator and all are one kind."""
    if isinstance(values, (Actual, Target)) or not isinstance(values, Iterable):
        raise WrongTypeError(
            "values", "must be a sequence of Actual or Target values", type(values).__name__
        )
    items = tuple(values)
    if not items:
        raise ValidationError("values", "is empty: there is nothing to aggregate", [])
    for index, item in enumerate(items):
        indicator.check_value(item, f"values[{index}]")
        if isinstance(item, Target) != isinstance(items[0], Target):
            raise ValidationError(
                f"values[{index}]",
                "mixes actuals and targets: aggregate each on its own",
                type(item).__name__,
            )
    return items


def _check_one_level(items: Sequence[PeriodValue]) -> None:
    """All values are at one breakdown level (the same dimension names)."""
    first = tuple(name for name, _ in items[0].dimensions)
    for index, item in enumerate(items):
        names = tuple(name for name, _ in item.dimensions)
        if names != first:
            raise ValidationError(
                f"values[{index}]",
                f"is broken down by ({', '.join(names) or 'nothing'}) while values[0] is "
                f"broken down by ({', '.join(first) or 'nothing'}): mixing a headline with "
                "its breakdown counts the same results twice; aggregate one level at a time",
                item.dimensions,
            )


def _group_by_unit(items: Sequence[PeriodValue]) -> dict[UnitKey, list[tuple[int, PeriodValue]]]:
    groups: dict[UnitKey, list[tuple[int, PeriodValue]]] = {}
    for index, item in enumerate(items):
        groups.setdefault((item.location, item.dimensions), []).append((index, item))
    return groups


def _source(item: PeriodValue) -> str:
    source = item.source if isinstance(item, Actual) else None
    return repr(source) if source else ""


def _check_no_duplicates(key: UnitKey, group: Sequence[tuple[int, PeriodValue]]) -> None:
    seen: dict[ReportingPeriod, tuple[int, PeriodValue]] = {}
    for index, item in group:
        if item.period in seen:
            first, other = seen[item.period]
            sources = [s for s in (_source(other), _source(item)) if s]
            shown = f" (sources: {' and '.join(sources)})" if sources else ""
            raise ValidationError(
                f"values[{index}]",
                f"is a second value for period {item.period} and {_describe(key)} after "
                f"values[{first}]{shown}: keep one value per period and unit (combining both "
                "counts the same results twice)",
                str(item.period),
            )
        seen[item.period] = (index, item)


def _check_no_overlap(key: UnitKey, group: Sequence[tuple[int, PeriodValue]]) -> None:
    ordered = sorted(group, key=lambda pair: (pair[1].period.start, pair[1].period.end))
    for (i, a), (j, b) in itertools.pairwise(ordered):
        if a.period.overlaps(b.period):
            raise ValidationError(
                f"values[{j}]",
                f"period {b.period} overlaps period {a.period} of values[{i}] for "
                f"{_describe(key)}: summing or averaging overlapping periods counts the same "
                "results twice (a milestone and the final target over an enclosing period "
                "are two statements of one plan: aggregate one or the other)",
                str(b.period),
            )


def _last(key: UnitKey, group: Sequence[tuple[int, PeriodValue]]) -> tuple[int, PeriodValue]:
    ordered = sorted(group, key=lambda pair: pair[1].period.end)
    if len(ordered) > 1 and ordered[-1][1].period.end == ordered[-2][1].period.end:
        (i, a), (j, b) = ordered[-2], ordered[-1]
        raise ValidationError(
            f"values[{j}]",
            f"period {b.period} and period {a.period} of values[{i}] both end on "
            f"{b.period.end.isoformat()} for {_describe(key)}: the last value is ambiguous",
            str(b.period),
        )
    return ordered[-1]


def _part(indicator: Indicator, index: int, item: PeriodValue) -> _Part:
    return _Part(
        value=indicator.value_of(item),
        numerator=item.numerator,
        denominator=item.denominator,
        label=f"values[{index}]",
    )


def _pool(indicator: Indicator, parts: Sequence[_Part], label: str, why: str) -> _Part:
    for part in parts:
        if part.numerator is None:
            raise ValidationError(
                part.label,
                f"has a {indicator.measure} value without numerator and denominator, so it "
                f"cannot be {why}: a {indicator.measure} combines by summing numerators and "
                "denominators (averaging percentages is the known bug); report both",
                part.value,
            )
    numerator = math.fsum(p.numerator for p in parts if p.numerator is not None)
    denominator = math.fsum(p.denominator for p in parts if p.denominator is not None)
    factor = indicator.factor
    assert factor is not None  # ratio measures have a factor
    value = float(rate_per(numerator, denominator, per=factor))
    return _Part(value=value, numerator=numerator, denominator=denominator, label=label)


def _combine_over_time(indicator: Indicator, rule: TimeRule, parts: Sequence[_Part]) -> _Part:
    if len(parts) == 1:
        return parts[0]
    label = parts[-1].label
    if rule is TimeRule.LAST:
        return parts[-1]  # the caller orders parts by period end
    if rule is TimeRule.SUM and indicator.is_ratio:
        return _pool(indicator, parts, label, "pooled over periods")
    values = [p.value for p in parts]
    if rule is TimeRule.SUM:
        return _Part(value=math.fsum(values), numerator=None, denominator=None, label=label)
    if rule is TimeRule.MEAN:
        total = math.fsum(values) / len(values)
        return _Part(value=total, numerator=None, denominator=None, label=label)
    pick = max if rule is TimeRule.MAX else min
    return _Part(value=pick(values), numerator=None, denominator=None, label=label)


#: What the aggregation does when units' last values (stocks) end on different dates, by the
#: name ``mixed_periods`` takes.
MIXED_PERIODS = ("error", "warn")

#: The period ends of the last values a unit's result is made of (one per calendar year for
#: a yearly-cumulative indicator); None when the rule over time takes no last value.
StockEnds = tuple[tuple[int | None, str], ...] | None


def _stock_ends(
    indicator: Indicator, rule: TimeRule, chosen: Sequence[tuple[int, PeriodValue]]
) -> StockEnds:
    if indicator.cumulative is CumulativeKind.YEARLY:
        return tuple((v.period.calendar_year, v.period.end.isoformat()) for _, v in chosen)
    if indicator.cumulative is CumulativeKind.LIFETIME or rule is TimeRule.LAST:
        return tuple((None, v.period.end.isoformat()) for _, v in chosen[-1:])
    return None


def _check_stock_ends(
    keys: Sequence[UnitKey], ends: Sequence[StockEnds], mixed_periods: str
) -> None:
    """Refuse (or warn) when the last values summed across units end on different dates."""
    known = [(k, e) for k, e in zip(keys, ends, strict=True) if e is not None]
    if len(known) < 2 or len({e for _, e in known}) == 1:
        return
    (key_a, ends_a) = known[0]
    key_b, ends_b = next((k, e) for k, e in known if e != ends_a)
    shown_a = ", ".join(end for _, end in ends_a)
    shown_b = ", ".join(end for _, end in ends_b)
    message = (
        f"the last values of the units end on different dates ({_describe(key_a)}: {shown_a}; "
        f"{_describe(key_b)}: {shown_b}): combining them adds one unit's stock at one date "
        "to another's at another date; give every unit a value for the same period end, or "
        "pass mixed_periods='warn' to combine them anyway"
    )
    if mixed_periods == "error":
        raise ValidationError("values", message, len(known))
    warnings.warn(message, MixedPeriodsWarning, stacklevel=4)


class MixedPeriodsWarning(UserWarning):
    """Stock values combined across units come from different periods."""


def _over_time(
    indicator: Indicator, key: UnitKey, group: list[tuple[int, PeriodValue]]
) -> tuple[_Part, StockEnds]:
    rule = indicator.time_rule
    assert rule is not None  # aggregable indicators declare their rules
    _check_no_duplicates(key, group)
    if indicator.cumulative is CumulativeKind.YEARLY:
        by_year: dict[int, list[tuple[int, PeriodValue]]] = {}
        for index, item in group:
            year = item.period.calendar_year
            if year is None:
                raise ValidationError(
                    f"values[{index}]",
                    f"period {item.period} crosses a year end, but indicator "
                    f"{indicator.code} is yearly cumulative (running totals reset each year)",
                    str(item.period),
                )
            by_year.setdefault(year, []).append((index, item))
        chosen = [_last(key, by_year[year]) for year in sorted(by_year)]
    elif indicator.cumulative is CumulativeKind.LIFETIME or rule is TimeRule.LAST:
        chosen = [_last(key, group)]
    else:
        if rule in (TimeRule.SUM, TimeRule.MEAN):
            _check_no_overlap(key, group)
        chosen = sorted(group, key=lambda pair: pair[1].period.end)
    if rule is TimeRule.LAST:
        chosen = chosen[-1:]
    part = _combine_over_time(indicator, rule, [_part(indicator, i, v) for i, v in chosen])
    return part, _stock_ends(indicator, rule, chosen)


def _across_units(indicator: Indicator, keys: Sequence[UnitKey], parts: Sequence[_Part]) -> _Part:
    if len(parts) == 1:
        return parts[0]
    rule = indicator.unit_rule
    if rule is UnitRule.NONE:
        shown = "; ".join(_describe(k) for k in keys[:5])
        raise ValidationError(
            "values",
            f"come from {len(keys)} units ({shown}{'; ...' if len(keys) > 5 else ''}) but "
            f"indicator {indicator.code} declares no rule across units (unit_rule='none'): "
            "select one unit",
            len(keys),
        )
    if rule is UnitRule.POOLED_RATIO:
        return _pool(indicator, parts, "values", "pooled across units")
    total = math.fsum(p.value for p in parts)
    return _Part(value=total, numerator=None, denominator=None, label="values")


def _result(
    indicator: Indicator, items: Sequence[PeriodValue], n_units: int, part: _Part
) -> Aggregate:
    time_rule, unit_rule = indicator.time_rule, indicator.unit_rule
    assert time_rule is not None
    assert unit_rule is not None
    return Aggregate(
        indicator=indicator.code,
        value=part.value,
        numerator=part.numerator,
        denominator=part.denominator,
        unit=indicator.unit_label,
        period=ReportingPeriod(
            start=min(v.period.start for v in items), end=max(v.period.end for v in items)
        ),
        n_values=len(items),
        n_units=n_units,
        time_rule=time_rule,
        unit_rule=unit_rule,
    )


def combine(
    indicator: Indicator, values: Iterable[PeriodValue], *, mixed_periods: str = "error"
) -> Aggregate:
    """Aggregate actuals (or targets) by the indicator's declared rules.

    The values of each unit (a location with its breakdown categories) combine over time
    by ``indicator.time_rule``; the unit results then combine by ``indicator.unit_rule``.
    Targets follow exactly the same rules as actuals.

    Parameters
    ----------
    indicator : Indicator
        The indicator; qualitative indicators are refused.
    values : sequence of Actual, or sequence of Target
        All actuals or all targets (not mixed), at one breakdown level: all headline values
        (no dimensions), or all broken down by the same dimension names.
    mixed_periods : {"error", "warn"}
        For stocks (``time_rule="last"``, cumulative indicators) combined across units: when
        the units' last values end on different dates (one region's September with
        another's December), ``"error"`` (default) refuses, ``"warn"`` combines them with a
        ``MixedPeriodsWarning``.

    Returns
    -------
    Aggregate

    Raises
    ------
    ValidationError
        For a qualitative indicator; for values that do not fit the indicator (a narrative,
        a ratio on a count, another unit label, undeclared dimensions); for mixed actuals
        and targets or mixed breakdown levels; for two values of one unit with the same
        period (two sources for one figure); for overlapping periods under ``sum`` or
        ``mean``; for two last values ending on the same day; for a percentage or rate
        value without numerator and denominator that would have to be pooled; for several
        units under ``unit_rule="none"``; for units whose last values (stocks) end on
        different dates, unless ``mixed_periods="warn"``.

    Notes
    -----
    Over time, for the values $x_1..x_n$ of one unit ordered by period end:

    - ``sum``: $\\sum x_i$; for percentages and rates
      $f \\sum a_i / \\sum b_i$ with numerators $a$, denominators $b$
      and factor $f$ (100, or the rate's ``per``);
    - ``last``: $x_n$ (a lifetime-cumulative indicator always takes the last);
    - ``max``, ``min``, ``mean``: of $x_1..x_n$;
    - yearly cumulative: first the last value of each calendar year (the year's running
      total), then the time rule across those yearly values.

    Across units $u$ ("last value then sum" for stocks): the last values of the units must
    end on the same date (per calendar year for yearly-cumulative indicators), else the sum
    adds stocks of different dates. Across units $u$: ``sum`` gives $\\sum_u x_u$;
    ``pooled_ratio`` gives
    $f \\sum_u a_u / \\sum_u b_u$, NaN when $\\sum_u b_u = 0$ (never 0).

    References
    ----------
    Aggregation rules of DHIS2, UNICEF partner reporting, Akvo RSR and TolaData, as
    summarised in the documentation page "Aggregation semantics of indicators".
    """
    if not isinstance(mixed_periods, str) or mixed_periods not in MIXED_PERIODS:
        raise UnknownNameError(
            "mixed_periods",
            mixed_periods if isinstance(mixed_periods, str) else repr(mixed_periods),
            MIXED_PERIODS,
        )
    ind = check_aggregable(indicator)
    items = checked_values(ind, values)
    _check_one_level(items)
    groups = _group_by_unit(items)
    keys = list(groups)
    results = [_over_time(ind, key, groups[key]) for key in keys]
    _check_stock_ends(keys, [ends for _, ends in results], mixed_periods)
    parts = [part for part, _ in results]
    return _result(ind, items, len(keys), _across_units(ind, keys, parts))


def aggregate_over_time(indicator: Indicator, values: Iterable[PeriodValue]) -> Aggregate:
    """Aggregate the values of one unit over time by ``indicator.time_rule``.

    Like [`combine`][narcometrics.indicators.combine], after checking that every value comes
    from the same unit (location and breakdown categories).

    Raises
    ------
    ValidationError
        When the values come from several units, and as
        [`combine`][narcometrics.indicators.combine].

    References
    ----------
    Rules over time (SUM for flows, LAST for stocks and cumulative indicators, MAX,
    MIN, MEAN; yearly cumulative resets) of DHIS2, UNICEF partner reporting, Akvo RSR and
    TolaData, as summarised in the documentation page "Aggregation semantics of indicators".
    """
    ind = check_aggregable(indicator)
    items = checked_values(ind, values)
    keys = list(_group_by_unit(items))
    if len(keys) > 1:
        raise ValidationError(
            "values",
            f"come from {len(keys)} units ({_describe(keys[0])}; {_describe(keys[1])}"
            f"{'; ...' if len(keys) > 2 else ''}): aggregate_over_time takes one unit; "
            "use combine() to combine units too",
            len(keys),
        )
    return combine(ind, items)


def aggregate_across_units(indicator: Indicator, values: Iterable[PeriodValue]) -> Aggregate:
    """Aggregate values of one period across units by ``indicator.unit_rule``.

    Like [`combine`][narcometrics.indicators.combine], after checking that every value has the
    same period.

    Raises
    ------
    ValidationError
        When the values have different periods, and as
        [`combine`][narcometrics.indicators.combine].

    References
    ----------
    Rules across units (SUM or POOLED RATIO; zero denominators undefined, never 0) of
    DHIS2, UNICEF partner reporting, Akvo RSR and TolaData, as summarised in
    the documentation page "Aggregation semantics of indicators".
    """
    ind = check_aggregable(indicator)
    items = checked_values(ind, values)
    for index, item in enumerate(items):
        if item.period != items[0].period:
            raise ValidationError(
                f"values[{index}]",
                f"has period {item.period}, not {items[0].period} like values[0]: "
                "aggregate_across_units takes one period; use combine() to combine periods "
                "too",
                str(item.period),
            )
    return combine(ind, items)

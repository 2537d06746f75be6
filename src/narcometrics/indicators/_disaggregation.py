"""Check that breakdowns (by sex, agency, region...) add up to their headline totals."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import attrs

from narcometrics import _checks as c
from narcometrics.errors import Problem, ValidationError
from narcometrics.indicators._aggregate import PeriodValue, check_aggregable, checked_values
from narcometrics.indicators._enums import UnitRule
from narcometrics.indicators._fields import ReportingPeriod
from narcometrics.indicators._indicator import Indicator


@attrs.frozen(kw_only=True)
class Mismatch:
    """One breakdown whose parts do not add up to the headline.

    Attributes
    ----------
    period : ReportingPeriod
        The period of the headline and the parts.
    location : str or None
        Their location (``None`` for the programme as a whole).
    dimensions : tuple of str
        The names of the breakdown (``("sex",)``, ``("agency", "sex")``).
    quantity : str
        ``"value"``, or ``"numerator"`` / ``"denominator"`` for percentages and rates.
    headline : float or None
        The headline figure; ``None`` when parts were reported without a headline.
    parts_total : float
        The sum of the parts.
    n_parts : int
        How many parts were summed.
    """

    period: ReportingPeriod
    location: str | None
    dimensions: tuple[str, ...]
    quantity: str
    headline: float | None
    parts_total: float
    n_parts: int

    @property
    def difference(self) -> float:
        """Parts total minus headline (NaN without a headline)."""
        return math.nan if self.headline is None else self.parts_total - self.headline

    def __str__(self) -> str:
        where = f"{self.period}" + (f", {self.location}" if self.location else "")
        breakdown = f"by {', '.join(self.dimensions)}"
        if self.headline is None:
            return (
                f"{where}: {self.n_parts} parts {breakdown} ({self.quantity} total "
                f"{self.parts_total:g}) have no headline"
            )
        return (
            f"{where}: {self.n_parts} parts {breakdown} sum to {self.parts_total:g}, "
            f"headline {self.quantity} is {self.headline:g} (difference {self.difference:+g})"
        )


@attrs.frozen(kw_only=True)
class DisaggregationReport:
    """The result of [`check_disaggregation`][narcometrics.indicators.check_disaggregation].

    Attributes
    ----------
    indicator : str
        The indicator's code.
    checked : int
        How many breakdowns were compared with a headline (or found without one).
    mismatches : tuple of Mismatch
        Every breakdown that does not add up, in the order of the values.
    """

    indicator: str
    checked: int
    mismatches: tuple[Mismatch, ...]

    @property
    def ok(self) -> bool:
        """True when every breakdown adds up to its headline."""
        return not self.mismatches

    def raise_for_mismatches(self) -> None:
        """Raise a [`ValidationError`][narcometrics.errors.ValidationError] listing every
        mismatch."""
        if self.mismatches:
            raise ValidationError.from_problems(
                Problem(field=f"{self.indicator} disaggregation", problem=str(m))
                for m in self.mismatches
            )

    def __str__(self) -> str:
        if self.ok:
            return f"{self.indicator}: {self.checked} breakdown(s) add up"
        lines = [
            f"{self.indicator}: {len(self.mismatches)} mismatch(es) in {self.checked} breakdown(s)"
        ]
        return "\n".join(lines + [f"  {m}" for m in self.mismatches])

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.disaggregation(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.disaggregation(self).html()


Group = tuple[ReportingPeriod, str | None]


def _sums(indicator: Indicator, items: Sequence[tuple[int, PeriodValue]]) -> dict[str, float]:
    if not indicator.is_ratio:
        return {"value": math.fsum(indicator.value_of(v) for _, v in items)}
    for index, item in items:
        if item.numerator is None:
            raise ValidationError(
                f"values[{index}]",
                f"has a {indicator.measure} value without numerator and denominator: its "
                "parts cannot be checked against the headline; report both",
                item.value,
            )
    return {
        "numerator": math.fsum(v.numerator for _, v in items if v.numerator is not None),
        "denominator": math.fsum(v.denominator for _, v in items if v.denominator is not None),
    }


def check_disaggregation(
    indicator: Indicator,
    values: Iterable[PeriodValue],
    *,
    rel_tol: float = 1e-9,
    abs_tol: float = 0.0,
) -> DisaggregationReport:
    """Check that each breakdown of the values adds up to its headline value.

    For every period and location, the headline is the value without dimensions; each set
    of values broken down by the same dimension names (all ``sex`` categories, or all
    ``agency`` x ``sex`` cells) must sum to it. Percentages and rates compare numerators
    and denominators separately.

    Parameters
    ----------
    indicator : Indicator
        Its ``unit_rule`` must be ``sum`` or ``pooled_ratio``.
    values : sequence of Actual, or sequence of Target
        Headline values and their breakdowns.
    rel_tol, abs_tol : float
        Tolerances of `math.isclose` for the comparison; >= 0.

    Returns
    -------
    DisaggregationReport
        Every mismatch, including parts reported without a headline. Call
        [`DisaggregationReport.raise_for_mismatches`][narcometrics.indicators.DisaggregationReport.raise_for_mismatches]
        to turn them into an error.

    Raises
    ------
    ValidationError
        For a qualitative indicator or one with ``unit_rule="none"``, values that do not
        fit the indicator, two headlines or two identical parts for one period and
        location, or percentage parts without numerator and denominator.

    Notes
    -----
    For a breakdown $D$ of headline $H$: $\\sum_{d \\in D} x_d = H$
    (for ratios, $\\sum a_d = a_H$ and $\\sum b_d = b_H$).
    """
    ind = check_aggregable(indicator)
    if ind.unit_rule is UnitRule.NONE:
        raise ValidationError(
            "indicator.unit_rule",
            f"is none: the parts of indicator {ind.code} cannot be summed to a headline",
            str(ind.unit_rule),
        )
    tolerance = c.check_non_negative("rel_tol", rel_tol), c.check_non_negative("abs_tol", abs_tol)
    items = checked_values(ind, values)
    headlines: dict[Group, tuple[int, PeriodValue]] = {}
    breakdowns: dict[tuple[Group, tuple[str, ...]], list[tuple[int, PeriodValue]]] = {}
    for index, item in enumerate(items):
        group = (item.period, item.location)
        if not item.dimensions:
            if group in headlines:
                raise ValidationError(
                    f"values[{index}]",
                    f"is a second headline for {item.period} and location "
                    f"{item.location!r} (first: values[{headlines[group][0]}])",
                    item.value,
                )
            headlines[group] = (index, item)
            continue
        names = tuple(name for name, _ in item.dimensions)
        parts = breakdowns.setdefault((group, names), [])
        for other_index, other in parts:
            if other.dimensions == item.dimensions:
                raise ValidationError(
                    f"values[{index}]",
                    f"repeats the part {dict(item.dimensions)} of values[{other_index}] for "
                    f"{item.period} and location {item.location!r}",
                    item.dimensions,
                )
        parts.append((index, item))
    mismatches = []
    for ((period, location), names), parts in breakdowns.items():
        totals = _sums(ind, parts)
        head = headlines.get((period, location))
        expected = None if head is None else _sums(ind, [head])
        for quantity, total in totals.items():
            headline = None if expected is None else expected[quantity]
            if headline is None or not math.isclose(
                total, headline, rel_tol=tolerance[0], abs_tol=tolerance[1]
            ):
                mismatches.append(
                    Mismatch(
                        period=period,
                        location=location,
                        dimensions=names,
                        quantity=quantity,
                        headline=headline,
                        parts_total=total,
                        n_parts=len(parts),
                    )
                )
                if headline is None:
                    break  # one mismatch says the headline is missing
    return DisaggregationReport(
        indicator=ind.code, checked=len(breakdowns), mismatches=tuple(mismatches)
    )

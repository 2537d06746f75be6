"""The values reported against an indicator: baseline, targets and actuals."""

from __future__ import annotations

from typing import Any

import attrs

from narcometrics import _checks as c
from narcometrics.errors import ValidationError, WrongTypeError
from narcometrics.estimate.result import Estimate
from narcometrics.indicators._enums import VerificationStatus
from narcometrics.indicators._fields import (
    Dimensions,
    ReportingPeriod,
    _enum,
    _name,
    _text,
    _to_dimensions,
    _to_period,
    _v_dimensions,
    _v_period,
    _v_year,
    v_instance,
)

# ----------------------------------------------------------------------------- values


def _real(*, minimum: float | None = None) -> Any:
    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        number = c.check_real(_name(instance, attribute), value)
        if minimum is not None and number < minimum:
            raise ValidationError(_name(instance, attribute), f"must be >= {minimum:g}", value)

    return attrs.field(default=None, converter=c.to_optional_float, validator=validate)


def _location() -> Any:
    return _text(optional=True)


def _dimensions() -> Any:
    return attrs.field(default=(), converter=_to_dimensions, validator=_v_dimensions)


def _period() -> Any:
    return attrs.field(converter=_to_period, validator=_v_period)


def _check_value_fields(value: Baseline | _PeriodValue) -> None:
    """Exactly one of: a value, a numerator with a denominator, a narrative."""
    name = type(value).__name__
    has_num, has_den = value.numerator is not None, value.denominator is not None
    if has_num != has_den:
        missing = "denominator" if has_num else "numerator"
        raise ValidationError(
            f"{name}.{missing}", "is required with the other half of a ratio", None
        )
    given = [
        label
        for label, present in (
            ("value", value.value is not None),
            ("numerator/denominator", has_num),
            ("narrative", value.narrative is not None),
        )
        if present
    ]
    if len(given) != 1:
        raise ValidationError(
            f"{name}.value",
            "give exactly one of: value, numerator with denominator, narrative "
            f"(given: {', '.join(given) or 'none'})",
            value.value,
        )


@attrs.frozen(kw_only=True)
class Baseline:
    """The value of an indicator before the intervention.

    Give exactly one of ``value``, ``numerator`` with ``denominator`` (percentages and
    rates), or ``narrative`` (qualitative indicators).

    Attributes
    ----------
    year : int
        The baseline year.
    value : float or None [indicator unit]
        The value; finite.
    numerator, denominator : float or None
        For percentages and rates; >= 0 and finite. A zero denominator is allowed and
        gives an undefined (NaN) value.
    narrative : str or None
        For qualitative indicators.
    unit : str or None
        The unit label, when stated; it must equal the indicator's.
    source : str or None
        Where the figure comes from.
    """

    year: int = attrs.field(converter=c.to_int, validator=_v_year)
    value: float | None = _real()
    numerator: float | None = _real(minimum=0)
    denominator: float | None = _real(minimum=0)
    narrative: str | None = _text(optional=True)
    unit: str | None = _text(optional=True)
    source: str | None = _text(optional=True)

    def __attrs_post_init__(self) -> None:
        _check_value_fields(self)


@attrs.frozen(kw_only=True)
class _PeriodValue:
    """The fields targets and actuals share: a period, a number or narrative, a unit."""

    period: ReportingPeriod = _period()
    value: float | None = _real()
    numerator: float | None = _real(minimum=0)
    denominator: float | None = _real(minimum=0)
    narrative: str | None = _text(optional=True)
    unit: str | None = _text(optional=True)
    location: str | None = _location()
    dimensions: Dimensions = _dimensions()

    def __attrs_post_init__(self) -> None:
        _check_value_fields(self)


@attrs.frozen(kw_only=True)
class Target(_PeriodValue):
    """The target of an indicator for a period (optionally for one unit or breakdown).

    Targets aggregate by the same rules as actuals. ``milestone`` marks an intermediate
    target; a milestone and the final target over an enclosing period are two statements
    of one plan, so a flow indicator must not aggregate both (overlapping periods raise).

    Attributes
    ----------
    period : ReportingPeriod
        Also accepted: a year (``2017``) or a ``(start, end)`` pair of dates.
    value, numerator, denominator, narrative, unit
        As for [`Baseline`][narcometrics.indicators.Baseline].
    location : str or None
        The unit the target is for (a region, an agency); ``None`` for the programme.
    dimensions : mapping of str to str
        Breakdown categories, e.g. ``{"sex": "female"}``; the names must be declared by the
        indicator. Stored as sorted ``(name, category)`` pairs.
    milestone : bool
        True for an intermediate target.
    """

    milestone: bool = attrs.field(default=False, validator=v_instance(bool))


def _v_estimate(instance: Actual, attribute: attrs.Attribute[Any], value: object) -> None:
    """An estimate is one scalar Estimate whose central value and unit the actual repeats."""
    if value is None:
        return
    name = _name(instance, attribute)
    if not isinstance(value, Estimate):
        raise WrongTypeError(name, f"must be an Estimate or None, not {type(value).__name__}")
    if not isinstance(value.central, float):
        raise ValidationError(
            name, "must be one value (a scalar Estimate), not an array", value.central
        )
    if instance.value != value.central:
        raise ValidationError(
            "Actual.value",
            f"must equal the estimate's central value ({value.central!r}): the actual reports "
            "the estimate",
            instance.value,
        )
    if instance.unit is not None and instance.unit != value.unit:
        raise ValidationError(
            "Actual.unit", f"must equal the estimate's unit ({value.unit!r})", instance.unit
        )


@attrs.frozen(kw_only=True)
class Actual(_PeriodValue):
    """A reported value of an indicator for a period, with where it comes from.

    An actual is what a programme reports: a period, a value (or a numerator and a
    denominator for percentages and rates, or a narrative for qualitative indicators), the
    unit it refers to (location and breakdown dimensions), its source and how it was
    verified.

    Attributes
    ----------
    period : ReportingPeriod
        Also accepted: a year (``2017``) or a ``(start, end)`` pair of dates.
    value, numerator, denominator, narrative, unit
        As for [`Baseline`][narcometrics.indicators.Baseline].
    location : str or None
        The unit reporting (a region, an agency, a sub-project); ``None`` for the
        programme as a whole.
    dimensions : mapping of str to str
        Breakdown categories, e.g. ``{"agency": "DIRANDRO"}``; the names must be declared
        by the indicator. Stored as sorted ``(name, category)`` pairs.
    source : str or None
        Where the figure comes from.
    verification : VerificationStatus or str
        ``unverified`` (default), ``internal`` or ``independent``.
    estimate : Estimate or None
        For a value computed by a model rather than counted (cocaine production avoided by
        eradication): the [`Estimate`][narcometrics.estimate.Estimate] whose central value
        it is, with its range (``low``, ``high``) and provenance (method, factor set,
        citations, library version). ``value`` must equal ``estimate.central`` and
        ``unit``, when given, ``estimate.unit``. Aggregation uses ``value``; ``None`` (the
        default) for counted values.
    """

    source: str | None = _text(optional=True)
    verification: VerificationStatus = _enum(
        VerificationStatus, default=VerificationStatus.UNVERIFIED
    )
    estimate: Estimate | None = attrs.field(default=None, validator=_v_estimate)


AnyValue = Baseline | Target | Actual

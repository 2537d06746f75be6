"""The indicator definition: what is measured and how its values aggregate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from narcometrics import _checks as c
from narcometrics.errors import ValidationError, WrongTypeError
from narcometrics.indicators._enums import (
    RATIO_MEASURES,
    TIME_RULES,
    UNIT_RULES,
    CumulativeKind,
    Level,
    Measure,
    TimeRule,
    UnitRule,
)
from narcometrics.indicators._fields import (
    Reference,
    _enum,
    _name,
    _text,
    _to_names,
    _to_references,
    _v_names,
    _v_references,
    v_instance,
)
from narcometrics.indicators._values import Actual, AnyValue, Baseline, Target
from narcometrics.rates import rate_per
from narcometrics.units import PERCENT

# ----------------------------------------------------------------------------- indicator


def _v_kirkpatrick(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    level = c.check_count(_name(instance, attribute), value, minimum=1)
    if level > 5:
        raise ValidationError(_name(instance, attribute), "must be within 1..5", value)


@attrs.frozen(kw_only=True)
class Indicator:
    """An indicator of a results framework and its declared aggregation rules.

    Rules are declared, never inferred: every quantitative indicator states how its values
    combine over time (``time_rule``) and across units (``unit_rule``). Construction
    refuses combinations that produce the field's known bugs (summing a lifetime-cumulative
    indicator, summing or averaging percentages).

    Attributes
    ----------
    code : str
        Short identifier, unique within a framework (``"OUT-3"``).
    title : str
        What is measured.
    level : Level or str
        ``output``, ``outcome`` or ``impact``.
    measure : Measure or str
        ``unit``, ``percentage``, ``rate``, ``nominal``, ``ordinal`` or ``qualitative``.
    unit : str or None
        Unit label (``"laboratories"``, ``"ha"``); required for ``unit`` and ``rate``.
    ascending : bool or None
        True when larger is better (laboratories destroyed), False when smaller is better
        (homicide rate). Required for ``unit``, ``percentage``, ``rate`` and ``ordinal``.
    time_rule : TimeRule or str or None
        How values combine over periods; required unless qualitative (which must leave it
        ``None``). Percentages and rates accept ``sum`` (pooled over periods) and ``last``;
        ordinal ``last``, ``max``, ``min``; nominal ``last``.
    unit_rule : UnitRule or str or None
        How values combine across units; required unless qualitative. ``unit``: ``sum`` or
        ``none``; percentages and rates: ``pooled_ratio`` or ``none``; nominal and
        ordinal: ``none``.
    cumulative : CumulativeKind or str
        ``none`` (default), ``lifetime`` (requires ``time_rule="last"``) or ``yearly``
        (running totals that reset each calendar year; ``time_rule`` then combines the
        years). Only for ``unit``, ``percentage`` and ``rate``.
    per : float or None
        The multiplier of a rate (``100_000`` for "per 100,000"); required for ``rate``,
        absent otherwise. Percentages use 100.
    kirkpatrick_level : int or None
        For training indicators: 1 reaction, 2 learning, 3 behaviour, 4 results, 5 return
        on investment (Phillips).
    references : tuple of Reference
        Codes in external frameworks; ``(vocabulary, code)`` pairs are accepted.
    dimensions : tuple of str
        Names of the disaggregation dimensions (``"sex"``, ``"agency"``, ``"region"``).
    """

    code: str = _text()
    title: str = _text()
    level: Level = _enum(Level)
    measure: Measure = _enum(Measure)
    unit: str | None = _text(optional=True)
    ascending: bool | None = attrs.field(default=None, validator=v_instance(bool, optional=True))
    time_rule: TimeRule | None = _enum(TimeRule, optional=True)
    unit_rule: UnitRule | None = _enum(UnitRule, optional=True)
    cumulative: CumulativeKind = _enum(CumulativeKind, default=CumulativeKind.NONE)
    per: float | None = attrs.field(
        default=None, converter=c.to_optional_float, validator=c.v_positive(optional=True)
    )
    kirkpatrick_level: int | None = attrs.field(
        default=None, converter=c.to_optional_int, validator=_v_kirkpatrick
    )
    references: tuple[Reference, ...] = attrs.field(
        default=(), converter=_to_references, validator=_v_references
    )
    dimensions: tuple[str, ...] = attrs.field(default=(), converter=_to_names, validator=_v_names)

    def __attrs_post_init__(self) -> None:
        _check_indicator(self)

    @property
    def factor(self) -> float | None:
        """Multiplier of a ratio: 100 for percentages, ``per`` for rates, else ``None``."""
        if self.measure is Measure.PERCENTAGE:
            return PERCENT
        return self.per if self.measure is Measure.RATE else None

    @property
    def is_ratio(self) -> bool:
        """True for percentages and rates (kept as numerator and denominator)."""
        return self.measure in RATIO_MEASURES

    @property
    def unit_label(self) -> str:
        """The unit label, ``"%"`` for a percentage without one, ``""`` when absent."""
        if self.unit is not None:
            return self.unit
        return "%" if self.measure is Measure.PERCENTAGE else ""

    def value_of(self, value: AnyValue) -> float:
        """The number a value stands for: its ``value``, or numerator / denominator times
        `factor` (NaN when the denominator is 0).

        Raises
        ------
        ValidationError
            For a narrative (qualitative) value.
        """
        if value.value is not None:
            return value.value
        if value.numerator is not None and value.denominator is not None:
            factor = self.factor
            assert factor is not None  # checked: ratios only for percentage and rate
            return float(rate_per(value.numerator, value.denominator, per=factor))
        raise ValidationError(
            f"{type(value).__name__}.narrative", "has no number (qualitative value)"
        )

    def check_value(self, value: AnyValue, field: str = "value") -> None:
        """Check that a baseline, target or actual fits this indicator.

        Percentages and rates take a value or a numerator with a denominator; ``unit``,
        ``nominal`` and ``ordinal`` indicators a value; qualitative ones a narrative. The
        unit label, when given, must match, and dimension names must be declared.

        Raises
        ------
        ValidationError
            Naming ``field`` and the problem.
        """
        if not isinstance(value, (Baseline, Target, Actual)):
            raise WrongTypeError(
                field, f"must be a Baseline, Target or Actual, not {type(value).__name__}", value
            )
        measure = self.measure
        if measure is Measure.QUALITATIVE and value.narrative is None:
            raise ValidationError(
                field, f"needs a narrative: indicator {self.code} is qualitative", value.value
            )
        if measure is not Measure.QUALITATIVE and value.narrative is not None:
            raise ValidationError(
                field, f"needs a number: indicator {self.code} is {measure}", value.narrative
            )
        if value.numerator is not None and measure not in RATIO_MEASURES:
            raise ValidationError(
                field,
                f"has a numerator and a denominator but indicator {self.code} is {measure}, "
                "not a percentage or a rate",
                (value.numerator, value.denominator),
            )
        if value.unit is not None and value.unit != self.unit_label:
            raise ValidationError(
                field,
                f"is in {value.unit!r} but indicator {self.code} is in {self.unit_label!r}: "
                "convert before reporting (units are never mixed)",
                value.unit,
            )
        if not isinstance(value, Baseline):
            undeclared = [k for k, _ in value.dimensions if k not in self.dimensions]
            if undeclared:
                raise ValidationError(
                    field,
                    f"uses dimension(s) {', '.join(undeclared)} that indicator {self.code} "
                    f"does not declare (declared: {', '.join(self.dimensions) or 'none'})",
                    value.dimensions,
                )

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.indicator(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.indicator(self).html()


def _check_qualitative_rules(ind: Indicator) -> None:
    """A qualitative indicator declares no aggregation rule."""
    for field in ("time_rule", "unit_rule"):
        if getattr(ind, field) is not None:
            raise ValidationError(
                f"Indicator.{field}",
                "must be None: qualitative indicators are never aggregated",
                getattr(ind, field),
            )


def _check_declared_rule(ind: Indicator, field: str, allowed: Mapping[Measure, Any]) -> None:
    """A quantitative indicator declares ``field`` (time or unit rule): never inferred."""
    if getattr(ind, field) is None:
        raise ValidationError(
            f"Indicator.{field}",
            f"must be declared for a {ind.measure} indicator (one of "
            f"{', '.join(sorted(allowed[ind.measure]))}): rules are never inferred",
            None,
        )


def _check_allowed_rule(ind: Indicator, field: str, allowed: Mapping[Measure, Any]) -> None:
    """The declared rule ``field`` is one the indicator's measure allows."""
    measure = ind.measure
    rule = getattr(ind, field)
    if rule not in allowed[measure]:
        bug = field == "time_rule" and measure in RATIO_MEASURES
        hint = " (averaging percentages is the known bug)" if bug else ""
        raise ValidationError(
            f"Indicator.{field}",
            f"must be one of {', '.join(sorted(allowed[measure]))} for a {measure} indicator{hint}",
            str(rule),
        )


def _check_measure_fields(ind: Indicator) -> None:
    """Direction, unit and ``per`` as the measure needs them."""
    measure = ind.measure
    directional = (Measure.UNIT, Measure.PERCENTAGE, Measure.RATE, Measure.ORDINAL)
    if measure in directional and ind.ascending is None:
        raise ValidationError(
            "Indicator.ascending",
            f"must be True or False for a {measure} indicator (is larger better?)",
            None,
        )
    if measure in (Measure.UNIT, Measure.RATE) and ind.unit is None:
        raise ValidationError("Indicator.unit", f"is required for a {measure} indicator", None)
    if measure is Measure.RATE and ind.per is None:
        raise ValidationError(
            "Indicator.per", "is required for a rate (e.g. 100_000 for per 100,000)", None
        )
    if measure is not Measure.RATE and ind.per is not None:
        raise ValidationError("Indicator.per", f"is only for rates, not {measure}", ind.per)


def _check_cumulative(ind: Indicator) -> None:
    """Running totals only for quantities, and a lifetime total is never summed over time."""
    if ind.cumulative is CumulativeKind.NONE:
        return
    if ind.measure not in (Measure.UNIT, Measure.PERCENTAGE, Measure.RATE):
        raise ValidationError(
            "Indicator.cumulative",
            f"must be none for a {ind.measure} indicator",
            str(ind.cumulative),
        )
    if ind.cumulative is CumulativeKind.LIFETIME and ind.time_rule is not TimeRule.LAST:
        raise ValidationError(
            "Indicator.time_rule",
            "must be last for a lifetime-cumulative indicator: each value is already a "
            "total to date, so summing over periods counts the same results again",
            str(ind.time_rule),
        )


def _check_indicator(ind: Indicator) -> None:
    if ind.measure is Measure.QUALITATIVE:
        _check_qualitative_rules(ind)
    else:
        rules = (("time_rule", TIME_RULES), ("unit_rule", UNIT_RULES))
        for field, allowed in rules:
            _check_declared_rule(ind, field, allowed)
        for field, allowed in rules:
            _check_allowed_rule(ind, field, allowed)
    _check_measure_fields(ind)
    _check_cumulative(ind)

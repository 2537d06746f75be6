"""A results framework: indicators with their baseline, targets and actuals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from narcometrics import _checks as c
from narcometrics.errors import UnknownNameError, ValidationError, WrongTypeError
from narcometrics.indicators._aggregate import Aggregate, combine
from narcometrics.indicators._fields import v_instance
from narcometrics.indicators._indicator import Indicator
from narcometrics.indicators._values import Actual, Baseline, Target


def _to_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _v_items(kind: type[Any]) -> Any:
    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        name = f"{type(instance).__name__}.{attribute.name}"
        if not isinstance(value, tuple):
            raise WrongTypeError(name, f"must be a sequence of {kind.__name__}", value)
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                raise WrongTypeError(
                    f"{name}[{index}]", f"must be a {kind.__name__}, not {type(item).__name__}"
                )

    return validate


@attrs.frozen(kw_only=True)
class IndicatorValues:
    """One indicator with its baseline, targets and actuals, checked against each other.

    Every value must fit the indicator (see
    [`Indicator.check_value`][narcometrics.indicators.Indicator.check_value]).

    Attributes
    ----------
    indicator : Indicator
        The definition.
    baseline : Baseline or None
        The value before the intervention.
    targets : tuple of Target
        Period targets and milestones.
    actuals : tuple of Actual
        Reported values.
    """

    indicator: Indicator = attrs.field(validator=v_instance(Indicator))
    baseline: Baseline | None = attrs.field(
        default=None, validator=v_instance(Baseline, optional=True)
    )
    targets: tuple[Target, ...] = attrs.field(
        default=(), converter=_to_tuple, validator=_v_items(Target)
    )
    actuals: tuple[Actual, ...] = attrs.field(
        default=(), converter=_to_tuple, validator=_v_items(Actual)
    )

    def __attrs_post_init__(self) -> None:
        name = type(self).__name__
        if self.baseline is not None:
            self.indicator.check_value(self.baseline, f"{name}.baseline")
        for field in ("targets", "actuals"):
            for index, value in enumerate(getattr(self, field)):
                self.indicator.check_value(value, f"{name}.{field}[{index}]")

    @property
    def code(self) -> str:
        """The indicator's code."""
        return self.indicator.code

    @property
    def baseline_value(self) -> float | None:
        """The baseline as a number (``None`` without a baseline)."""
        return None if self.baseline is None else self.indicator.value_of(self.baseline)

    def actual_total(self) -> Aggregate:
        """The headline actuals (those without dimensions) aggregated by the rules.

        Raises
        ------
        ValidationError
            When there is no headline actual, and as
            [`combine`][narcometrics.indicators.combine].
        """
        return self._total("actuals", self.actuals)

    def target_total(self) -> Aggregate:
        """The headline targets (milestones included) aggregated by the same rules.

        Raises
        ------
        ValidationError
            When there is no headline target, and as
            [`combine`][narcometrics.indicators.combine] (a milestone and a final target over an
            enclosing period overlap under ``sum``).
        """
        return self._total("targets", self.targets)

    def _total(self, field: str, values: tuple[Actual, ...] | tuple[Target, ...]) -> Aggregate:
        headline = [v for v in values if not v.dimensions]
        if not headline:
            raise ValidationError(
                f"{type(self).__name__}.{field}",
                f"has no headline value (without dimensions) for indicator {self.code}",
                len(values),
            )
        return combine(self.indicator, headline)

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.indicator_values(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.indicator_values(self).html()


@attrs.frozen(kw_only=True)
class ResultsFramework:
    """A programme's results framework: its indicators, each with its values.

    Look an indicator up by code with ``framework["OUT-3"]``; iterate in the given order.

    Attributes
    ----------
    title : str
        The programme or framework name.
    indicators : tuple of IndicatorValues
        Unique codes.
    """

    title: str = attrs.field(validator=c.v_text())
    indicators: tuple[IndicatorValues, ...] = attrs.field(
        converter=_to_tuple, validator=_v_items(IndicatorValues)
    )

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for index, entry in enumerate(self.indicators):
            if entry.code in seen:
                raise ValidationError(
                    f"ResultsFramework.indicators[{index}]",
                    "repeats an indicator code",
                    entry.code,
                )
            seen.add(entry.code)

    def __getitem__(self, code: str) -> IndicatorValues:
        for entry in self.indicators:
            if entry.code == code:
                return entry
        raise UnknownNameError("code", code, [e.code for e in self.indicators])

    def __iter__(self) -> Iterator[IndicatorValues]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    @property
    def codes(self) -> tuple[str, ...]:
        """The indicator codes, in order."""
        return tuple(e.code for e in self.indicators)

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.results_framework(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.results_framework(self).html()

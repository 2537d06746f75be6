"""Periods, references, dimensions and the attrs field helpers shared by the model."""

from __future__ import annotations

import calendar
import datetime as _dt
from collections.abc import Mapping
from typing import Any

import attrs

from narcometrics import _checks as c
from narcometrics.errors import ValidationError, WrongTypeError


def _enum(enum: type[c.E], *, optional: bool = False, default: Any = attrs.NOTHING) -> Any:
    def convert(value: object) -> object:
        return c.to_enum(enum, value)

    if optional:
        default = None
    return attrs.field(
        default=default, converter=convert, validator=c.v_enum(enum, optional=optional)
    )


def _text(*, optional: bool = False) -> Any:
    if optional:
        return attrs.field(default=None, validator=c.v_text(optional=True))
    return attrs.field(validator=c.v_text())


def _name(instance: object, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def v_instance(kind: type[Any], *, optional: bool = False) -> Any:
    """attrs validator: an instance of ``kind`` (a bool is checked exactly), else a
    ValidationError naming the field."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if optional and value is None:
            return
        if not isinstance(value, kind):
            what = "True or False" if kind is bool else f"a {kind.__name__}"
            raise WrongTypeError(
                _name(instance, attribute),
                f"must be {what}{' or None' if optional else ''}, not {type(value).__name__}",
                value,
            )

    return validate


# ----------------------------------------------------------------------------- period


@attrs.frozen(kw_only=True)
class ReportingPeriod:
    """A reporting period: ``start`` to ``end``, both days included.

    Build calendar periods with `year`, `quarter` and `month`.

    Attributes
    ----------
    start, end : datetime.date
        First and last day; ``end >= start``.

    Examples
    --------
    >>> print(ReportingPeriod.quarter(2017, 4), ReportingPeriod.year(2017).end)
    2017-Q4 2017-12-31
    """

    start: _dt.date = attrs.field(validator=c.v_date())
    end: _dt.date = attrs.field(validator=c.v_date())

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(
                "Period.end", f"must be on or after start ({self.start.isoformat()})", self.end
            )

    @classmethod
    def year(cls, year: int) -> ReportingPeriod:
        """The calendar year ``year``."""
        y = c.check_year("year", year)
        return cls(start=_dt.date(y, 1, 1), end=_dt.date(y, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> ReportingPeriod:
        """Quarter ``quarter`` (1 to 4) of ``year``."""
        y = c.check_year("year", year)
        q = c.check_count("quarter", quarter, minimum=1)
        if q > 4:
            raise ValidationError("quarter", "must be within 1..4", quarter)
        last = 3 * q
        return cls(
            start=_dt.date(y, last - 2, 1),
            end=_dt.date(y, last, calendar.monthrange(y, last)[1]),
        )

    @classmethod
    def month(cls, year: int, month: int) -> ReportingPeriod:
        """Month ``month`` (1 to 12) of ``year``."""
        y = c.check_year("year", year)
        m = c.check_count("month", month, minimum=1)
        if m > 12:
            raise ValidationError("month", "must be within 1..12", month)
        return cls(start=_dt.date(y, m, 1), end=_dt.date(y, m, calendar.monthrange(y, m)[1]))

    @property
    def calendar_year(self) -> int | None:
        """The calendar year the period lies in, or ``None`` when it crosses a year end."""
        return self.start.year if self.start.year == self.end.year else None

    def overlaps(self, other: ReportingPeriod) -> bool:
        """Whether the two periods share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def __str__(self) -> str:
        start, end = self.start, self.end
        if start.day == 1 and start.year == end.year:
            if start.month == 1 and (end.month, end.day) == (12, 31):
                return str(start.year)
            last_day = calendar.monthrange(end.year, end.month)[1]
            if end.day == last_day and start.month % 3 == 1 and end.month == start.month + 2:
                return f"{start.year}-Q{start.month // 3 + 1}"
            if end.day == last_day and end.month == start.month:
                return f"{start.year}-{start.month:02d}"
        return f"{start.isoformat()}..{end.isoformat()}"


def _v_year(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.check_year(_name(instance, attribute), value)


def _to_period(value: object) -> object:
    """A year (int) or a (start, end) pair of dates to a ReportingPeriod; else unchanged."""
    if c.is_integer(value):
        return ReportingPeriod.year(int(value))  # type: ignore[call-overload]
    if isinstance(value, tuple) and len(value) == 2:
        return ReportingPeriod(start=value[0], end=value[1])
    return value


def _v_period(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, ReportingPeriod):
        raise WrongTypeError(
            _name(instance, attribute),
            "must be a ReportingPeriod, a year or a (start, end) pair of dates",
            value,
        )


# ----------------------------------------------------------------------------- small values


@attrs.frozen(kw_only=True)
class Reference:
    """A code in an external framework, e.g. ``Reference(vocabulary="SDG", code="16.1.1")``.

    Attributes
    ----------
    vocabulary : str
        The framework (``"SDG"``, an IATI indicator vocabulary, a donor's logframe).
    code : str
        The code within it.
    """

    vocabulary: str = _text()
    code: str = _text()

    def __str__(self) -> str:
        return f"{self.vocabulary} {self.code}"


def _to_references(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return tuple(
            Reference(vocabulary=item[0], code=item[1])
            if isinstance(item, tuple) and len(item) == 2
            else item
            for item in value
        )
    return value


def _v_references(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    name = _name(instance, attribute)
    if not isinstance(value, tuple) or not all(isinstance(r, Reference) for r in value):
        raise WrongTypeError(
            name, "must be a sequence of Reference or (vocabulary, code) pairs", value
        )


def _to_names(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _v_names(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    name = _name(instance, attribute)
    if not isinstance(value, tuple):
        raise WrongTypeError(name, "must be a sequence of names", value)
    for index, item in enumerate(value):
        c.check_text(f"{name}[{index}]", item)
    if len(set(value)) != len(value):
        raise ValidationError(name, "must not repeat a name", value)


Dimensions = tuple[tuple[str, str], ...]


def _to_dimensions(value: object) -> object:
    """A mapping of dimension name to category to sorted (name, category) pairs."""
    if isinstance(value, Mapping):
        pairs = tuple(value.items())
    elif isinstance(value, (list, tuple)):
        pairs = tuple(tuple(pair) if isinstance(pair, list) else pair for pair in value)
    else:
        return value
    try:
        return tuple(sorted(pairs))
    except TypeError:  # names of mixed types: left for the validator to refuse
        return pairs


def _v_dimensions(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    name = _name(instance, attribute)
    if not isinstance(value, tuple) or not all(
        isinstance(pair, tuple) and len(pair) == 2 for pair in value
    ):
        raise WrongTypeError(name, "must be a mapping of dimension name to category", value)
    for key, category in value:
        c.check_text(f"{name}[{key!r}]" if isinstance(key, str) else name, key)
        c.check_text(f"{name}[{key!r}]", category)
    keys = [key for key, _ in value]
    if len(set(keys)) != len(keys):
        raise ValidationError(name, "must not repeat a dimension", value)

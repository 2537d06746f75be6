"""Money with its currency and price year, explicit exchange rates and deflation."""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from typing import Any

import attrs

from narcometrics import _checks as c
from narcometrics.errors import Problem, ValidationError, WrongTypeError

_CURRENCY = re.compile(r"[A-Z]{3}")


def check_currency(name: str, value: object) -> str:
    if not isinstance(value, str) or _CURRENCY.fullmatch(value) is None:
        raise ValidationError(
            name, "must be an ISO 4217 currency code: three upper-case letters", value
        )
    return value


def _v_currency(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_currency(f"{type(instance).__name__}.{attribute.name}", value)


def _v_year(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.check_year(f"{type(instance).__name__}.{attribute.name}", value)


def _v_finite(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.check_real(f"{type(instance).__name__}.{attribute.name}", value)


def _to_str_tuple(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else value  # type: ignore[return-value]


def _v_notes(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    name = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, tuple):
        raise WrongTypeError(name, "must be a sequence of strings", value)
    for index, note in enumerate(value):
        c.check_text(f"{name}[{index}]", note)


@attrs.frozen(kw_only=True)
class Money:
    """An amount of money in one currency at the prices of one year.

    Adding or subtracting money of different currencies or price years raises a
    [`ValidationError`][narcometrics.errors.ValidationError]: convert with
    [`convert`][narcometrics.rates.convert] and an explicit
    [`ExchangeRate`][narcometrics.rates.ExchangeRate], or bring both to one price year with
    [`deflate`][narcometrics.rates.deflate]. ``sum()`` over money works (it starts from ``0``).

    Attributes
    ----------
    amount : float [currency units]
        Finite; may be negative (a refund).
    currency : str
        ISO 4217 code, three upper-case letters (``"EUR"``, ``"USD"``, ``"PEN"``).
    price_year : int
        The year whose prices the amount is expressed in: the year of spending for
        current (nominal) prices, the base year for constant prices.
    provenance : tuple of str
        What was done to reach this amount (conversions, deflations), oldest first. Not
        part of equality.

    Examples
    --------
    >>> budget = Money(amount=32_000_000, currency="EUR", price_year=2017)
    >>> print(budget / 2)
    16,000,000.00 EUR (2017 prices)
    """

    amount: float = attrs.field(converter=c.to_float, validator=_v_finite)
    currency: str = attrs.field(validator=_v_currency)
    price_year: int = attrs.field(converter=c.to_int, validator=_v_year)
    provenance: tuple[str, ...] = attrs.field(
        default=(), converter=_to_str_tuple, validator=_v_notes, eq=False
    )

    def _same_basis(self, other: Money, operation: str) -> None:
        if other.currency != self.currency:
            raise ValidationError(
                "currency",
                f"cannot {operation} {self.currency} and {other.currency}: convert one "
                "first with convert() and an explicit ExchangeRate",
                other.currency,
            )
        if other.price_year != self.price_year:
            raise ValidationError(
                "price_year",
                f"cannot {operation} {self.price_year} and {other.price_year} prices: "
                "bring both to one price year first with deflate()",
                other.price_year,
            )

    def _with(self, amount: float, other: Money | None = None) -> Money:
        notes = self.provenance
        if other is not None:
            notes = notes + tuple(n for n in other.provenance if n not in notes)
        return Money(
            amount=amount, currency=self.currency, price_year=self.price_year, provenance=notes
        )

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_basis(other, "add")
        return self._with(self.amount + other.amount, other)

    def __radd__(self, other: object) -> Money:
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self  # lets sum() start from 0
        return NotImplemented

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_basis(other, "subtract")
        return self._with(self.amount - other.amount, other)

    def __neg__(self) -> Money:
        return self._with(-self.amount)

    def __mul__(self, factor: object) -> Money:
        if not c.is_real(factor):
            return NotImplemented
        return self._with(self.amount * c.check_real("factor", factor))

    __rmul__ = __mul__

    def __truediv__(self, divisor: object) -> Money:
        if not c.is_real(divisor):
            return NotImplemented
        value = c.check_real("divisor", divisor)
        if value == 0:
            raise ValidationError("divisor", "must not be 0 (money has no undefined amount)", 0)
        return self._with(self.amount / value)

    def __str__(self) -> str:
        return f"{self.amount:,.2f} {self.currency} ({self.price_year} prices)"

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.money(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.money(self).html()


@attrs.frozen(kw_only=True)
class ExchangeRate:
    """An exchange rate, with the date it applies to and where it comes from.

    Nothing is bundled or fetched: give the rate you cite (e.g. a central bank's reference
    rate for the value date of the money).

    Attributes
    ----------
    from_currency, to_currency : str
        ISO 4217 codes; must differ.
    rate : float [to_currency per from_currency]
        Units of ``to_currency`` for one unit of ``from_currency``; > 0 and finite.
    date : datetime.date
        The date the rate applies to.
    source : str
        Who published the rate (required).
    """

    from_currency: str = attrs.field(validator=_v_currency)
    to_currency: str = attrs.field(validator=_v_currency)
    rate: float = attrs.field(converter=c.to_float, validator=c.v_positive())
    date: _dt.date = attrs.field(validator=c.v_date())
    source: str = attrs.field(validator=c.v_text())

    def __attrs_post_init__(self) -> None:
        if self.from_currency == self.to_currency:
            raise ValidationError(
                "ExchangeRate.to_currency", "must differ from from_currency", self.to_currency
            )

    def inverse(self) -> ExchangeRate:
        """The same rate the other way round (``1 / rate``), with the same date and source."""
        return ExchangeRate(
            from_currency=self.to_currency,
            to_currency=self.from_currency,
            rate=1.0 / self.rate,
            date=self.date,
            source=f"inverse of: {self.source}",
        )


def convert(money: Money, rate: ExchangeRate) -> Money:
    """Convert money to another currency at an explicit exchange rate.

    Parameters
    ----------
    money : Money
        The amount to convert; its currency must be ``rate.from_currency``.
    rate : ExchangeRate
        The rate, its date and its source; recorded in the result's ``provenance``.

    Returns
    -------
    Money
        ``amount * rate.rate`` in ``rate.to_currency``, same price year.

    Raises
    ------
    ValidationError
        If the currencies do not match (use
        [`ExchangeRate.inverse`][narcometrics.rates.ExchangeRate.inverse] for the other direction).

    Notes
    -----
    $$
    m_{to} = m_{from} \\times \\text{rate}
    $$

    Conversion keeps the price year. Use the rate of the money's value date (IATI): for
    constant-price series convert at the base year's rate, or deflate after converting,
    and say which.
    """
    if not isinstance(money, Money):
        raise TypeError(f"money must be Money, not {type(money).__name__}")
    if not isinstance(rate, ExchangeRate):
        raise WrongTypeError("rate", f"must be an ExchangeRate, not {type(rate).__name__}", rate)
    if money.currency != rate.from_currency:
        raise ValidationError(
            "rate.from_currency",
            f"must be the money's currency {money.currency} (for the other direction use "
            "rate.inverse())",
            rate.from_currency,
        )
    note = (
        f"converted {rate.from_currency} to {rate.to_currency} at {rate.rate:g} "
        f"({rate.date.isoformat()}, {rate.source})"
    )
    return Money(
        amount=money.amount * rate.rate,
        currency=rate.to_currency,
        price_year=money.price_year,
        provenance=(*money.provenance, note),
    )


def _check_deflators(deflators: object, needed: tuple[int, ...]) -> Mapping[int, float]:
    if not isinstance(deflators, Mapping):
        raise ValidationError(
            "deflators", "must be a mapping of year to deflator (base year = 100)", deflators
        )
    problems = []
    for year, value in deflators.items():
        if not c.is_integer(year):
            problems.append(Problem(field="deflators", problem="keys must be years", value=year))
        elif not c.is_real(value) or not math.isfinite(value) or not value > 0:
            problems.append(
                Problem(field=f"deflators[{year}]", problem="must be > 0 and finite", value=value)
            )
    missing = sorted({year for year in needed if year not in deflators})
    if missing:
        problems.append(
            Problem(
                field="deflators",
                problem="has no deflator for year(s) " + ", ".join(str(y) for y in missing),
            )
        )
    if problems:
        raise ValidationError.from_problems(problems)
    return deflators


def deflate(
    money: Money, deflators: Mapping[int, float], *, to_year: int, source: str | None = None
) -> Money:
    """Express money at the prices of another year with a user-supplied deflator table.

    Parameters
    ----------
    money : Money
        The amount, at the prices of ``money.price_year``.
    deflators : mapping of int to float [index, base year = 100]
        A price index by year (e.g. a GDP deflator); the base year, conventionally 100, may
        be any year. It must contain ``money.price_year`` and ``to_year``. Nothing is
        bundled or fetched.
    to_year : int
        The price year of the result (for constant prices: the base year).
    source : str, optional
        Where the deflators come from; recorded in the result's ``provenance``.

    Returns
    -------
    Money
        Same currency, ``price_year = to_year``.

    Raises
    ------
    ValidationError
        Naming every missing year and every deflator that is not > 0 and finite.

    Notes
    -----
    $$
    m_{to} = m \\times \\frac{D_{to}}{D_{price\\ year}}
    $$

    With ``to_year`` the base year ($D = 100$) this is the usual
    $m \\times 100 / D_{price\\ year}$.

    Examples
    --------
    >>> index = {2015: 100.0, 2017: 104.0}  # illustrative deflators, not published figures
    >>> print(deflate(Money(amount=104, currency="EUR", price_year=2017), index, to_year=2015))
    100.00 EUR (2015 prices)
    """
    if not isinstance(money, Money):
        raise TypeError(f"money must be Money, not {type(money).__name__}")
    year = c.check_year("to_year", to_year)
    if source is not None:
        c.check_text("source", source)
    table = _check_deflators(deflators, (money.price_year, year))
    note = f"deflated from {money.price_year} to {year} prices"
    note += f" ({source})" if source else " (user-supplied deflators)"
    return Money(
        amount=money.amount * table[year] / table[money.price_year],
        currency=money.currency,
        price_year=year,
        provenance=(*money.provenance, note),
    )

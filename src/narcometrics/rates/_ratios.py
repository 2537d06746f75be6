"""Rates per population and cost per result."""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from narcometrics import _checks as c
from narcometrics._checks import FloatOrArray, check_broadcast, check_real_array, is_scalar
from narcometrics.errors import ValidationError
from narcometrics.rates._money import Money, check_currency

PER_100_000 = 100_000
"""The default multiplier of [`rate_per`][narcometrics.rates.rate_per]: SDG 16.1.1 counts
per 100,000 population."""


def ratio(
    numerator: NDArray[np.float64],
    denominator: NDArray[np.float64],
    scalar: bool,
    factor: float = 1.0,
) -> FloatOrArray:
    """factor * numerator / denominator, NaN (never 0) where the denominator is 0."""
    out = np.full(numerator.shape, np.nan)
    with np.errstate(over="ignore"):  # beyond the float range gives inf, as it should
        np.divide(numerator * factor, denominator, out=out, where=denominator > 0)
    return float(out) if scalar else out


def rate_per(count: ArrayLike, population: ArrayLike, per: float = PER_100_000) -> FloatOrArray:
    """Rate of a count per ``per`` people (SDG 16.1.1: homicides per 100,000 population).

    Parameters
    ----------
    count : float or array_like [events]
        Events in the period (e.g. victims of intentional homicide in a year); >= 0.
    population : float or array_like [people]
        Resident population of the same period and place; >= 0. A zero population gives
        NaN. No population is bundled or fetched: pass the figure you cite.
    per : float, default 100,000 [people]
        The multiplier; > 0.

    Returns
    -------
    float or numpy.ndarray [events per ``per`` people]
        A float for scalar inputs, otherwise an array of the broadcast shape.

    Raises
    ------
    ValidationError
        If a count or population is negative, NaN or infinite, or ``per`` is not > 0.

    Notes
    -----
    $$
    r = \\frac{\\text{count}}{\\text{population}} \\times \\text{per}
    $$

    The count and the population must refer to the same year and territory. A rate is a
    ratio: to combine places or years, sum the counts and the populations (person-years)
    and divide once; never average rates.

    References
    ----------
    UN Statistics Division, SDG indicator metadata 16.1.1 (victims of intentional homicide
    per 100,000 population); see the documentation page "Aggregation semantics of indicators".

    Examples
    --------
    >>> rate_per(3, 150_000)  # illustrative inputs
    2.0
    >>> rate_per([3, 0], [150_000, 0])  # a zero population is undefined, not 0
    array([ 2., nan])
    """
    per_value = c.check_positive("per", per)
    counts = check_real_array("count", count)
    populations = check_real_array("population", population)
    counts, populations = check_broadcast(("count", counts), ("population", populations))
    return ratio(counts, populations, is_scalar(count, population), per_value)


@attrs.frozen(kw_only=True, eq=False)
class CostPerResult:
    """Cost divided by an outcome, with the currency, price year and outcome unit.

    Attributes
    ----------
    value : float or numpy.ndarray [currency units per outcome unit]
        NaN where the outcome is 0.
    currency : str
        ISO 4217 code of the cost.
    price_year : int
        Price year of the cost.
    outcome_unit : str
        What one unit of outcome is (e.g. ``"laboratory destroyed"``).
    provenance : tuple of str
        The cost's provenance (conversions, deflations).
    """

    value: FloatOrArray
    currency: str
    price_year: int
    outcome_unit: str
    provenance: tuple[str, ...] = ()

    @property
    def unit(self) -> str:
        """The unit of `value`, e.g. ``"EUR (2017 prices) per laboratory destroyed"``."""
        return f"{self.currency} ({self.price_year} prices) per {self.outcome_unit}"

    def __str__(self) -> str:
        if isinstance(self.value, float):
            return f"{self.value:,.2f} {self.unit}"
        return f"{self.value} {self.unit}"

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.cost_per_result(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.cost_per_result(self).html()


def cost_per_result(
    cost: Money | ArrayLike,
    outcome: ArrayLike,
    *,
    outcome_unit: str,
    currency: str | None = None,
    price_year: int | None = None,
) -> CostPerResult:
    """Cost-effectiveness ratio: cost per unit of outcome (EUR per laboratory destroyed).

    Parameters
    ----------
    cost : Money, or float or array_like [currency units]
        The cost; >= 0. With a number or an array, ``currency`` and ``price_year`` are required;
        with [`Money`][narcometrics.rates.Money] they must be left out (they come from the money).
    outcome : float or array_like [outcome units]
        The outcome achieved with that cost; >= 0. A zero outcome gives NaN.
    outcome_unit : str
        What one unit of outcome is, e.g. ``"hectare eradicated"``.
    currency : str, optional
        ISO 4217 code, when ``cost`` is a number or an array.
    price_year : int, optional
        Price year, when ``cost`` is a number or an array.

    Returns
    -------
    CostPerResult
        ``value`` is a float for scalar inputs, otherwise an array of the broadcast shape.

    Raises
    ------
    ValidationError
        If a cost or an outcome is negative, NaN or infinite, or the currency or price year
        is missing, malformed or given twice.

    Notes
    -----
    $$
    \\text{CER} = \\frac{\\text{cost}}{\\text{outcome}}
    $$

    The cost must be the cost of producing that outcome. Dividing a whole programme budget
    by one of its several results charges every result with the whole budget, so each
    ratio overstates the cost of its result.

    References
    ----------
    Cost-effectiveness as cost / outcome with currency, price year and exchange-rate
    source stated: the documentation page "Aggregation semantics of indicators" ("Rates and cost").

    Examples
    --------
    >>> result = cost_per_result(
    ...     Money(amount=1_000, currency="EUR", price_year=2017), 4, outcome_unit="hectare"
    ... )
    >>> print(result)
    250.00 EUR (2017 prices) per hectare
    """
    c.check_text("outcome_unit", outcome_unit)
    if isinstance(cost, Money):
        for name, given in (("currency", currency), ("price_year", price_year)):
            if given is not None:
                raise ValidationError(
                    name, "is given twice: leave it out when cost is Money", given
                )
        amounts = check_real_array("cost", cost.amount)
        unit_currency, year, notes = cost.currency, cost.price_year, cost.provenance
        scalar_cost: object = cost.amount
    else:
        if currency is None:
            raise ValidationError("currency", "is required when cost is a number or an array")
        if price_year is None:
            raise ValidationError("price_year", "is required when cost is a number or an array")
        unit_currency = check_currency("currency", currency)
        year = c.check_year("price_year", price_year)
        amounts = check_real_array("cost", cost)
        notes, scalar_cost = (), cost
    outcomes = check_real_array("outcome", outcome)
    amounts, outcomes = check_broadcast(("cost", amounts), ("outcome", outcomes))
    return CostPerResult(
        value=ratio(amounts, outcomes, is_scalar(scalar_cost, outcome)),
        currency=unit_currency,
        price_year=year,
        outcome_unit=outcome_unit,
        provenance=notes,
    )

"""Rates per population, money with its currency and price year, and cost per result.

Nothing here bundles or fetches a population, an exchange rate or a deflator: every such figure is
an input that the caller supplies and names (an [`ExchangeRate`][narcometrics.rates.ExchangeRate]
carries its date and source). Money is a value type: amounts in different currencies or price years
never combine silently, and a conversion or a deflation is recorded in the money's ``provenance``.

The numeric functions are vectorised: scalars in give a ``float`` out, arrays (or lists) in
give a `numpy.ndarray` out, broadcast like a ufunc. A zero denominator (population,
outcome) gives NaN, never 0; negative, NaN or infinite inputs raise
[`ValidationError`][narcometrics.errors.ValidationError] naming the parameter and, for arrays, the
index of each bad element.
"""

from narcometrics.rates._money import ExchangeRate, Money, convert, deflate
from narcometrics.rates._ratios import PER_100_000, CostPerResult, cost_per_result, rate_per

__all__ = [
    "PER_100_000",
    "CostPerResult",
    "ExchangeRate",
    "Money",
    "convert",
    "cost_per_result",
    "deflate",
    "rate_per",
]

"""Rates per population, money, explicit exchange rates, deflation and cost per result.

No population, exchange rate or deflator is a published figure here: they are test inputs.
The seed figures (32 million euros of funding, 324 laboratories, 22,165 ha, 25,000 people
killed in Mexico in 2017) come from the programme's 2018 blog post.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from narcometrics import ValidationError
from narcometrics.rates import (
    CostPerResult,
    ExchangeRate,
    Money,
    convert,
    cost_per_result,
    deflate,
    rate_per,
)

EUR_2017 = {"currency": "EUR", "price_year": 2017}
#: An exchange rate for the tests (not a published rate).
RATE = ExchangeRate(
    from_currency="EUR",
    to_currency="USD",
    rate=1.25,
    date=dt.date(2017, 12, 29),
    source="test input",
)


# ------------------------------------------------------------------ rate_per


def test_rate_per_100_000_by_hand() -> None:
    # 25,000 killed (seed) over an illustrative population of 125 million
    assert rate_per(25_000, 125_000_000) == 25_000 / 125_000_000 * 100_000
    assert rate_per(3, 1_000, per=1_000) == 3.0


def test_rate_per_zero_population_is_nan_never_zero() -> None:
    assert math.isnan(rate_per(0, 0))
    assert math.isnan(rate_per(5, 0))


def test_rate_per_is_vectorised_and_broadcasts() -> None:
    out = rate_per([10, 20, 0], 1_000_000)
    assert isinstance(out, np.ndarray)
    assert_allclose(out, [1.0, 2.0, 0.0])
    grid = rate_per(np.array([[1.0], [2.0]]), np.array([100_000.0, 200_000.0, 0.0]))
    assert grid.shape == (2, 3)
    assert_array_equal(np.isnan(grid), [[False, False, True], [False, False, True]])
    assert isinstance(rate_per(np.float64(1.0), np.int64(10)), float)


@given(
    counts=st.lists(st.integers(0, 10**6), min_size=1, max_size=10),
    populations=st.lists(st.integers(1, 10**9), min_size=10, max_size=10),
)
def test_pooled_rate_equals_the_population_weighted_mean_of_rates(
    counts: list[int], populations: list[int]
) -> None:
    pops = populations[: len(counts)]
    pooled = rate_per(sum(counts), sum(pops))
    rates = rate_per(counts, pops)
    weighted = np.average(rates, weights=pops)
    assert pooled == pytest.approx(float(weighted), rel=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"count": -1}, "count: must be >= 0"),
        ({"count": [1.0, -2.0, -3.0]}, r"count\[1\]: must be >= 0 .*\ncount\[2\]"),
        ({"population": -1.0}, "population: must be >= 0"),
        ({"population": math.nan}, "population: must be finite"),
        ({"population": [1.0, math.inf]}, r"population\[1\]: must be finite"),
        ({"count": True}, "count: must be a real number"),
        ({"count": "3"}, "count: must be a real number"),
        ({"count": [True, False]}, "count: must be a real number"),
        ({"per": 0}, "per: must be > 0"),
        ({"count": [1, 2], "population": [1, 2, 3]}, "do not broadcast"),
    ],
)
def test_rate_per_bad_inputs_raise(kwargs: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"count": 1, "population": 100}
    with pytest.raises(ValidationError, match=field):
        rate_per(**{**arguments, **kwargs})


# ------------------------------------------------------------------ money


def test_money_adds_within_one_currency_and_price_year() -> None:
    a = Money(amount=10, **EUR_2017)
    b = Money(amount=5.5, **EUR_2017)
    assert a + b == Money(amount=15.5, **EUR_2017)
    assert a - b == Money(amount=4.5, **EUR_2017)
    assert sum([a, b]) == Money(amount=15.5, **EUR_2017)
    assert 2 * a == a * 2 == Money(amount=20, **EUR_2017)
    assert a / 4 == Money(amount=2.5, **EUR_2017)
    assert -a == Money(amount=-10, **EUR_2017)
    assert str(Money(amount=32_000_000, **EUR_2017)) == "32,000,000.00 EUR (2017 prices)"


def test_money_never_mixes_currencies_or_price_years() -> None:
    eur = Money(amount=10, **EUR_2017)
    with pytest.raises(ValidationError, match="cannot add EUR and USD"):
        eur + Money(amount=1, currency="USD", price_year=2017)
    with pytest.raises(ValidationError, match="cannot subtract 2017 and 2015 prices"):
        eur - Money(amount=1, currency="EUR", price_year=2015)
    with pytest.raises(TypeError):
        eur + 1  # type: ignore[operator]
    with pytest.raises(ValidationError, match="divisor"):
        eur / 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": math.nan}, "Money.amount"),
        ({"amount": "10"}, "Money.amount"),
        ({"currency": "eur"}, "Money.currency"),
        ({"currency": "EURO"}, "Money.currency"),
        ({"currency": None}, "Money.currency"),
        ({"price_year": 2017.0}, "Money.price_year"),
        ({"price_year": 0}, "Money.price_year"),
        ({"provenance": ["ok", ""]}, r"Money.provenance\[1\]"),
    ],
)
def test_money_bad_fields_raise(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        Money(**{"amount": 1.0, **EUR_2017, **kwargs})


def test_convert_uses_the_explicit_rate_and_records_it() -> None:
    usd = convert(Money(amount=100, **EUR_2017), RATE)
    assert usd == Money(amount=125, currency="USD", price_year=2017)
    assert usd.provenance == ("converted EUR to USD at 1.25 (2017-12-29, test input)",)
    back = convert(usd, RATE.inverse())
    assert back.amount == pytest.approx(100)
    assert back.currency == "EUR"
    assert len(back.provenance) == 2


def test_convert_refuses_the_wrong_direction() -> None:
    with pytest.raises(ValidationError, match=r"rate.inverse\(\)"):
        convert(Money(amount=1, currency="USD", price_year=2017), RATE)
    with pytest.raises(ValidationError, match="must be an ExchangeRate"):
        convert(Money(amount=1, **EUR_2017), 1.25)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"to_currency": "EUR"}, "ExchangeRate.to_currency"),
        ({"rate": 0.0}, "ExchangeRate.rate"),
        ({"rate": math.inf}, "ExchangeRate.rate"),
        ({"date": "2017-12-29"}, "ExchangeRate.date"),
        ({"source": ""}, "ExchangeRate.source"),
        ({"from_currency": "Eur"}, "ExchangeRate.from_currency"),
    ],
)
def test_exchange_rate_bad_fields_raise(kwargs: dict[str, Any], field: str) -> None:
    good = {
        "from_currency": "EUR",
        "to_currency": "USD",
        "rate": 1.25,
        "date": dt.date(2017, 12, 29),
        "source": "test input",
    }
    with pytest.raises(ValidationError, match=field):
        ExchangeRate(**{**good, **kwargs})


def test_deflate_by_the_ratio_of_deflators() -> None:
    deflators = {2015: 100.0, 2016: 102.0, 2017: 104.0}  # test inputs
    constant = deflate(Money(amount=104, **EUR_2017), deflators, to_year=2015)
    assert constant == Money(amount=100, currency="EUR", price_year=2015)
    assert constant.provenance == ("deflated from 2017 to 2015 prices (user-supplied deflators)",)
    assert deflate(constant, deflators, to_year=2016, source="test").amount == pytest.approx(102)


def test_deflate_names_every_missing_year_and_bad_entry() -> None:
    with pytest.raises(ValidationError, match=r"no deflator for year\(s\) 2010, 2017") as info:
        deflate(Money(amount=1, **EUR_2017), {2015: 100.0, 2016: -1.0}, to_year=2010)
    assert "deflators[2016]: must be > 0" in str(info.value)
    with pytest.raises(ValidationError, match="must be a mapping"):
        deflate(Money(amount=1, **EUR_2017), [100.0], to_year=2015)  # type: ignore[arg-type]


# ------------------------------------------------------------------ cost per result


def test_cost_per_laboratory_from_the_seed_budget() -> None:
    budget = Money(amount=32_000_000, **EUR_2017)
    result = cost_per_result(budget, 324, outcome_unit="laboratory destroyed")
    assert result.value == pytest.approx(32_000_000 / 324)
    assert (result.currency, result.price_year) == ("EUR", 2017)
    assert result.unit == "EUR (2017 prices) per laboratory destroyed"
    assert str(result) == f"{32_000_000 / 324:,.2f} EUR (2017 prices) per laboratory destroyed"


def test_cost_per_result_is_vectorised_with_an_explicit_currency() -> None:
    result = cost_per_result(
        32_000_000, [111, 78, 324, 22_165, 0], outcome_unit="result", **EUR_2017
    )
    assert isinstance(result, CostPerResult)
    assert isinstance(result.value, np.ndarray)
    assert_allclose(result.value[:4], 32_000_000 / np.array([111, 78, 324, 22_165]))
    assert math.isnan(result.value[4])  # zero outcome: undefined, never 0


def test_cost_per_result_keeps_the_provenance_of_converted_money() -> None:
    usd = convert(Money(amount=1_000, **EUR_2017), RATE)
    result = cost_per_result(usd, 10, outcome_unit="hectare eradicated")
    assert result.value == pytest.approx(125.0)
    assert result.currency == "USD"
    assert result.provenance == usd.provenance


@pytest.mark.parametrize(
    ("cost", "kwargs", "field"),
    [
        (Money(amount=-1, **EUR_2017), {}, "cost: must be >= 0"),
        (Money(amount=1, **EUR_2017), {"currency": "EUR"}, "currency: is given twice"),
        (Money(amount=1, **EUR_2017), {"price_year": 2017}, "price_year: is given twice"),
        (1.0, {"price_year": 2017}, "currency: is required"),
        (1.0, {"currency": "EUR"}, "price_year: is required"),
        (1.0, {**EUR_2017, "currency": "€"}, "currency: must be an ISO 4217"),
        ([1.0, -1.0], EUR_2017, r"cost\[1\]"),
        (1.0, {**EUR_2017, "outcome": -3}, "outcome: must be >= 0"),
        (1.0, {**EUR_2017, "outcome_unit": ""}, "outcome_unit"),
    ],
)
def test_cost_per_result_bad_inputs_raise(cost: Any, kwargs: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {"outcome": 2, "outcome_unit": "laboratory"}
    with pytest.raises(ValidationError, match=field):
        cost_per_result(cost, **{**arguments, **kwargs})

"""Choosing a bundled factor set by country and year (``factors.default_factor_set``)."""

from __future__ import annotations

import pytest

from narcometrics import factors
from narcometrics.errors import ValidationError
from narcometrics.factors import default_factor_set, factor_set_country, flat_sets


@pytest.mark.parametrize(
    ("year", "country", "expected"),
    [
        (2017, "PER", "pe-gov-2017"),
        (2022, "PER", "pe-gov-2022"),
        (2023, "per", "pe-gov-2024"),  # both 2022 and 2024 sets cover 2023: the later one
        (2025, "PER", "pe-gov-2024"),
    ],
)
def test_the_set_covering_the_year_for_the_country(year: int, country: str, expected: str) -> None:
    assert default_factor_set(year, country) == expected


def test_a_year_no_set_covers_names_the_sets_of_the_country() -> None:
    with pytest.raises(ValidationError, match=r"covers 2019 \(for PER: pe-gov-2017 \(2017\)"):
        default_factor_set(2019, "PER")


def test_a_peru_set_is_never_chosen_for_another_country() -> None:
    # Colombia's bundled set is a fresh-leaf chain; Bolivia has no published factor.
    for country in ("COL", "BOL", "ECU"):
        with pytest.raises(ValidationError, match=f"no bundled flat .* is for {country}"):
            default_factor_set(2017, country)


def test_each_bundled_set_knows_its_country() -> None:
    countries = {i: factor_set_country(i) for i in factors.available()}
    assert countries["co-simci-2020"] == "COL"
    assert {countries[i] for i in flat_sets()} == {"PER"}
    assert flat_sets("PER") == ["pe-gov-2017", "pe-gov-2022", "pe-gov-2024"]
    assert flat_sets("col") == []

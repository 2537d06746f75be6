"""Pure-equivalent seizures: the stated purity is carried in the result.

Purity example: 75 %, cocaine seized at sea by the US in 2011 (ONDCP 2011, F26).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from narcometrics.errors import ValidationError
from narcometrics.estimate import Uncertain, pure_equivalent
from narcometrics.units import KG_PER_LITRE_SEIZURE


def test_pure_equivalent_is_mass_times_purity_with_the_purity_recorded() -> None:
    estimate = pure_equivalent(1000.0, 0.75, purity_source="ONDCP 2011 at-sea purity")
    assert estimate.central == 750.0
    assert estimate.unit == "kg"
    (purity,) = estimate.provenance.assumptions
    assert (purity.name, purity.value, purity.unit) == ("purity", 0.75, "fraction")
    assert purity.source == "ONDCP 2011 at-sea purity"


def test_default_purity_source_says_it_is_assumed() -> None:
    (purity,) = pure_equivalent(1.0, 0.5).provenance.assumptions
    assert "assumed" in purity.source


def test_litres_convert_at_the_unodc_convention() -> None:
    litres = 20.0
    estimate = pure_equivalent(litres * KG_PER_LITRE_SEIZURE, 0.5)
    assert estimate.central == 10.0


def test_purity_range_gives_low_and_high() -> None:
    estimate = pure_equivalent([100.0, 200.0], Uncertain(0.75, 0.5, 0.9))
    assert_allclose(estimate.low, [50.0, 100.0])
    assert_allclose(estimate.high, [90.0, 180.0])


@given(
    masses=st.lists(st.floats(min_value=0, max_value=1e6, allow_subnormal=False), min_size=1),
    purity=st.floats(min_value=0.01, max_value=1.0),
)
def test_pure_equivalent_never_exceeds_the_bulk_mass(masses: list[float], purity: float) -> None:
    estimate = pure_equivalent(np.array(masses), purity)
    assert np.all(estimate.central <= np.array(masses))
    assert np.all(estimate.central >= 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"purity": 0.0}, r"purity: must be within \(0, 1\]"),
        ({"purity": 1.2}, r"purity: must be within \(0, 1\]"),
        ({"purity": float("nan")}, "purity: must be finite"),
        ({"purity": [0.5, 0.0]}, r"purity\[1\]: must be within"),
        ({"mass_kg": -1.0}, "mass_kg: must be >= 0"),
        ({"purity_source": ""}, "purity_source: must not be empty"),
    ],
)
def test_bad_input_raises_naming_the_parameter(kwargs: dict[str, Any], message: str) -> None:
    call: dict[str, Any] = {"mass_kg": 10.0, "purity": 0.75}
    call.update(kwargs)
    with pytest.raises(ValidationError, match=message):
        pure_equivalent(**call)

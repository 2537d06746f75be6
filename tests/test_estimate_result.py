"""Estimate, Provenance and Uncertain: types in and out, equality, JSON export."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics.errors import ValidationError
from narcometrics.estimate import (
    Estimate,
    Uncertain,
    avoided_production,
    avoided_production_adjusted,
    pure_equivalent,
)


def test_scalars_in_give_floats_out() -> None:
    estimate = avoided_production_adjusted(1000, "pe-gov-2022", draws=10, seed=1)
    for value in (estimate.central, estimate.low, estimate.high, estimate.mean):
        assert type(value) is float
    assert estimate.percentiles is not None
    assert all(type(v) is float for v in estimate.percentiles.values())


@given(shape=st.sampled_from([(3,), (2, 3), (1, 1, 4)]))
def test_arrays_in_give_read_only_arrays_of_the_same_shape(shape: tuple[int, ...]) -> None:
    area = np.full(shape, 100.0)
    estimate = avoided_production(area, "pe-gov-2017", draws=5, seed=1)
    for value in (estimate.central, estimate.low, estimate.high, estimate.mean):
        assert isinstance(value, np.ndarray)
        assert value.shape == shape
        assert not value.flags.writeable
    assert estimate.percentiles is not None
    assert estimate.percentiles[50.0].shape == shape


def test_lists_broadcast_like_arrays() -> None:
    estimate = avoided_production_adjusted(
        [[1.0], [2.0]], "pe-gov-2022", yield_kg_per_ha=[2300.0, 3600.0]
    )
    assert estimate.central.shape == (2, 2)


def test_estimates_with_arrays_compare_without_raising() -> None:
    a = avoided_production(np.array([1.0, 2.0]), "pe-gov-2017")
    b = avoided_production(np.array([1.0, 2.0]), "pe-gov-2017")
    c = avoided_production(np.array([1.0, 3.0]), "pe-gov-2017")
    assert a == b
    assert a != c
    assert a != avoided_production(1.0, "pe-gov-2017")
    assert hash(a) == hash(b)


def test_to_dict_gives_plain_json_types() -> None:
    estimate = avoided_production_adjusted([1.0, 2.0], "pe-gov-2024", draws=20, seed=3)
    data = estimate.to_dict()
    text = json.dumps(data, allow_nan=False)
    back = json.loads(text)
    assert back == data
    assert isinstance(data["central"], list)
    assert set(data["percentiles"]) == {"5", "50", "95"}
    assert data["provenance"]["factor_set"] == "pe-gov-2024"
    assert data["provenance"]["citations"][0]["publisher"]
    assert {a["name"] for a in data["provenance"]["assumptions"]} >= {"harvested_share"}


def test_to_dict_of_a_scalar_estimate_holds_floats() -> None:
    data = avoided_production(22_165, "pe-gov-2017").to_dict()
    assert isinstance(data["central"], float)
    assert data["mean"] is None
    assert data["percentiles"] is None


def test_estimate_refuses_low_above_central() -> None:
    provenance = avoided_production(1.0, "pe-gov-2017").provenance
    with pytest.raises(ValidationError, match="low <= central <= high"):
        Estimate(central=1.0, low=2.0, high=3.0, unit="t", quantity="x", provenance=provenance)


def test_uncertain_accepts_lists_and_compares_by_value() -> None:
    a = Uncertain([1.0, 2.0], [0.5, 1.0], [1.5, 3.0])
    assert isinstance(a.central, np.ndarray)
    assert a == Uncertain([1.0, 2.0], [0.5, 1.0], [1.5, 3.0])
    assert a != Uncertain([1.0, 2.0], [0.5, 1.0], [1.5, 3.0], "uniform")
    with pytest.raises(ValidationError, match="distribution"):
        Uncertain(1.0, 0.0, 2.0, "normal")


def test_uncertain_with_bad_values_is_refused_by_the_model() -> None:
    with pytest.raises(ValidationError, match=r"purity.low: must be a real number"):
        pure_equivalent(1.0, Uncertain(0.5, "0.4", 0.6))
    with pytest.raises(ValidationError, match=r"purity: must hold real numbers"):
        pure_equivalent(1.0, Uncertain([True, False], 0.1, 1.0))


def test_provenance_tells_an_edited_factor_set_from_the_bundled_one() -> None:
    import attrs as _attrs
    import numpy as _np

    from narcometrics import factors
    from narcometrics.estimate import avoided_production

    bundled = factors.get("pe-gov-2017")
    edited = _attrs.evolve(bundled, title=bundled.title + " (edited copy)")
    a = avoided_production(100.0, bundled).provenance
    b = avoided_production(100.0, edited).provenance
    assert a.factor_set == b.factor_set == "pe-gov-2017"
    assert a.factor_set_digest == bundled.digest() == factors.get("pe-gov-2017").digest()
    assert b.factor_set_digest != a.factor_set_digest
    assert a.numpy_version == _np.__version__
    assert a.to_dict()["factor_set_digest"] == a.factor_set_digest

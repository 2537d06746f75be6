"""narcometrics.dask.estimate_map: the in-memory estimates block by block, one provenance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narcometrics import ValidationError
from narcometrics import dask as nd
from narcometrics.estimate import (
    Estimate,
    Uncertain,
    avoided_production,
    avoided_production_adjusted,
    leaf_production,
    potential_production,
    pure_equivalent,
)

# (model, the arguments after the Dask input). Parameter values are illustrative
# inputs, not cited figures: what is tested is that the Dask path reproduces the
# in-memory model, whatever the values.
MODELS: list[tuple[Callable[..., Estimate], tuple[Any, ...], dict[str, Any]]] = [
    (avoided_production, ("pe-gov-2017",), {}),
    (avoided_production, ("pe-gov-2022",), {}),
    (avoided_production_adjusted, ("pe-gov-2022",), {}),
    (
        avoided_production_adjusted,
        ("pe-gov-2022",),
        {"horizon": "twelve_months", "replanting_share": 0.25},
    ),
    (leaf_production, (Uncertain(2300.0, 2000.0, 3600.0),), {}),
    (pure_equivalent, (Uncertain(0.6, 0.4, 0.8),), {}),
]


def assert_same_estimate(got: Estimate, expected: Estimate) -> None:
    assert got.provenance == expected.provenance
    assert (got.unit, got.quantity) == (expected.unit, expected.quantity)
    for name in ("central", "low", "high", "mean"):
        a, b = getattr(got, name), getattr(expected, name)
        if b is None:
            assert a is None
        else:
            assert np.shape(a) == np.shape(b)
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)
    if expected.percentiles is None:
        assert got.percentiles is None
    else:
        assert got.percentiles is not None
        assert list(got.percentiles) == list(expected.percentiles)
        for q, value in expected.percentiles.items():
            np.testing.assert_allclose(got.percentiles[q], value, rtol=1e-12, atol=0)


@st.composite
def chunked_arrays(draw: st.DrawFn) -> tuple[np.ndarray[Any, Any], tuple[int, ...]]:
    shape = tuple(draw(st.lists(st.integers(1, 9), min_size=1, max_size=2)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = rng.uniform(0.0, 5000.0, shape)
    values[rng.random(shape) < 0.1] = 0.0  # no area at all is a valid input
    chunks = tuple(draw(st.integers(1, n)) for n in shape)
    return values, chunks


@settings(max_examples=40)
@given(chunked_arrays(), st.sampled_from(range(len(MODELS))))
def test_dask_estimates_equal_in_memory_estimates_for_any_chunking(
    case: tuple[np.ndarray[Any, Any], tuple[int, ...]], which: int
) -> None:
    values, chunks = case
    model, args, kwargs = MODELS[which]
    result = nd.estimate_map(model, da.from_array(values, chunks=chunks), *args, **kwargs)
    assert result.provenance == model(values, *args, **kwargs).provenance  # before computing
    assert_same_estimate(result.compute(scheduler="sync"), model(values, *args, **kwargs))


@settings(max_examples=15)
@given(chunked_arrays(), st.integers(0, 2**32 - 1), st.sampled_from([0, 2, 4]))
def test_monte_carlo_on_blocks_equals_the_in_memory_draws_with_the_same_seed(
    case: tuple[np.ndarray[Any, Any], tuple[int, ...]], seed: int, which: int
) -> None:
    values, chunks = case
    model, args, kwargs = MODELS[which]
    options = {**kwargs, "draws": 64, "seed": seed, "percentiles": (10.0, 50.0, 90.0)}
    result = nd.estimate_map(model, da.from_array(values, chunks=chunks), *args, **options)
    assert result.mean is not None
    assert result.percentiles is not None
    assert_same_estimate(result.compute(scheduler="sync"), model(values, *args, **options))


def test_zone_axis_sums_after_the_blocks_like_the_in_memory_model() -> None:
    rng = np.random.default_rng(4)
    area = rng.uniform(0.0, 900.0, (6, 5))
    for axis in (0, 1, -1):
        lazy = nd.estimate_map(
            avoided_production_adjusted,
            da.from_array(area, chunks=(4, 2)),
            "pe-gov-2022",
            zone_axis=axis,
        )
        expected = avoided_production_adjusted(area, "pe-gov-2022", zone_axis=axis)
        assert_same_estimate(lazy.compute(scheduler="threads"), expected)


def test_per_zone_parameter_arrays_broadcast_against_every_block() -> None:
    rng = np.random.default_rng(8)
    area = rng.uniform(0.0, 300.0, (10, 3))
    yields = np.array([3600.0, 2300.0, 1500.0])  # illustrative per-zone yields
    lazy = nd.estimate_map(leaf_production, da.from_array(area, chunks=(4, 3)), yields)
    assert_same_estimate(lazy.compute(scheduler="sync"), leaf_production(area, yields))
    split = nd.estimate_map(leaf_production, da.from_array(area, chunks=(4, 2)), yields)
    with pytest.raises(ValidationError, match=r"^block \(\d, \d\): shape: "):
        split.compute(scheduler="sync")


def test_two_dask_inputs_are_broadcast_and_aligned() -> None:
    def combined(first: Any, second: Any) -> Estimate:  # a model of two input amounts
        return avoided_production(np.add(first, second), "pe-gov-2022")

    rng = np.random.default_rng(9)
    a, b = rng.uniform(0.0, 900.0, (8, 4)), rng.uniform(0.0, 50.0, (4,))
    lazy = nd.estimate_map(combined, da.from_array(a, chunks=(3, 3)), da.from_array(b, chunks=1))
    assert_same_estimate(lazy.compute(scheduler="sync"), combined(a, b))


def test_potential_production_records_leaf_t_so_a_dask_leaf_t_is_refused() -> None:
    # potential_production records leaf_t among its assumptions (value range and shape),
    # which would differ by block: the Dask path says so instead of guessing.
    with pytest.raises(ValidationError, match=r"^leaf_t: is recorded in the estimate's provenance"):
        nd.estimate_map(potential_production, da.ones(6, chunks=2), "pe-unodc-2008")


def test_series_give_series_with_the_partitions_index() -> None:
    rng = np.random.default_rng(12)
    frame = pd.DataFrame({"mass_kg": rng.uniform(0.0, 40.0, 25)}, index=pd.RangeIndex(100, 125))
    column = dd.from_pandas(frame, npartitions=4)["mass_kg"]
    purity = Uncertain(0.75, 0.6, 0.9)
    lazy = nd.estimate_map(pure_equivalent, column, purity, draws=32, seed=5)
    central = lazy.central.compute(scheduler="sync")
    assert isinstance(central, pd.Series)
    assert central.index.equals(frame.index)
    expected = pure_equivalent(frame["mass_kg"].to_numpy(), purity, draws=32, seed=5)
    assert_same_estimate(lazy.compute(scheduler="sync"), expected)


def test_a_bad_element_names_its_block_and_its_index_in_the_whole_array() -> None:
    area = np.full((7, 5), 10.0)
    area[5, 3] = -2.0
    with pytest.raises(ValidationError) as in_memory:
        avoided_production(area, "pe-gov-2022")
    lazy = nd.estimate_map(avoided_production, da.from_array(area, chunks=(3, 2)), "pe-gov-2022")
    with pytest.raises(ValidationError) as caught:
        lazy.compute(scheduler="sync")
    # Rows 3..5 are block 1 on axis 0, columns 2..3 are block 1 on axis 1.
    assert str(caught.value) == f"block (1, 1): {in_memory.value}"
    assert str(in_memory.value) == "area_ha[5, 3]: must be >= 0 (-2.0)"
    assert caught.value.problems[0].partition == (1, 1)


def test_a_bad_series_value_names_its_partition_row_and_index() -> None:
    frame = pd.DataFrame({"area_ha": [1.0] * 12})
    frame.loc[10, "area_ha"] = np.nan
    column = dd.from_pandas(frame, npartitions=1).repartition(divisions=[0, 4, 8, 11])
    lazy = nd.estimate_map(avoided_production, column["area_ha"], "pe-gov-2022")
    with pytest.raises(
        ValidationError, match=r"^partition 2, row 2 \(index 10\): area_ha: must be finite \(nan\)"
    ):
        lazy.compute(scheduler="sync")


def test_a_parameter_given_as_a_dask_collection_is_refused() -> None:
    mass = da.ones(10, chunks=5)
    with pytest.raises(ValidationError, match=r"^purity: is recorded in the estimate's provenance"):
        nd.estimate_map(pure_equivalent, mass, da.full(10, 0.5, chunks=5))
    with pytest.raises(ValidationError, match=r"^yield_kg_per_ha: is recorded"):
        nd.estimate_map(leaf_production, mass, yield_kg_per_ha=da.full(10, 2300.0, chunks=5))


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((np.ones(3), "pe-gov-2022"), {}, "^args: no Dask array or series given"),
        (
            (da.ones(4, chunks=2), "pe-gov-2022"),
            {"draws": 10, "seed": np.random.default_rng(1)},
            "^seed: must be an int on Dask collections",
        ),
        (
            (da.ones(4, chunks=2), "pe-gov-2022"),
            {"draws": 10, "seed": 1, "zone_axis": 0},
            "^zone_axis: cannot be combined with draws",
        ),
        ((da.ones(4, chunks=2), "pe-gov-2022"), {"zone_axis": 1}, "^zone_axis: must be an axis"),
    ],
)
def test_bad_arguments_are_refused_before_computing(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        nd.estimate_map(avoided_production, *args, **kwargs)


def test_dataframes_and_mixed_collections_are_refused() -> None:
    frame = dd.from_pandas(pd.DataFrame({"area_ha": [1.0, 2.0]}), npartitions=1)
    with pytest.raises(ValidationError, match=r"^area_ha: must be a Dask series"):
        nd.estimate_map(avoided_production, frame, "pe-gov-2022")
    with pytest.raises(ValidationError, match=r"^args: give Dask arrays or Dask series, not both"):
        nd.estimate_map(
            potential_production,
            da.ones(2, chunks=1),
            "pe-unodc-2008",
            licit_leaf_t=frame["area_ha"],
        )
    with pytest.raises(ValidationError, match=r"^zone_axis: applies to Dask arrays"):
        nd.estimate_map(avoided_production, frame["area_ha"], "pe-gov-2022", zone_axis=0)

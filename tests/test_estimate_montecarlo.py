"""The Monte Carlo path: reproducible, vectorised, converging to analytic expectations.

Expected values are computed independently: closed-form means of the triangular and
uniform distributions, scipy.stats for percentiles and E[1/k].
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from narcometrics.errors import ValidationError
from narcometrics.estimate import (
    Uncertain,
    _model,
    avoided_production_adjusted,
    leaf_production,
    potential_production,
)
from narcometrics.factors import Citation, Factor, FactorSet

SOURCE = Citation(publisher="Agency", title="Survey", year=2020, where="report")


def _triangular_mean(low: float, mode: float, high: float) -> float:
    return (low + mode + high) / 3


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_the_same_seed_gives_the_same_draws(seed: int) -> None:
    a = avoided_production_adjusted([10.0, 20.0], "pe-gov-2022", draws=50, seed=seed)
    b = avoided_production_adjusted([10.0, 20.0], "pe-gov-2022", draws=50, seed=seed)
    assert a == b
    assert a.provenance.draws == 50
    assert a.provenance.seed == seed


def test_a_generator_seed_is_reproducible_and_other_seeds_differ() -> None:
    a = leaf_production(1.0, Uncertain(2300, 2000, 2600), draws=100, seed=np.random.default_rng(7))
    b = leaf_production(1.0, Uncertain(2300, 2000, 2600), draws=100, seed=np.random.default_rng(7))
    c = leaf_production(1.0, Uncertain(2300, 2000, 2600), draws=100, seed=8)
    assert a == b
    assert a.provenance.seed is None
    assert a.mean != c.mean


def test_monte_carlo_mean_approaches_the_analytic_expectation() -> None:
    # Independent parameters: E[C] = A E[Y] E[1-h] E[1-s] / r / 1000 (calendar year), with
    # the harvested share at mid-year floor(n/2 + phase)/n, whose mean is 0.5 for every
    # harvest count n, and the licit share triangular(0, 0, 0.10278).
    kwargs = {"yield_kg_per_ha": Uncertain(2300.0, 2300.0, 2415.0), "draws": 400_000}
    estimate = avoided_production_adjusted(1000.0, "pe-gov-2022", seed=2017, **kwargs)
    e_s = _triangular_mean(0.0, 0.0, 0.10278)
    e_y = _triangular_mean(2300.0, 2300.0, 2415.0)
    expected = 1000.0 * e_y * 0.5 * (1 - e_s) / 258.6 / 1000
    assert estimate.mean == pytest.approx(expected, rel=2e-3)
    assert estimate.low <= estimate.percentiles[5.0] <= estimate.percentiles[95.0] <= estimate.high
    # twelve months: E[1 - rho] with rho uniform on [0.316, 0.4563]
    twelve = avoided_production_adjusted(
        1000.0, "pe-gov-2022", horizon="twelve_months", seed=2017, **kwargs
    )
    e_rho = (0.316 + 0.4563) / 2
    assert twelve.mean == pytest.approx(expected * 2 * (1 - e_rho), rel=2e-3)


def test_monte_carlo_of_one_over_k_matches_the_integral() -> None:
    # E[L / k] for k triangular(240, 300, 375) is L * E[1/k], integrated by scipy.
    k = FactorSet(
        id="k-range",
        title="k",
        method="sun_dried_chain",
        values=(
            Factor(
                name="leaf_per_hcl",
                value=300.0,
                low=240.0,
                high=375.0,
                unit="kg leaf/kg HCl",
                status="published",
                citations=(SOURCE,),
            ),
        ),
    )
    estimate = potential_production(1000.0, k, draws=200_000, seed=3)
    dist = stats.triang(c=(300 - 240) / (375 - 240), loc=240, scale=375 - 240)
    expected = 1000.0 * dist.expect(lambda x: 1 / x)
    assert estimate.mean == pytest.approx(expected, rel=2e-3)
    # A decreasing function of k: its percentile q is L / (the 100-q percentile of k).
    assert estimate.percentiles[5.0] == pytest.approx(1000.0 / dist.ppf(0.95), rel=5e-3)


def test_percentiles_match_scipy_for_one_triangular_parameter() -> None:
    estimate = leaf_production(
        1000.0, Uncertain(2300.0, 2000.0, 3600.0), draws=200_000, seed=11, percentiles=(10, 50, 90)
    )
    dist = stats.triang(c=(2300 - 2000) / 1600, loc=2000, scale=1600)
    for q in (10.0, 50.0, 90.0):
        assert estimate.percentiles[q] == pytest.approx(dist.ppf(q / 100), rel=3e-3)


def test_uniform_parameters_are_drawn_over_their_range() -> None:
    estimate = leaf_production(
        1000.0, Uncertain(2300.0, 2000.0, 3000.0, "uniform"), draws=100_000, seed=5
    )
    assert estimate.mean == pytest.approx(2500.0, rel=2e-3)
    assert estimate.percentiles[5.0] == pytest.approx(2050.0, rel=2e-3)


def test_a_scalar_parameter_is_shared_by_every_region_in_a_draw() -> None:
    # One yield drawn per draw for all regions: region 2 (twice the area) is exactly twice
    # region 1 in every draw, so in every percentile.
    estimate = leaf_production([1.0, 2.0], Uncertain(2300.0, 2000.0, 3600.0), draws=1000, seed=1)
    for value in estimate.percentiles.values():
        assert value[1] == 2 * value[0]


def test_array_parameters_are_drawn_independently_per_region() -> None:
    estimate = leaf_production(
        [1.0, 1.0], Uncertain([2300.0, 2300.0], 2000.0, 3600.0), draws=2000, seed=1
    )
    assert estimate.percentiles[50.0][0] != estimate.percentiles[50.0][1]
    assert estimate.central.shape == estimate.mean.shape == (2,)


def test_results_do_not_depend_on_the_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    def run() -> object:
        return avoided_production_adjusted(
            np.arange(1.0, 8.0),
            "pe-gov-2024",
            yield_kg_per_ha=Uncertain(np.linspace(2300, 2369, 7), 2300.0, 2369.0),
            draws=1001,
            seed=99,
        )

    whole = run()
    monkeypatch.setattr(_model, "CHUNK_ELEMENTS", 50)
    assert run() == whole


def test_the_common_harvest_phase_does_not_depend_on_the_chunk_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dates = np.array(["2017-02-03", "2017-05-17", "2017-08-09", "2017-11-22"], "datetime64[D]")

    def run() -> object:
        return avoided_production_adjusted(
            np.array([10.0, 20.0, 30.0, 40.0]),
            "pe-gov-2022",
            eradication_date=dates,
            draws=999,
            seed=5,
        )

    whole = run()
    monkeypatch.setattr(_model, "CHUNK_ELEMENTS", 8)
    assert run() == whole


def test_common_phase_draws_only_whole_harvest_shares_and_average_to_the_year_fraction() -> None:
    from narcometrics.estimate.harvest import _common_phase

    t = np.array([0.1, 0.45, 0.9])
    sample = _common_phase(t, t, [3, 4, 5])(np.random.default_rng(3), 200_000, 1)
    assert sample.shape == (200_000, 3)
    whole = {k / n for n in (3, 4, 5) for k in range(n + 1)}
    assert set(np.round(np.unique(sample), 12)) <= {round(v, 12) for v in whole}
    np.testing.assert_allclose(sample.mean(axis=0), t, atol=3e-3)
    # one calendar per draw: a later date never has fewer harvests taken in the same draw
    assert np.all(np.diff(sample, axis=1) >= 0)


def test_zone_axis_sums_each_draw_before_the_percentiles() -> None:
    yield_ = Uncertain([2300.0, 3600.0], [2000.0, 3500.0], [2400.0, 3700.0])
    zones = leaf_production([1.0, 1.0], yield_, draws=5000, seed=4)
    total = leaf_production([1.0, 1.0], yield_, draws=5000, seed=4, zone_axis=0)
    assert total.mean == pytest.approx(zones.mean.sum(), rel=1e-12)
    assert isinstance(total.percentiles[50.0], float)
    # Independent zones: the 95th percentile of the sum is below the sum of the 95th.
    assert total.percentiles[95.0] < zones.percentiles[95.0].sum()


def test_mixed_ranges_draw_like_numpy_where_a_range_exists() -> None:
    # numpy's triangular refuses low == high; the fallback inverts the CDF the same way.
    term = _model.term(
        "y",
        Uncertain([2300.0, 5.0], [2000.0, 5.0], [3600.0, 5.0]),
        domain=_model.Domain.NON_NEGATIVE,
        increasing=True,
        unit="kg",
    )
    got = _model.draw(term, np.random.default_rng(3), 1000, 1)
    expected = np.random.default_rng(3).triangular(
        [2000.0, 1.0], [2300.0, 2.0], [3600.0, 3.0], size=(1000, 2)
    )
    assert_allclose(got[:, 0], expected[:, 0], rtol=1e-13)
    assert np.all(got[:, 1] == 5.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"draws": 0, "seed": 1}, "draws: must be >= 1"),
        ({"draws": 10.0, "seed": 1}, "draws: must be an integer"),
        ({"draws": 10, "seed": -1}, "seed: must be >= 0"),
        ({"draws": 10, "seed": 1.5}, "seed: must be an integer"),
        ({"draws": 10, "seed": 1, "percentiles": ()}, "percentiles: must not be empty"),
        ({"draws": 10, "seed": 1, "percentiles": "50"}, "percentiles: must be a sequence"),
        ({"draws": 10, "seed": 1, "percentiles": (float("nan"),)}, "percentiles: must be finite"),
    ],
)
def test_bad_monte_carlo_options_raise(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        leaf_production(1.0, 2300.0, **kwargs)  # type: ignore[arg-type]


def test_never_a_negative_tonnage_in_any_draw() -> None:
    estimate = potential_production(
        1000.0,
        "pe-unodc-2008",
        licit_leaf_t=Uncertain(900.0, 0.0, 1000.0, "uniform"),
        draws=10_000,
        seed=0,
        percentiles=(0.0,),
    )
    assert estimate.percentiles[0.0] >= 0.0
    assert estimate.low == 0.0
    assert math.isclose(estimate.high, 1000.0 / 375)

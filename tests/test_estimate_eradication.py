"""Avoided production from eradication: the published figures, the adjusted model's
equation and bounds, and bad input.

Published pairs: reference/estimation-sources.md F4 (22,165 ha -> 204.8 t, seed document;
22,885 ha -> 211.5 t, PNP-DIRANDRO 2017 year-end balance); factors F3, F5, F6, F10-F18.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import narcometrics
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.estimate import (
    Uncertain,
    avoided_production,
    avoided_production_adjusted,
    harvested_share_at,
)

FLAT_SETS = ["pe-gov-2017", "pe-gov-2022", "pe-gov-2024"]
YIELD_RATIO = {"pe-gov-2022": (2415.0, 258.6), "pe-gov-2024": (2369.0, 258.6)}

# Subnormal numbers lose relative precision in any product: not what these tests are about.
areas = st.floats(min_value=0.0, max_value=1e6, allow_subnormal=False)
fractions = st.floats(min_value=0.0, max_value=1.0, allow_subnormal=False)
yields = st.floats(min_value=0.0, max_value=1e4, allow_subnormal=False)
TINY = 1e-300  # absolute slack for results that underflow


@pytest.mark.parametrize(("area", "tonnes"), [(22_165, 204.8), (22_885, 211.5)])
def test_pe_gov_2017_reproduces_the_published_2017_figures(area: float, tonnes: float) -> None:
    estimate = avoided_production(area, "pe-gov-2017")
    assert round(estimate.central, 1) == tonnes
    assert isinstance(estimate.central, float)
    assert estimate.unit == "t"


@pytest.mark.parametrize("id", ["pe-gov-2022", "pe-gov-2024"])
def test_yield_ratio_sets_give_area_times_yield_over_ratio(id: str) -> None:
    yield_, ratio = YIELD_RATIO[id]
    assert_allclose(avoided_production(22_885, id).central, 22_885 * yield_ / ratio / 1000)


def test_provenance_names_method_set_citations_and_version() -> None:
    provenance = avoided_production(22_165, "pe-gov-2017").provenance
    assert provenance.method == "narcometrics.estimate.avoided_production"
    assert provenance.factor_set == "pe-gov-2017"
    assert provenance.library_version == narcometrics.__version__
    assert "Peru: successful cooperation" in {c.title for c in provenance.citations}
    assert provenance.note is not None
    assert "upper bound" in provenance.note


@given(a=areas, b=areas)
def test_flat_avoided_production_is_additive_in_area(a: float, b: float) -> None:
    whole = avoided_production(a + b, "pe-gov-2022").central
    parts = avoided_production([a, b], "pe-gov-2022").central
    assert_allclose(whole, parts.sum(), rtol=1e-12, atol=TINY)


@given(area=areas, k=st.floats(min_value=0.0, max_value=100.0))
def test_adjusted_avoided_production_is_linear_in_area(area: float, k: float) -> None:
    one = avoided_production_adjusted(area, "pe-gov-2024")
    scaled = avoided_production_adjusted(area * k, "pe-gov-2024")
    for end in ("central", "low", "high"):
        assert_allclose(getattr(scaled, end), k * getattr(one, end), rtol=1e-12, atol=TINY)


@pytest.mark.parametrize("id", FLAT_SETS)
@pytest.mark.parametrize("zero", [0, 0.0, -0.0])
def test_zero_area_gives_zero_tonnes(id: str, zero: float) -> None:
    for estimate in (avoided_production(zero, id), avoided_production_adjusted(zero, id)):
        assert (estimate.low, estimate.central, estimate.high) == (0.0, 0.0, 0.0)
        assert np.copysign(1.0, estimate.central) == 1.0  # not -0.0


@given(
    area=areas,
    y=yields,
    h=fractions,
    rho=fractions,
    s=fractions,
    id=st.sampled_from(["pe-gov-2022", "pe-gov-2024"]),
)
def test_adjusted_never_exceeds_the_flat_figure_for_the_same_yield_and_ratio(
    area: float, y: float, h: float, rho: float, s: float, id: str
) -> None:
    _, ratio = YIELD_RATIO[id]
    flat = area * y / ratio / 1000
    calendar = avoided_production_adjusted(
        area, id, yield_kg_per_ha=y, harvested_share=h, licit_share=s
    )
    twelve = avoided_production_adjusted(
        area, id, horizon="twelve_months", yield_kg_per_ha=y, replanting_share=rho, licit_share=s
    )
    for adjusted in (calendar, twelve):
        assert 0.0 <= adjusted.central <= flat * (1 + 1e-12) + TINY


@pytest.mark.parametrize("id", FLAT_SETS)
@given(area=areas)
def test_adjusted_defaults_stay_below_the_flat_figure(id: str, area: float) -> None:
    adjusted = avoided_production_adjusted(area, id)
    flat = avoided_production(area, id)
    assert adjusted.high <= flat.low * (1 + 1e-12) + TINY


@given(
    area=st.lists(areas, min_size=1, max_size=5),
    h=st.floats(min_value=0.0, max_value=0.5),
    dh=st.floats(min_value=0.0, max_value=0.5),
    y=st.floats(min_value=0.0, max_value=5000.0),
    dy=st.floats(min_value=0.0, max_value=5000.0),
)
def test_low_central_high_are_ordered_and_the_array_path_matches_scalars(
    area: list[float], h: float, dh: float, y: float, dy: float
) -> None:
    kwargs: dict[str, Any] = {
        "harvested_share": Uncertain(h, h, h + dh),
        "yield_kg_per_ha": Uncertain(y + dy / 2, y, y + dy),
    }
    estimate = avoided_production_adjusted(np.array(area), "pe-gov-2022", **kwargs)
    assert np.all(estimate.low <= estimate.central)
    assert np.all(estimate.central <= estimate.high)
    assert estimate.central.shape == (len(area),)
    for i, a in enumerate(area):
        single = avoided_production_adjusted(a, "pe-gov-2022", **kwargs)
        assert single.central == estimate.central[i]
        assert single.low == estimate.low[i]
        assert single.high == estimate.high[i]


@given(y1=yields, y2=yields)
def test_adjusted_is_monotone_in_yield(y1: float, y2: float) -> None:
    low, high = sorted((y1, y2))
    a = avoided_production_adjusted(1000.0, "pe-gov-2022", yield_kg_per_ha=low)
    b = avoided_production_adjusted(1000.0, "pe-gov-2022", yield_kg_per_ha=high)
    assert a.central <= b.central


@given(h=fractions, rho=fractions, s=fractions)
def test_adjusted_is_monotone_decreasing_in_each_share(h: float, rho: float, s: float) -> None:
    for horizon, deduction, d in (
        ("calendar_year", "harvested_share", h),
        ("twelve_months", "replanting_share", rho),
    ):
        kwargs: dict[str, Any] = {"horizon": horizon, deduction: d, "licit_share": s}
        base = avoided_production_adjusted(1000.0, "pe-gov-2022", **kwargs).central
        for name, value in ((deduction, d), ("licit_share", s)):
            changed = dict(kwargs, **{name: min(1.0, value + 0.1)})
            assert avoided_production_adjusted(1000.0, "pe-gov-2022", **changed).central <= base


def test_adjusted_follows_its_equation() -> None:
    # calendar year: harvests already taken, no replanting (it yields nothing by 31 Dec)
    estimate = avoided_production_adjusted(
        22_885, "pe-gov-2022", yield_kg_per_ha=2300, harvested_share=0.25, licit_share=0.1
    )
    expected = 22_885 * 2300 * (1 - 0.25) * (1 - 0.1) / 258.6 / 1000
    assert_allclose(estimate.central, expected, rtol=1e-14)
    assert estimate.low == estimate.central == estimate.high
    # twelve months: no harvest taken yet (h = 0), replanting deducted
    twelve = avoided_production_adjusted(
        22_885,
        "pe-gov-2022",
        horizon="twelve_months",
        yield_kg_per_ha=2300,
        replanting_share=0.3,
        licit_share=0.1,
    )
    assert_allclose(twelve.central, 22_885 * 2300 * (1 - 0.3) * (1 - 0.1) / 258.6 / 1000)


def test_each_horizon_refuses_the_deduction_that_does_not_belong_to_it() -> None:
    with pytest.raises(ValidationError, match="replanting_share: does not apply on the calendar"):
        avoided_production_adjusted(1000.0, "pe-gov-2022", replanting_share=0.3)
    for name, value in (
        ("harvested_share", 0.5),
        ("eradication_date", dt.date(2017, 5, 3)),
    ):
        with pytest.raises(ValidationError, match=f"{name}: does not apply on the twelve-month"):
            avoided_production_adjusted(
                1000.0, "pe-gov-2022", horizon="twelve_months", **{name: value}
            )
    with pytest.raises(UnknownNameError, match="horizon"):
        avoided_production_adjusted(1000.0, "pe-gov-2022", horizon="fiscal_year")


def test_adjusted_defaults_and_their_ranges() -> None:
    # Defaults: yield 1,419 (derived from UNODC 2014: 100,840 t, 42,900 ha, VRAEM > 3.5 t/ha
    # with two thirds of the leaf) up to the national 2,415 (F5); harvested share 0.5 within
    # [1/3, 2/3] (3-5 harvests, F11); replanting 31.6-45.63 % (F18); licit share 0 up to
    # the pro-rata 10.28 % (F13); ratio 258.6 (F3).
    other = (100_840 / 3) / (42_900 - 2 / 3 * 100_840 / 3.5) * 1000
    licit = (10_728 + 163) / 105_960
    estimate = avoided_production_adjusted(1000.0, "pe-gov-2022")

    def c(y: float, keep: float, s: float) -> float:
        return 1000.0 * y * keep * (1 - s) / 258.6 / 1000

    assert_allclose(estimate.central, c(other, 0.5, 0.0), rtol=1e-3)
    assert_allclose(estimate.low, c(other, 1 / 3, licit), rtol=1e-3)
    assert_allclose(estimate.high, c(2415, 2 / 3, 0.0), rtol=1e-4)
    names = {a.name: a for a in estimate.provenance.assumptions}
    assert set(names) == {"yield_kg_per_ha", "leaf_per_hcl", "harvested_share", "licit_share"}
    assert "mid-year" in names["harvested_share"].source
    assert (names["licit_share"].value, names["licit_share"].low) == (0.0, 0.0)
    assert names["licit_share"].high == pytest.approx(licit, abs=1e-5)
    twelve = avoided_production_adjusted(1000.0, "pe-gov-2022", horizon="twelve_months")
    assert_allclose(twelve.central, c(other, 1 - (0.316 + 0.4563) / 2, 0.0), rtol=1e-3)
    assert_allclose(twelve.low, c(other, 1 - 0.4563, licit), rtol=1e-3)
    names = {a.name: a for a in twelve.provenance.assumptions}
    assert names["replanting_share"].low == 0.316
    assert "harvested_share" not in names


def test_adjusted_cites_the_sources_of_the_values_it_used() -> None:
    publishers = {
        c.publisher for c in avoided_production_adjusted(1000.0, "pe-gov-2022").provenance.citations
    }
    # yield: UNODC press (other zones) up to the national yield (UNODC/DEVIDA, MININTER);
    # ratio: Diario Correo; replanting: Inforegión, Caretas; licit: UNODC/DEVIDA, press.
    assert {"UNODC", "UNODC and DEVIDA", "Diario Correo"} <= publishers
    twelve = avoided_production_adjusted(1000.0, "pe-gov-2022", horizon="twelve_months")
    assert {"Inforegión", "Caretas"} <= {c.publisher for c in twelve.provenance.citations}
    assert any("MININTER" in p for p in publishers)
    own_yield = avoided_production_adjusted(1000.0, "pe-gov-2022", yield_kg_per_ha=2300.0)
    assert not any("MININTER" in c.publisher for c in own_yield.provenance.citations)


def test_adjusted_with_the_flat_only_set_scales_the_flat_factor() -> None:
    estimate = avoided_production_adjusted(
        22_165, "pe-gov-2017", harvested_share=0.5, licit_share=0.0
    )
    assert_allclose(estimate.central, 22_165 * 9.24 / 1000 / 2, rtol=1e-14)


def test_zone_arrays_with_zone_axis_give_the_zone_total() -> None:
    # VRAEM 3,600 and other zones 2,300 kg/ha (F10).
    kwargs: dict[str, Any] = {"harvested_share": 0.5, "licit_share": 0.0}
    zones = avoided_production_adjusted(
        [100.0, 900.0], "pe-gov-2022", yield_kg_per_ha=[3600.0, 2300.0], **kwargs
    )
    total = avoided_production_adjusted(
        [100.0, 900.0], "pe-gov-2022", yield_kg_per_ha=[3600.0, 2300.0], zone_axis=0, **kwargs
    )
    assert_allclose(total.central, (100 * 3600 + 900 * 2300) * 0.5 / 258.6 / 1000)
    assert_allclose(total.central, zones.central.sum())


def test_harvested_share_from_dates() -> None:
    share = harvested_share_at(dt.date(2017, 1, 1))
    assert (share.central, share.low, share.high) == (0.0, 0.0, 0.0)
    mid = harvested_share_at(dt.date(2016, 7, 2))  # 2016 is a leap year: day 183 of 366
    assert mid.central == 0.5
    assert (mid.low, mid.high) == (1 / 3, 2 / 3)
    many = harvested_share_at([dt.date(2017, 1, 1), dt.date(2017, 12, 31)])
    assert_allclose(many.central, [0.0, 364 / 365])
    # 364/365 of the year: at least 2 of 3, 3 of 4, 4 of 5 harvests taken.
    assert_allclose(many.low, [0.0, 2 / 3])
    assert_allclose(many.high, [0.0, 1.0])


@given(day=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_harvested_share_range_holds_the_year_fraction_within_one_harvest(day: dt.date) -> None:
    share = harvested_share_at(day)
    start = dt.date(day.year, 1, 1)
    fraction = (day - start).days / (dt.date(day.year + 1, 1, 1) - start).days
    assert share.central == pytest.approx(fraction, abs=1e-15)
    assert share.low <= share.central <= share.high
    # With at least 3 harvests a year, one harvest is at most a third of the year.
    assert fraction - 1 / 3 - 1e-12 <= share.low
    assert share.high <= fraction + 1 / 3 + 1e-12


def test_eradication_date_sets_the_harvested_share() -> None:
    by_date = avoided_production_adjusted(
        1000.0, "pe-gov-2022", eradication_date=dt.date(2016, 7, 2)
    )
    by_share = avoided_production_adjusted(
        1000.0, "pe-gov-2022", harvested_share=Uncertain(0.5, 1 / 3, 2 / 3)
    )
    assert by_date.central == by_share.central
    assert by_date.low == by_share.low
    dates = np.array(["2017-01-01", "2017-12-31"], dtype="datetime64[D]")
    per_region = avoided_production_adjusted(
        [1000.0, 1000.0], "pe-gov-2022", eradication_date=dates, date_kind="event"
    )
    assert per_region.central[0] > per_region.central[1]


def test_an_annual_record_dated_at_its_end_is_refused_without_its_period() -> None:
    # Issue 13: one annual record dated 2017-12-31 gave 0.3 t, dated 2017-01-01 112.8 t.
    for day in (dt.date(2017, 12, 31), dt.date(2017, 1, 1)):
        with pytest.raises(ValidationError, match="eradication_date: every date is the first"):
            avoided_production_adjusted(22_885.0, "pe-gov-2022", eradication_date=day)


def test_a_period_record_spans_its_period_instead_of_collapsing() -> None:
    year = avoided_production_adjusted(
        22_885.0,
        "pe-gov-2022",
        eradication_date=dt.date(2017, 12, 31),
        period_start=dt.date(2017, 1, 1),
    )
    undated = avoided_production_adjusted(22_885.0, "pe-gov-2022")
    assert year.central == pytest.approx(undated.central)  # mean timing: mid-year
    flat = avoided_production_adjusted(22_885.0, "pe-gov-2022", harvested_share=0.0)
    assert year.low == 0.0  # all the year's harvests may have been taken
    assert year.high == pytest.approx(flat.high)  # or none: the range spans the period
    share = harvested_share_at(dt.date(2017, 3, 31), period_start=dt.date(2017, 1, 1))
    assert share.central == pytest.approx(90 / 365 / 2)
    assert (share.low, share.high) == (0.0, 0.4)  # ceil(5 x 90/365) / 5
    event = avoided_production_adjusted(
        1000.0, "pe-gov-2022", eradication_date=dt.date(2017, 12, 31), date_kind="event"
    )
    assert event.central < 0.01 * undated.central / 22.885  # an event on 31 December


def test_a_period_must_lie_within_one_calendar_year_and_start_before_it_ends() -> None:
    with pytest.raises(ValidationError, match="period_start: a period must lie within one"):
        harvested_share_at(dt.date(2018, 3, 31), period_start=dt.date(2017, 10, 1))
    with pytest.raises(ValidationError, match="period_start: must be on or before"):
        harvested_share_at(dt.date(2017, 3, 31), period_start=dt.date(2017, 4, 1))
    with pytest.raises(ValidationError, match="period_start: needs eradication_date"):
        avoided_production_adjusted(1.0, "pe-gov-2022", period_start=dt.date(2017, 4, 1))


def test_the_harvest_phase_is_one_common_draw_so_records_do_not_average_out() -> None:
    # 200 records spread over the year: with one harvest phase per draw the total keeps the
    # phase uncertainty; independent draws per record would average it away.
    days = np.arange("2017-01-02", "2017-12-30", 2, dtype="datetime64[D]")[:150]
    area = np.full(days.shape, 10.0)
    common = avoided_production_adjusted(
        area,
        "pe-gov-2022",
        eradication_date=days,
        zone_axis=0,
        licit_share=0.0,
        yield_kg_per_ha=2000.0,
        draws=4000,
        seed=7,
        percentiles=(5.0, 95.0),
    )
    share = harvested_share_at(days)
    independent = avoided_production_adjusted(
        area,
        "pe-gov-2022",
        harvested_share=share,
        zone_axis=0,
        licit_share=0.0,
        yield_kg_per_ha=2000.0,
        draws=4000,
        seed=7,
        percentiles=(5.0, 95.0),
    )
    assert common.percentiles is not None
    assert independent.percentiles is not None
    spread = common.percentiles[95.0] - common.percentiles[5.0]
    narrow = independent.percentiles[95.0] - independent.percentiles[5.0]
    assert spread > 3 * narrow
    assert common.mean == pytest.approx(common.central, rel=0.02)  # expected share: t


def test_to_dict_gives_the_per_record_harvested_share_as_what_it_is() -> None:
    days = np.array(["2017-02-10", "2017-09-20"], dtype="datetime64[D]")
    estimate = avoided_production_adjusted([100.0, 300.0], "pe-gov-2022", eradication_date=days)
    [share] = [
        a for a in estimate.to_dict()["provenance"]["assumptions"] if a["name"] == "harvested_share"
    ]
    assert share["per_record"] is True
    assert share["records"] == 2
    fractions = np.array([40 / 365, 262 / 365])
    assert share["value"] == pytest.approx(float(np.average(fractions, weights=[100, 300])))
    assert share["value"] is not None
    assert 0 < share["low"] < share["value"] < share["high"] < 1


BAD: list[tuple[dict[str, Any], str]] = [
    ({"area_ha": -1.0}, r"area_ha: must be >= 0"),
    ({"area_ha": [1.0, -2.0]}, r"area_ha\[1\]: must be >= 0"),
    ({"area_ha": float("nan")}, r"area_ha: must be finite"),
    ({"area_ha": [1.0, float("nan")]}, r"area_ha\[1\]: must be finite"),
    ({"area_ha": float("inf")}, r"area_ha: must be finite"),
    ({"area_ha": True}, r"area_ha: must be a real number"),
    ({"area_ha": "100"}, r"area_ha: must be a real number"),
    ({"area_ha": ["1", "2"]}, r"area_ha: must hold real numbers"),
    ({"yield_kg_per_ha": -1.0}, r"yield_kg_per_ha: must be >= 0"),
    ({"yield_kg_per_ha": float("nan")}, r"yield_kg_per_ha: must be finite"),
    ({"harvested_share": 1.5}, r"harvested_share: must be within \[0, 1\]"),
    (
        {"replanting_share": -0.1, "horizon": "twelve_months"},
        r"replanting_share: must be within \[0, 1\]",
    ),
    ({"licit_share": [0.1, 2.0]}, r"licit_share\[1\]: must be within \[0, 1\]"),
    ({"licit_share": Uncertain(0.1, 0.2, 0.3)}, r"licit_share.low: must be <= central"),
    ({"licit_share": Uncertain(0.1, 0.0, 1.3)}, r"licit_share.high: must be within"),
    (
        {"harvested_share": 0.5, "eradication_date": dt.date(2017, 1, 1)},
        "harvested_share: give harvested_share or eradication_date",
    ),
    ({"eradication_date": dt.datetime(2017, 1, 1)}, "eradication_date: must be a datetime.date"),
    ({"eradication_date": "2017-01-01"}, "eradication_date: must be a datetime.date"),
    ({"factors": "pe-gov-1999"}, "factors: must be one of"),
    ({"factors": "pe-unodc-2008"}, "factors: must be a set of method family flat_per_hectare"),
    ({"factors": 9.24}, "factors: must be a FactorSet or an id"),
    ({"adjustments": "pe-gov-2022"}, "factors: must be a set of method family adjustments"),
    ({"draws": 100}, "seed: is required when draws is given"),
    ({"seed": 1}, "seed: has no effect without draws"),
    ({"zone_axis": 0}, "zone_axis: must be an axis"),
]


@pytest.mark.parametrize(("changes", "message"), BAD)
def test_bad_input_raises_naming_the_parameter(changes: dict[str, Any], message: str) -> None:
    kwargs: dict[str, Any] = {"area_ha": 1000.0, "factors": "pe-gov-2022"}
    kwargs.update(changes)
    with pytest.raises(ValidationError, match=message):
        avoided_production_adjusted(**kwargs)


def test_zone_yield_cannot_be_applied_to_a_flat_only_set() -> None:
    with pytest.raises(ValidationError, match="yield_kg_per_ha: pe-gov-2017 has a flat factor"):
        avoided_production_adjusted(1000.0, "pe-gov-2017", yield_kg_per_ha=2300)


def test_unknown_factor_set_is_an_unknown_name_error() -> None:
    with pytest.raises(UnknownNameError, match="pe-gov-2017"):
        avoided_production(1.0, "pe-gov-1999")


@pytest.mark.parametrize("area", [-1.0, float("nan"), [3.0, -0.5]])
def test_flat_method_refuses_bad_area(area: Any) -> None:
    with pytest.raises(ValidationError, match="area_ha"):
        avoided_production(area, "pe-gov-2017")

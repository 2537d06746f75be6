"""narcometrics.plot draws the data it is given: checked in the artists, not in pixels.

Line data (with NaN gaps where nothing was published), bar heights, error-bar extents and
the texts are compared with the results they come from and with the published series
(UNODC/DEVIDA fact sheets, via the bundled Peru series).
"""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.patches import Rectangle

from narcometrics import (
    Seizure,
    SeizureTable,
    ValidationError,
    estimate,
    indicators,
    plot,
    training,
)
from narcometrics._display import fmt_sig
from narcometrics.aggregate import total
from narcometrics.datasets import national_series, peru_2017_example


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _texts(ax: Axes) -> str:
    return "\n".join(t.get_text() for t in ax.texts)


def _bars(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_importing_narcometrics_does_not_import_matplotlib() -> None:
    code = (
        "import sys, narcometrics, narcometrics.datasets, narcometrics.estimate;"
        "narcometrics.datasets.peru_2017_example();"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# ------------------------------------------------------------------ national series


def test_national_series_draws_gaps_as_nan_never_zero() -> None:
    series = national_series("PER")
    ax = plot.national_series(series)
    net, eradicated = ax.get_lines()
    years = net.get_xdata()
    assert years.tolist() == list(range(2001, 2025))  # every calendar year has a slot
    net_y = np.asarray(net.get_ydata(), dtype=float)
    erad_y = np.asarray(eradicated.get_ydata(), dtype=float)
    # A year without a published figure is a gap (NaN), never 0: eradication 2006-2008.
    published = series.eradicated_ha[np.isin(series.year, years)]
    assert np.isnan(erad_y[5:8]).all()
    assert np.array_equal(np.isnan(erad_y), np.isnan(np.asarray(published, dtype=float)))
    # 2021 and 2023 have no published eradication (empty cells): gaps, not zeros.
    assert np.isnan(erad_y[years.tolist().index(2021)])
    assert np.isnan(erad_y[years.tolist().index(2023)])
    assert not (erad_y == 0).any()
    # Published values (UNODC/DEVIDA fact sheet 2015; PNP-DIRANDRO 2017 year-end balance).
    assert erad_y[years.tolist().index(2015)] == 35_868
    assert erad_y[years.tolist().index(2017)] == 22_885
    assert net_y[years.tolist().index(2004)] == 50_300
    assert np.count_nonzero(np.isfinite(net_y)) == len(series)


def test_national_series_names_every_source_in_the_caption() -> None:
    series = national_series("PER")
    ax = plot.national_series(series)
    caption = " ".join(_texts(ax).split())
    assert caption.startswith("Sources:")
    for source in set(series.source.tolist()):
        for part in source.split(";"):
            assert " ".join(part.split()) in caption
    assert "2004-2005: UNODC/DEVIDA Peru coca monitoring fact sheet 2005" in caption
    assert "Gaps" in caption


def test_national_series_takes_any_object_with_year_values_and_source() -> None:
    series = SimpleNamespace(
        title="Two years",
        year=np.array([2001, 2003]),
        area_ha=np.array([5.0, math.nan]),
        source=np.array(["A", "B"]),
    )
    ax = plot.national_series(series, ["area_ha"])
    (line,) = ax.get_lines()
    assert line.get_xdata().tolist() == [2001, 2002, 2003]
    ydata = np.asarray(line.get_ydata(), dtype=float)
    assert ydata[0] == 5.0
    assert np.isnan(ydata[1:]).all()
    assert "2001: A" in _texts(ax)
    assert ax.get_ylabel() == "[ha]"


def test_national_series_refuses_mixed_units_and_unknown_columns() -> None:
    series = national_series("PER")
    with pytest.raises(ValidationError, match="mix units"):
        plot.national_series(series, ["net_area_ha", "sun_dried_leaf_t"])
    with pytest.raises(ValidationError, match="not a column"):
        plot.national_series(series, ["nope_ha"])


def test_every_plot_draws_on_the_axes_it_is_given() -> None:
    fig, ax = plt.subplots()
    assert plot.national_series(national_series("PER"), ax=ax) is ax
    with pytest.raises(TypeError, match="Axes"):
        plot.national_series(national_series("PER"), ax=fig)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- totals


def test_totals_bars_are_the_totals() -> None:
    example = peru_2017_example()
    result = total(example.seizures, "mass_kg", by=("year", "substance"))
    ax = plot.totals(result)
    bars = _bars(ax)
    heights = sorted(b.get_height() for b in bars if math.isfinite(b.get_height()))
    assert heights == sorted(result.to_dict().values())
    assert ax.get_ylabel() == "mass [kg]"
    legend = ax.get_legend()
    assert legend is not None
    assert {t.get_text() for t in legend.get_texts()} == {k[1] for k in result.to_dict()}


def test_a_group_absent_from_the_totals_draws_no_bar_never_a_zero_bar() -> None:
    def seizure(year: int, substance: str, mass: float) -> Seizure:
        return Seizure(date=dt.date(year, 3, 1), country="PER", substance=substance, mass_kg=mass)

    table = SeizureTable.from_records(
        [seizure(2017, "crack", 2.5), seizure(2017, "cannabis", 4.0), seizure(2018, "crack", 1.25)]
    )  # no cannabis in 2018: no bar there
    ax = plot.totals(total(table, "mass_kg", by=("year", "substance")))
    heights = [b.get_height() for b in _bars(ax)]
    assert sorted(h for h in heights if math.isfinite(h)) == [1.25, 2.5, 4.0]
    assert sum(math.isnan(h) for h in heights) == 1  # cannabis in Q3
    assert 0.0 not in heights


def test_totals_by_one_field_and_refusals() -> None:
    example = peru_2017_example()
    result = total(example.eradications, "area_ha", by="region")
    ax = plot.totals(result)
    assert sorted(b.get_height() for b in _bars(ax)) == sorted(result.to_dict().values())
    assert "22,165" in ax.get_title()  # the published 2017 eradication (FIIAPP 2018)
    with pytest.raises(ValidationError, match="one or two"):
        plot.totals(total(example.eradications, "area_ha"))


# -------------------------------------------------------------------------- estimates


@pytest.fixture(scope="module")
def two_estimates() -> dict[str, Any]:
    example = peru_2017_example()
    return {
        "up to": estimate.avoided_production(22_165, "pe-gov-2017"),
        "adjusted": estimate.avoided_production_adjusted(
            example.eradications.area_ha,
            "pe-gov-2017",
            eradication_date=example.eradications.date,
            zone_axis=0,
        ),
    }


def test_estimates_draw_central_bars_and_their_ranges(two_estimates: dict[str, Any]) -> None:
    ax = plot.estimates(two_estimates)
    bars = _bars(ax)
    assert [b.get_height() for b in bars] == [e.central for e in two_estimates.values()]
    (errorbar,) = [c for c in ax.containers if hasattr(c, "has_yerr")]
    segments = errorbar.lines[2][0].get_segments()
    for segment, est in zip(segments, two_estimates.values(), strict=True):
        assert segment[:, 1].tolist() == pytest.approx([est.low, est.high], rel=1e-12)
    text = _texts(ax)
    assert "204.8 t" in text  # the published "up to 204.8 tonnes" (FIIAPP 2018)
    adjusted = two_estimates["adjusted"]
    assert f"({fmt_sig(adjusted.low)} to {fmt_sig(adjusted.high)})" in text  # 4 significant
    assert [t.get_text() for t in ax.get_xticklabels()] == ["up to", "adjusted"]


def test_estimates_refuse_arrays_and_mixed_units(two_estimates: dict[str, Any]) -> None:
    array = estimate.avoided_production(np.array([1.0, 2.0]), "pe-gov-2017")
    with pytest.raises(ValidationError, match="scalar"):
        plot.estimates([array])
    with pytest.raises(ValidationError, match="no estimate"):
        plot.estimates([])
    with pytest.raises(TypeError):
        plot.estimates([1.0])  # type: ignore[list-item]


# --------------------------------------------------------------------------- progress


def test_progress_bars_band_and_status_text() -> None:
    items = {
        "OUT-1": indicators.progress(111.0, 0.0, 100.0, ascending=True),
        "OUT-3": indicators.progress(324.0, 100.0, 500.0, ascending=True, expected=0.75),
        "OC-2": indicators.progress(60.0, 40.0, 80.0, ascending=True, expected=0.5, band=0.2),
        "undefined": indicators.progress(math.nan, 40.0, 80.0, ascending=True),
    }
    ax = plot.progress(items)
    widths = [b.get_width() for b in _bars(ax)]
    expected = [p.progress for p in items.values()]
    assert widths[:3] == pytest.approx(expected[:3])
    assert math.isnan(widths[3])
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    spans = [
        (float(b.get_paths()[0].vertices[:, 0].min()), float(b.get_paths()[0].vertices[:, 0].max()))
        for b in bands
    ]
    assert spans[2] == pytest.approx((0.3, 0.5))  # expected 0.5, band 0.2
    text = _texts(ax)
    assert "111% achieved" in text
    assert "56% off track" in text
    assert "50% on track" in text
    assert "undefined" in text
    marks = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert [float(m.get_segments()[0][0, 0]) for m in marks] == [1.0, 0.75, 0.5, 1.0]


# ---------------------------------------------------------------------- transfer rate


def test_transfer_rate_draws_each_share_with_its_interval() -> None:
    example = peru_2017_example()
    rates = training.transfer_rate(example.training, by="institution")
    ax = plot.transfer_rate(rates)
    (errorbar,) = ax.containers
    points = errorbar.lines[0]
    assert points.get_xdata().tolist() == [r.share for r in rates.values()]
    segments = errorbar.lines[2][0].get_segments()
    for segment, rate in zip(segments, rates.values(), strict=True):
        assert segment[:, 0].tolist() == pytest.approx([rate.low, rate.high], rel=1e-12)
    text = _texts(ax)
    for rate in rates.values():
        assert f"{rate.k} of {rate.n} followed up" in text
    assert [t.get_text() for t in ax.get_yticklabels()] == [k[0] for k in rates]


def test_transfer_rate_of_a_group_nobody_followed_up_draws_no_point() -> None:
    empty = training.TransferRate(
        group=("X",),
        by=("institution",),
        k=0,
        n=0,
        share=math.nan,
        low=math.nan,
        high=math.nan,
        confidence=0.95,
        method="wilson",
        trained=12,
        unique_people=None,
        follow_up_rate=0.0,
        verification=None,
        n_independent=0,
        records=1,
    )
    ax = plot.transfer_rate([empty])
    assert np.isnan(ax.containers[0].lines[0].get_xdata()).all()
    assert "nobody followed up (12 trained)" in _texts(ax)


def test_a_missing_category_is_labelled_not_recorded_and_a_huge_progress_draws_no_bar() -> None:
    table = SeizureTable.from_records(
        [
            Seizure(date=dt.date(2017, 1, 1), country="PER", substance="crack", mass_kg=2.0),
            Seizure(
                date=dt.date(2017, 2, 1),
                country="PER",
                substance="crack",
                mass_kg=3.0,
                region="Ñuñoa",
            ),
        ]
    )
    ax = plot.totals(total(table, "mass_kg", by="region"))
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["Ñuñoa", "not recorded"]
    assert [b.get_height() for b in _bars(ax)] == [3.0, 2.0]

    huge = indicators.progress(1.0, 0.0, 5e-324, ascending=True)
    ax = plot.progress({"tiny span": huge})
    assert huge.status == "achieved"
    assert all(math.isnan(b.get_width()) for b in _bars(ax))
    assert "achieved" in _texts(ax)


def test_totals_by_year_and_quarter_put_each_quarter_of_each_year_on_the_axis() -> None:
    table = SeizureTable.from_records(
        [
            Seizure(date=dt.date(2017, 2, 1), country="PER", substance="crack", mass_kg=1.0),
            Seizure(date=dt.date(2018, 2, 1), country="PER", substance="crack", mass_kg=2.0),
            Seizure(date=dt.date(2018, 8, 1), country="PER", substance="cannabis", mass_kg=4.0),
        ]
    )
    ax = plot.totals(total(table, "mass_kg", by=("year", "quarter", "substance")))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2017-Q1", "2018-Q1", "2018-Q3"]
    heights = sorted(b.get_height() for b in _bars(ax) if math.isfinite(b.get_height()))
    assert heights == [1.0, 2.0, 4.0]  # the first quarters of 2017 and 2018 are not pooled

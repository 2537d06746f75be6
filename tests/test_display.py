"""Notebook display: every public result type has a short repr and valid, escaped HTML.

The HTML is parsed strictly (every tag known, closed and properly nested, nothing left
unparsed) and must hold the result's key numbers; the numbers shown are rounded for display
only, to the precision they deserve (a sum at the precision of its terms, checked against an
exact decimal sum of the source file).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import sys
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser
from importlib import resources
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import (
    Seizure,
    SeizureTable,
    TrainingTable,
    estimate,
    factors,
    indicators,
    rates,
    training,
)
from narcometrics._display import ABSENT, fmt, fmt_sig, fmt_sum
from narcometrics.aggregate import best_ever, total
from narcometrics.datasets import national_series, peru_2017_example
from narcometrics.testing import strategies

ALLOWED = {
    "div",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "details",
    "summary",
    "p",
    "strong",
    "small",
}


class _Strict(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.errors.append(f"unexpected tag <{tag}>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def parse(markup: str) -> str:
    """The text of ``markup``, after checking that its tags balance and nest."""
    assert isinstance(markup, str)
    parser = _Strict()
    parser.feed(markup)
    parser.close()
    assert not parser.errors, parser.errors
    assert not parser.stack, f"unclosed: {parser.stack}"
    assert not parser.rawdata, f"unparsed: {parser.rawdata[:80]!r}"
    return " ".join(parser.chunks)


def test_the_strict_parser_refuses_broken_html() -> None:
    for broken in ("<table><tr><td>1</tr></table>", "<div>", "<p>a</div>", "<script>x</script>"):
        with pytest.raises(AssertionError):
            parse(broken)
    assert parse("<div><p>a &lt; b</p></div>") == "a < b"


# ----------------------------------------------------------------------- the objects


@pytest.fixture(scope="module")
def example() -> Any:
    return peru_2017_example()


@pytest.fixture(scope="module")
def framework(example: Any) -> indicators.ResultsFramework:
    return indicators.derive_framework(
        operations=example.operations,
        eradications=example.eradications,
        seizures=example.seizures,
        training=example.training,
        factors="pe-gov-2017",
    )


def _objects(example: Any, framework: indicators.ResultsFramework) -> dict[str, Any]:
    up_to = estimate.avoided_production(22_165, "pe-gov-2017")
    adjusted = estimate.avoided_production_adjusted(
        example.eradications.area_ha,
        "pe-gov-2017",
        eradication_date=example.eradications.date,
        zone_axis=0,
    )
    pre, post = [10.0, 12.0, 9.0, 14.0, 11.0], [15.0, 16.0, 12.0, 18.0, 13.0]
    indicator = indicators.Indicator(
        code="OUT-3",
        title="Drug laboratories destroyed",
        level="output",
        measure="unit",
        unit="laboratories",
        ascending=True,
        time_rule="sum",
        unit_rule="sum",
    )
    actuals = [indicators.Actual(period=2017, value=324.0)]
    trained = indicators.Indicator(
        code="OUT-6",
        title="People trained",
        level="output",
        measure="unit",
        unit="people",
        ascending=True,
        time_rule="sum",
        unit_rule="sum",
        dimensions=("sex",),
    )
    by_sex = [
        indicators.Actual(period=2017, value=132.0),
        indicators.Actual(period=2017, value=70.0, dimensions={"sex": "female"}),
        indicators.Actual(period=2017, value=60.0, dimensions={"sex": "male"}),
    ]
    series = national_series("PER")
    return {
        "SeizureTable": example.seizures,
        "OperationTable": example.operations,
        "EradicationTable": example.eradications,
        "TrainingTable": example.training,
        "Totals": total(example.seizures, "mass_kg", by=("year", "substance")),
        "Estimate": up_to,
        "Estimate (adjusted)": adjusted,
        "Estimate (array)": estimate.avoided_production(np.array([100.0, 2_000.0]), "pe-gov-2017"),
        "Provenance": adjusted.provenance,
        "GainResult": training.learning_gain(pre, post, 20.0, participants=6),
        "EffectSize": training.paired_effect_size(pre, post),
        "ScorePairs": training.pooled_scores(example.training),
        "TransferRate": training.transfer_rate(example.training),
        "TrainingSummary": training.training_summary(example.training),
        "Indicator": indicator,
        "IndicatorValues": framework["OUT-5"],
        "ResultsFramework": framework,
        "Aggregate": indicators.combine(indicator, actuals),
        "Progress": indicators.progress(90.0, 50.0, 100.0, ascending=True, band=0.25),
        "Change": indicators.change_over_time(indicator, 324.0, 300.0),
        "DisaggregationReport": indicators.check_disaggregation(trained, by_sex),
        "FactorSet": factors.get("pe-gov-2022"),
        "NationalSeries": series,
        "ExampleData": example,
        "Money": rates.Money(amount=32_000_000, currency="EUR", price_year=2017),
        "CostPerResult": rates.cost_per_result(
            rates.Money(amount=32_000_000, currency="EUR", price_year=2017),
            324,
            outcome_unit="laboratory destroyed",
        ),
        "BestEver": best_ever(series.year, series.eradicated_ha),
        "DaskEstimate": _dask_estimate(),
    }


def _dask_estimate() -> Any:
    da = pytest.importorskip("dask.array")
    from narcometrics.dask import estimate_map

    areas = da.from_array(np.array([100.0, 2_000.0, 22_165.0]), chunks=2)
    return estimate_map(estimate.avoided_production, areas, "pe-gov-2017")


NAMES = [
    "SeizureTable",
    "OperationTable",
    "EradicationTable",
    "TrainingTable",
    "Totals",
    "Estimate",
    "Estimate (adjusted)",
    "Estimate (array)",
    "Provenance",
    "GainResult",
    "EffectSize",
    "ScorePairs",
    "TransferRate",
    "TrainingSummary",
    "Indicator",
    "IndicatorValues",
    "ResultsFramework",
    "Aggregate",
    "Progress",
    "Change",
    "DisaggregationReport",
    "FactorSet",
    "NationalSeries",
    "ExampleData",
    "Money",
    "CostPerResult",
    "BestEver",
    "DaskEstimate",
]


@pytest.fixture(scope="module")
def objects(example: Any, framework: indicators.ResultsFramework) -> dict[str, Any]:
    return _objects(example, framework)


@pytest.mark.parametrize("name", NAMES)
def test_every_result_type_has_valid_html_and_a_short_repr(
    objects: dict[str, Any], name: str
) -> None:
    obj = objects[name]
    text = parse(obj._repr_html_())
    assert type(obj).__name__ in text
    shown = repr(obj)
    lines = shown.splitlines()
    assert lines[0].startswith(type(obj).__name__ + "(")
    assert len(lines) <= 8, shown
    assert all(len(line) <= 200 for line in lines), shown
    assert len(shown) <= 1_000


def test_every_public_class_with_to_dict_or_to_frame_has_html() -> None:
    import importlib
    import inspect

    exempt = {"Assumption"}  # shown inside Provenance
    missing = []
    modules = ("aggregate", "estimate", "training", "indicators", "rates", "datasets", "dask")
    for module in modules:
        mod = importlib.import_module(f"narcometrics.{module}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if not inspect.isclass(obj) or name in exempt:
                continue
            if any(hasattr(obj, a) for a in ("to_dict", "to_frame", "compute")) and not hasattr(
                obj, "_repr_html_"
            ):
                missing.append(f"{module}.{name}")
    assert not missing


# ------------------------------------------------------------------- key numbers shown


def test_a_table_repr_shows_its_columns_and_first_rows(example: Any) -> None:
    seizures = example.seizures
    shown = repr(seizures)
    first = seizures[0]
    assert "rows=300" in shown
    assert "columns=9" in shown
    assert shown.splitlines()[1].split()[:3] == ["date", "country", "substance"]
    assert first.date.isoformat() in shown.splitlines()[2]
    assert first.id in shown
    assert "first 5 of 300 rows" in shown
    html_text = parse(seizures._repr_html_())
    assert all(name in html_text for name in seizures.columns)


def test_head_and_columns_work_like_a_dataframe(example: Any) -> None:
    seizures = example.seizures
    assert seizures.columns == seizures.field_names()
    assert seizures.columns[:4] == ("date", "country", "substance", "mass_kg")
    head = seizures.head(3)
    assert type(head) is type(seizures)
    assert head.to_records() == seizures.to_records()[:3]
    assert len(seizures.head()) == 5
    assert len(seizures.head(10_000)) == len(seizures)
    assert len(seizures.head(0)) == 0
    with pytest.raises(TypeError):
        seizures.head(2.5)  # type: ignore[arg-type]


def test_an_absent_value_shows_as_a_dash_never_zero(example: Any) -> None:
    seizures = example.seizures
    purity = [s.purity for s in seizures.head(5)]
    assert None in purity
    rows = repr(seizures).splitlines()[2:7]
    for line, value in zip(rows, purity, strict=True):
        assert (ABSENT in line) == (value is None)


def _decimal_sums() -> dict[str, Decimal]:
    folder = resources.files("narcometrics").joinpath("data", "examples", "peru-2017")
    sums: dict[str, Decimal] = defaultdict(Decimal)
    with folder.joinpath("seizures.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            sums[row["substance"]] += Decimal(row["mass_kg"])
    return sums


def test_totals_display_the_exact_decimal_sums_of_the_file_not_float_noise(
    objects: dict[str, Any],
) -> None:
    totals = objects["Totals"]
    exact = _decimal_sums()
    text = parse(totals._repr_html_())
    noisy = [v for v in totals.values if repr(float(v)) != repr(round(float(v), 2))]
    assert noisy, "the example should have a float-noise sum to test against"
    for (_, substance), value in totals.to_dict().items():
        expected = f"{exact[substance].normalize():,f}"
        assert expected in text, (substance, value, expected)
    grand = f"{sum(exact.values()).normalize():,f}"
    assert f"grand_total={grand}" in repr(totals)
    # The values themselves are untouched: the grand total is the exact sum of the rows,
    # rounded once (what math.fsum gives), whatever the display shows.
    assert totals.grand_total == math.fsum(peru_2017_example().seizures.mass_kg.tolist())


@given(
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=300),
    st.integers(min_value=0, max_value=3),
    st.sampled_from([1, -1]),
)
def test_a_sum_of_terms_of_one_sign_displays_as_the_exact_decimal_sum_of_its_terms(
    units: list[int], decimals: int, sign: int
) -> None:
    # Masses, hectares and counts are never negative: their totals never cancel.
    scale = 10**decimals
    terms = [sign * u / scale for u in units]
    exact = sum(sign * Decimal(u) / scale for u in units)
    # Totals are exact sums rounded once (issue 12), which math.fsum also gives.
    shown = fmt_sum(math.fsum(terms), len(terms))
    assert Decimal(shown.replace(",", "")) == exact


@given(
    st.lists(st.integers(min_value=-(10**9), max_value=10**9), min_size=1, max_size=300),
    st.integers(min_value=0, max_value=3),
)
def test_a_sum_of_any_terms_displays_its_float_value_within_the_sums_rounding_error(
    units: list[int], decimals: int
) -> None:
    # Terms of both signs may cancel: -99999999.9 + 99999919.5 is -80.4 in decimals but
    # -80.40000001... in floats (each term carries its own representation error). The
    # display then shows the float sum, never fewer digits than that error allows.
    terms = [u / 10**decimals for u in units]
    total = math.fsum(terms)
    shown = Decimal(fmt_sum(total, len(terms)).replace(",", ""))
    tolerance = 4 * len(terms) * sys.float_info.epsilon * abs(total)
    allowed = max(Decimal(tolerance), Decimal("5e-10") * abs(Decimal(total)))
    assert abs(shown - Decimal(total)) <= allowed


def test_numbers_display_at_their_precision() -> None:
    assert fmt_sum(238095.21999999997, 2) == "238,095.22"
    assert fmt_sum(22165.0) == "22,165"
    assert fmt_sum(math.nan) == "NaN"
    assert fmt_sum(None) == ABSENT
    assert fmt_sig(204.80460000000002) == "204.8"
    assert fmt_sig(0.012345) == "0.01235"
    assert fmt_sig(123_456.7) == "123,457"
    assert fmt(np.ma.masked) == ABSENT
    assert fmt(dt.date(2017, 2, 1)) == "2017-02-01"


def test_an_estimate_shows_central_range_unit_method_and_folded_citations(
    objects: dict[str, Any],
) -> None:
    adjusted = objects["Estimate (adjusted)"]
    markup = adjusted._repr_html_()
    text = parse(markup)
    for value in (adjusted.central, adjusted.low, adjusted.high):
        assert fmt_sig(value) in text
    assert adjusted.unit in text
    assert "avoided_production_adjusted" in text
    assert "pe-gov-2017" in text
    assert "<details><summary>Citations" in markup
    for citation in adjusted.provenance.citations:
        assert citation.publisher in text
    shown = repr(adjusted)
    assert shown == (
        f"Estimate(central={fmt_sig(adjusted.central)} t, range={fmt_sig(adjusted.low)} to "
        f"{fmt_sig(adjusted.high)} t, method=avoided_production_adjusted, "
        "factor_set=pe-gov-2017)"
    )
    # The issue measured 1,209 characters for an Estimate repr.
    assert len(shown) < 160


def test_a_results_framework_repr_is_short_and_its_html_lists_every_indicator(
    framework: indicators.ResultsFramework,
) -> None:
    assert len(repr(framework)) < 200  # the issue measured about 5,000
    text = parse(framework._repr_html_())
    for entry in framework:
        assert entry.code in text
        assert entry.indicator.title in text
    assert "111 organisations (2017)" in text
    assert "324 laboratories (2017)" in text
    assert "22,165 ha (2017)" in text


def test_a_transfer_rate_shows_k_of_n_and_its_interval(objects: dict[str, Any]) -> None:
    rate = objects["TransferRate"]
    text = parse(rate._repr_html_())
    assert f"{rate.k} of {rate.n}" in text
    assert f"{rate.low:.1%} to {rate.high:.1%}" in text
    assert f"{rate.share:.1%}" in repr(rate)


def test_a_national_series_shows_gaps_as_dashes_and_each_source(
    objects: dict[str, Any],
) -> None:
    series = objects["NationalSeries"]
    text = parse(series._repr_html_())
    assert np.isnan(series.eradicated_ha).any() or np.isnan(series.net_area_ha).any()
    for source in set(series.source.tolist()):
        assert source in text
    assert "35,868" in text  # eradication 2015 (UNODC/DEVIDA fact sheet 2015)


def test_every_value_from_the_data_is_escaped_in_html() -> None:
    nasty = '<script>alert("x")</script> & <b>Ñuñoa</b>'
    table = SeizureTable.from_records(
        [
            Seizure(
                date=dt.date(2017, 1, 1),
                country="PER",
                substance="crack",
                mass_kg=1.5,
                region=nasty,
                agency="A&B",
            )
        ]
    )
    for obj in (table, total(table, "mass_kg", by="region")):
        markup = obj._repr_html_()
        assert "<script>" not in markup
        assert "<b>" not in markup
        assert "&lt;script&gt;" in markup
        assert nasty in parse(markup)


def test_huge_and_non_ascii_values_keep_the_repr_short() -> None:
    long_region = "Región " + "á" * 5_000
    table = SeizureTable.from_records(
        [
            Seizure(
                date=dt.date(2017, 1, 1),
                country="PER",
                substance="crack",
                mass_kg=1e300,
                region=long_region,
            )
        ]
    )
    shown = repr(table)
    assert len(shown) < 1_000
    assert "Región" in shown
    assert long_region in parse(table._repr_html_())  # the HTML table holds it all
    assert "1e+300" in shown or "1,000" in shown


def test_a_lazy_estimate_displays_without_computing() -> None:
    dask = pytest.importorskip("dask")
    import dask.array as da

    from narcometrics.dask import estimate_map

    def never() -> Any:
        raise AssertionError("displaying a lazy estimate computed it")

    areas = da.from_delayed(dask.delayed(never)(), shape=(3,), dtype=float)
    lazy = estimate_map(estimate.avoided_production, areas, "pe-gov-2017")
    shown = repr(lazy)
    assert shown.startswith("DaskEstimate(values=lazy dask Array (3), unit=t")
    assert "pe-gov-2017" in parse(lazy._repr_html_())


@given(st.lists(strategies.training_outcomes(), min_size=0, max_size=6))
def test_any_table_repr_is_bounded_and_its_html_parses_and_holds_every_row_shown(
    outcomes: list[Any],
) -> None:
    # Ids dropped: repeated ids are refused, and records without ids never are.
    table = TrainingTable.from_records([attrs.evolve(o, id=None) for o in outcomes])
    shown = repr(table)
    lines = shown.splitlines()
    assert len(lines) <= 8
    assert all(len(line) <= 200 for line in lines)
    text = parse(table._repr_html_())
    for record in outcomes[:5]:
        assert record.date.isoformat() in text


@given(st.lists(strategies.seizures(), min_size=1, max_size=20))
def test_any_totals_html_parses_and_shows_each_group(seizures: list[Seizure]) -> None:
    table = SeizureTable.from_records([attrs.evolve(s, id=None) for s in seizures])
    result = total(table, "mass_kg", by=("year", "substance"))
    text = parse(result._repr_html_())
    for key, value, count in zip(result.keys(), result.values, result.counts, strict=True):
        year, substance = key
        assert f"{year:,}" in text
        assert str(substance) in text
        assert fmt_sum(float(value), int(count)) in text
    assert len(repr(result).splitlines()) == 1


def test_a_long_title_or_many_indicators_keep_a_framework_repr_to_one_short_line() -> None:
    def indicator(code: str) -> indicators.IndicatorValues:
        return indicators.IndicatorValues(
            indicator=indicators.Indicator(
                code=code,
                title="Línea\nnueva " * 50,
                level="output",
                measure="unit",
                unit="people",
                ascending=True,
                time_rule="sum",
                unit_rule="sum",
            )
        )

    framework = indicators.ResultsFramework(
        title="Programa\r\n" + "ñ" * 5_000, indicators=[indicator(f"OUT-{i}") for i in range(300)]
    )
    shown = repr(framework)
    assert "\n" not in shown
    assert len(shown) < 250
    text = parse(framework._repr_html_())
    assert "OUT-299" in text

"""Bundled datasets: published values as cited, synthetic example as generated."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from narcometrics import UnknownNameError
from narcometrics.datasets import national_series, peru_national_series

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_DIR = ROOT / "src" / "narcometrics" / "data" / "examples" / "peru-2017"

# (country, year, column, value) transcribed from the project's reference tables
# (reference/peru-series.csv, colombia-series.csv, bolivia-series.csv, compiled from UNODC
# coca monitoring surveys, their fact sheets and press releases, DEVIDA and police figures).
PUBLISHED = [
    ("PER", 2001, "net_area_ha", 46_200),
    ("PER", 2002, "eradicated_ha", 7_200),
    ("PER", 2003, "eradicated_ha", 11_312),
    ("PER", 2004, "net_area_ha", 50_300),
    ("PER", 2005, "eradicated_ha", 12_232),
    ("PER", 2006, "sun_dried_leaf_t", 114_100),
    ("PER", 2009, "sun_dried_leaf_t", 128_000),
    ("PER", 2011, "sun_dried_leaf_t", 131_295),
    ("PER", 2012, "eradicated_ha", 14_171),
    ("PER", 2013, "sun_dried_leaf_t", 121_242),
    ("PER", 2013, "national_yield_kg_per_ha", 2_316),
    ("PER", 2014, "sun_dried_leaf_t", 100_840),
    ("PER", 2015, "eradicated_ha", 35_868),
    ("PER", 2016, "national_yield_kg_per_ha", 2_415),
    ("PER", 2016, "sun_dried_leaf_t", 105_960),
    ("PER", 2017, "eradicated_ha", 22_885),
    ("PER", 2020, "eradicated_ha", 6_273),
    ("PER", 2021, "net_area_ha", 80_681),
    ("PER", 2022, "eradicated_ha", 21_628),
    ("PER", 2024, "net_area_ha", 89_755),
    ("PER", 2024, "eradicated_ha", 26_475),
    ("COL", 2000, "net_area_ha", 163_000),
    ("COL", 2004, "sprayed_ha", 136_550),
    ("COL", 2005, "eradicated_manual_ha", 31_285),
    ("COL", 2008, "eradicated_manual_ha", 96_115),
    ("COL", 2012, "sprayed_ha", 100_549),
    ("COL", 2015, "fresh_leaf_t", 454_000),
    ("COL", 2016, "cocaine_hcl_t", 866),
    ("COL", 2017, "cocaine_hcl_t", 1_379),
    ("COL", 2018, "fresh_leaf_t", 977_400),
    ("COL", 2018, "cocaine_hcl_t", 1_120),
    ("COL", 2019, "fresh_leaf_t", 993_107),
    ("COL", 2019, "cocaine_hcl_t", 1_137),
    ("COL", 2020, "fresh_leaf_t", 997_300),
    ("COL", 2020, "cocaine_hcl_t", 1_228),
    ("COL", 2020, "net_area_ha", 143_000),
    ("COL", 2024, "net_area_ha", 261_000),
    ("COL", 2024, "cocaine_hcl_t", 3_001),
    ("BOL", 2003, "sun_dried_leaf_t", 28_300),
    ("BOL", 2009, "eradicated_ha", 6_342),
    ("BOL", 2010, "sun_dried_leaf_t", 55_500),
    ("BOL", 2015, "eradicated_ha", 11_000),
    ("BOL", 2020, "eradicated_ha", 2_177),
    ("BOL", 2023, "net_area_ha", 31_000),
    ("BOL", 2024, "sun_dried_leaf_t", 72_887),
    ("BOL", 2024, "eradicated_ha", 10_001),
]

# Cells the reference tables leave empty ("not found published"): NaN, never 0.
NOT_PUBLISHED = [
    ("PER", 2001, "eradicated_ha"),
    ("PER", 2003, "sun_dried_leaf_t"),
    ("PER", 2017, "sun_dried_leaf_t"),
    ("PER", 2018, "eradicated_ha"),
    ("PER", 2023, "eradicated_ha"),
    ("COL", 2006, "cocaine_hcl_t"),
    ("COL", 2017, "fresh_leaf_t"),
    ("COL", 2024, "fresh_leaf_t"),
    ("BOL", 2013, "sun_dried_leaf_t"),
    ("BOL", 2017, "eradicated_ha"),
]

ROWS = {"PER": (2001, 2024, 24), "COL": (2000, 2024, 25), "BOL": (2003, 2024, 22)}


@pytest.mark.parametrize(("country", "year", "column", "value"), PUBLISHED)
def test_national_series_holds_the_published_values(
    country: str, year: int, column: str, value: int
) -> None:
    assert national_series(country).value(column, year) == value


@pytest.mark.parametrize(("country", "year", "column"), NOT_PUBLISHED)
def test_an_unpublished_value_is_nan_never_zero(country: str, year: int, column: str) -> None:
    assert math.isnan(national_series(country).value(column, year))


def test_a_year_outside_the_series_is_nan() -> None:
    assert math.isnan(national_series("PER").value("net_area_ha", 1999))
    assert math.isnan(national_series("BOL").value("net_area_ha", 2002))


@pytest.mark.parametrize("country", ["PER", "COL", "BOL"])
def test_every_shipped_series_value_has_a_source(country: str) -> None:
    series = national_series(country)
    first, last, rows = ROWS[country]
    assert len(series) == rows
    assert (int(series.year[0]), int(series.year[-1])) == (first, last)
    assert np.all(np.diff(series.year) > 0)
    for column, values in series.values.items():
        for year, value, source in zip(series.year, values, series.source, strict=True):
            if not math.isnan(value):
                assert value > 0, (column, year)  # zero is never a stand-in for absent
                assert source.strip(), f"{country} {year} {column}: a value without a source"


def test_no_gap_is_interpolated() -> None:
    # Peru published no leaf for 2007 and 2008 between 114,100 t (2006) and 128,000 t (2009).
    peru = national_series("PER")
    assert np.isnan(peru.sun_dried_leaf_t[(peru.year == 2007) | (peru.year == 2008)]).all()
    years, leaf = peru.published("sun_dried_leaf_t", before=2010)
    assert years.tolist() == [2004, 2005, 2006, 2009]
    assert leaf.tolist() == [110_000, 106_000, 114_100, 128_000]


def test_the_columns_differ_by_country() -> None:
    assert national_series("PER").value_columns() == (
        "net_area_ha",
        "eradicated_ha",
        "sun_dried_leaf_t",
        "national_yield_kg_per_ha",
    )
    assert national_series("COL").value_columns() == (
        "net_area_ha",
        "eradicated_manual_ha",
        "sprayed_ha",
        "fresh_leaf_t",
        "cocaine_hcl_t",
    )
    assert national_series("BOL").value_columns() == (
        "net_area_ha",
        "eradicated_ha",
        "sun_dried_leaf_t",
    )
    assert national_series("COL").units["cocaine_hcl_t"] == "t"
    with pytest.raises(AttributeError, match="no column 'eradicated_ha'"):
        national_series("COL").eradicated_ha  # noqa: B018


def test_the_caveats_stay_visible() -> None:
    colombia = national_series("COL")
    assert "1,053 t" in colombia.note_of(2016)  # the revision of the first-published 866 t
    assert "1,058 t" in colombia.note_of(2017)
    assert colombia.note_of(2024).startswith("UNCERTAIN")
    assert "yield" in colombia.note_of(2023)
    assert any("2024" in c and "uncertain" in c for c in colombia.caveats)
    peru = national_series("PER")
    assert "115,337" in peru.note_of(2013)  # area x yield does not give the published leaf
    assert any("115,337" in c for c in peru.caveats)
    assert "rounded" in peru.note_of(2014)
    bolivia = national_series("BOL")
    assert "23%" in bolivia.note_of(2024)
    assert "2020 yield" in bolivia.note_of(2024)
    assert colombia.eradication_column is None
    assert peru.eradication_column == bolivia.eradication_column == "eradicated_ha"


@pytest.mark.parametrize("code", ["per", "Per", "pEr"])
def test_country_codes_follow_the_records_case_rule(code: str) -> None:
    assert national_series(code).country == "PER"


def test_an_unknown_country_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="must be one of: PER, COL, BOL") as info:
        national_series("ECU")
    assert info.value.valid == ("PER", "COL", "BOL")
    for bad in ("", "PÉR", "PE", "PERU", "per\n", " PER"):
        with pytest.raises(UnknownNameError):
            national_series(bad)
    with pytest.raises(TypeError, match="country must be a str"):
        national_series(604)  # type: ignore[arg-type]


def test_peru_national_series_is_a_deprecated_alias() -> None:
    with pytest.warns(DeprecationWarning, match=r'national_series\("PER"\)'):
        old = peru_national_series()
    new = national_series("PER")
    assert old.columns().keys() == new.columns().keys()
    np.testing.assert_array_equal(old.eradicated_ha, new.eradicated_ha)


def test_unknown_column_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="eradicated_ha"):
        national_series("PER").value("hectares", 2017)


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
def test_series_to_frame(backend: str) -> None:
    frame = national_series("COL").to_frame(backend)
    assert len(frame) == 25
    import narwhals as nw

    assert nw.from_native(frame).columns[-2:] == ["source", "note"]


def test_bundled_example_files_are_exactly_what_the_seeded_script_writes() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_example", ROOT / "scripts" / "make_peru_2017_example.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generated = module.generate()
    assert sorted(generated) == sorted(p.name for p in EXAMPLE_DIR.glob("*.csv"))
    for name, text in generated.items():
        assert (EXAMPLE_DIR / name).read_text(encoding="utf-8") == text, name


def test_example_totals_equal_the_published_2017_results() -> None:
    from narcometrics.datasets import peru_2017_example

    example = peru_2017_example()
    # The seed text (FIIAPP, 1 February 2018): 111 organisations disbanded, 78 airstrips
    # and 324 laboratories destroyed, 22,165 ha eradicated.
    assert int(example.operations.organisations_disbanded.sum()) == 111
    assert int(example.operations.airstrips_destroyed.sum()) == 78
    assert int(example.operations.laboratories_destroyed.sum()) == 324
    assert float(example.eradications.area_ha.sum()) == 22_165.0
    assert example.metadata["synthetic"] is True
    years = {
        r.date.year
        for table in (example.operations, example.seizures, example.eradications, example.training)
        for r in table
    }
    assert years == {2017}

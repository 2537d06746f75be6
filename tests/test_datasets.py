"""Bundled datasets: published values as cited, synthetic example as generated."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from narcometrics import UnknownNameError
from narcometrics.datasets import peru_national_series

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_DIR = ROOT / "src" / "narcometrics" / "data" / "examples" / "peru-2017"

# (year, column, value) as published: reference/estimation-sources.md, "Published Peru
# national series" (UNODC/DEVIDA fact sheets and press releases, DEVIDA, PNP-DIRANDRO).
PUBLISHED = [
    (2004, "net_area_ha", 50_300),
    (2005, "eradicated_ha", 12_232),
    (2014, "sun_dried_leaf_t", 100_840),
    (2015, "eradicated_ha", 35_868),
    (2016, "national_yield_kg_per_ha", 2_415),
    (2016, "sun_dried_leaf_t", 105_960),
    (2017, "eradicated_ha", 22_885),
    (2021, "net_area_ha", 80_681),
    (2024, "net_area_ha", 89_755),
    (2024, "eradicated_ha", 26_475),
]


@pytest.mark.parametrize(("year", "column", "value"), PUBLISHED)
def test_national_series_holds_the_published_values(year: int, column: str, value: int) -> None:
    assert peru_national_series().value(column, year) == value


def test_unpublished_values_are_nan_not_zero() -> None:
    series = peru_national_series()
    assert math.isnan(series.value("eradicated_ha", 2018))
    assert math.isnan(series.value("sun_dried_leaf_t", 2017))
    assert math.isnan(series.value("net_area_ha", 2010))  # year not in the series


def test_every_row_has_a_source() -> None:
    series = peru_national_series()
    assert len(series) == 14
    assert all(s.strip() for s in series.source)
    assert np.all(np.diff(series.year) > 0)


def test_unknown_column_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNameError, match="eradicated_ha"):
        peru_national_series().value("hectares", 2017)


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
def test_series_to_frame(backend: str) -> None:
    frame = peru_national_series().to_frame(backend)
    assert len(frame) == 14


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

"""Factor sets: bundled values against their sources, validation, loading errors.

Expected values come from the project's sources (reference/estimation-sources.md: F1, F3-F6,
F9-F15, F18, F20-F22) and the bundled published national series.
"""

from __future__ import annotations

import csv
import io
import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from narcometrics import factors
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.factors import Citation, Factor, FactorSet, MethodFamily, Status

REQUIRED = [
    "pe-gov-2017",
    "pe-gov-2022",
    "pe-gov-2024",
    "pe-unodc-2008",
    "co-simci-2018",
    "co-simci-2019",
    "co-simci-2020",
]
FACTORS_DIR = Path(str(resources.files("narcometrics").joinpath("data", "factors")))

SOURCE = Citation(publisher="Agency", title="Survey", year=2020, where="report")


def _factor(**changes: Any) -> Factor:
    kwargs: dict[str, Any] = {
        "name": "leaf_per_hcl",
        "value": 300.0,
        "unit": "kg leaf/kg HCl",
        "status": "published",
        "citations": (SOURCE,),
    }
    kwargs.update(changes)
    return Factor(**kwargs)


def _national_series() -> list[dict[str, str]]:
    text = resources.files("narcometrics").joinpath("data", "peru-series.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_available_lists_every_required_id_sorted() -> None:
    ids = factors.available()
    assert set(REQUIRED) <= set(ids)
    assert ids == sorted(ids)


@pytest.mark.parametrize("id", factors.available())
def test_every_bundled_set_loads_with_cited_values(id: str) -> None:
    factor_set = factors.get(id)
    assert factor_set.id == id
    assert factor_set.citations
    for factor in factor_set.values:
        assert factor.citations, factor.name
        assert isinstance(factor.status, Status)


def test_get_returns_the_same_set_as_loading_its_file() -> None:
    assert factors.get("pe-gov-2017") == factors.load(FACTORS_DIR / "pe-gov-2017.json")
    assert hash(factors.get("pe-gov-2017")) == hash(factors.load(FACTORS_DIR / "pe-gov-2017.json"))


def test_unknown_id_raises_listing_the_available_ids() -> None:
    with pytest.raises(UnknownNameError, match="pe-gov-2017, pe-gov-2022") as info:
        factors.get("pe-gov-1999")
    assert isinstance(info.value, KeyError)
    assert info.value.field == "set_id"  # the argument, renamed from id in 0.2


def test_pe_gov_2017_factor_is_derived_from_both_published_pairs() -> None:
    # F4: 22,165 ha -> 204.8 t (seed document), 22,885 ha -> 211.5 t (PNP-DIRANDRO).
    factor = factors.get("pe-gov-2017").get("hcl_per_ha")
    assert factor.value == 9.24
    assert factor.unit == "kg HCl/ha"
    assert factor.status is Status.DERIVED
    assert round(204.8 / 22_165 * 1000, 2) == 9.24
    assert round(211.5 / 22_885 * 1000, 2) == 9.24
    publishers = {c.publisher for c in factor.citations}
    assert "FIIAPP" in publishers
    assert any("DIRANDRO" in p for p in publishers)
    # low/high: the factors consistent with both pairs at their published rounding.
    low = max(204.75 / 22_165, 211.45 / 22_885) * 1000
    high = min(204.85 / 22_165, 211.55 / 22_885) * 1000
    assert factor.low == pytest.approx(low, abs=1e-5)
    assert factor.high == pytest.approx(high, abs=1e-5)
    assert factor.low is not None
    assert factor.high is not None
    assert factor.low <= low
    assert factor.high >= high


@pytest.mark.parametrize(
    ("id", "yield_", "status"),
    [("pe-gov-2022", 2415.0, Status.DERIVED), ("pe-gov-2024", 2369.0, Status.INFERRED)],
)
def test_yield_ratio_sets_compute_the_flat_factor(id: str, yield_: float, status: Status) -> None:
    # F5, F6: yield / 258.6 (F3); the 2024 yield is inferred (F6), never published.
    factor_set = factors.get(id)
    assert factor_set.get("leaf_yield").value == yield_
    assert factor_set.get("leaf_per_hcl").value == 258.6
    flat = factor_set.flat_factor()
    assert flat.value == pytest.approx(yield_ / 258.6, rel=1e-15)
    assert flat.unit == "kg HCl/ha"
    assert flat.status is status


def test_pe_gov_2024_yield_is_marked_inferred() -> None:
    assert factors.get("pe-gov-2024").get("leaf_yield").status is Status.INFERRED


def test_flat_factor_of_a_stored_factor_set_is_the_stored_value() -> None:
    assert factors.get("pe-gov-2017").flat_factor().value == 9.24


def test_flat_factor_needs_a_factor_or_yield_and_ratio() -> None:
    with pytest.raises(ValidationError, match="no hcl_per_ha"):
        factors.get("co-simci-2020").flat_factor()


def test_pe_unodc_2008_national_yields_equal_the_published_series() -> None:
    factor_set = factors.get("pe-unodc-2008")
    assert factor_set.get("leaf_per_hcl").value == 375.0  # F1
    series = factor_set.series("national_yield")
    published = {
        int(row["year"]): float(row["national_yield_kg_per_ha"])
        for row in _national_series()
        if row["national_yield_kg_per_ha"]
    }
    # Every bundled yield is a published one. The series also holds 2006 (2,200 kg/ha,
    # UNODC/DEVIDA 2006 survey), which the factor set does not ship.
    assert series.keys() <= published.keys()
    assert published.keys() - series.keys() <= {2006}
    for year, factor in series.items():
        assert factor.value == published[year], year


def test_pe_unodc_2008_licit_use_matches_the_sources() -> None:
    factor_set = factors.get("pe-unodc-2008")
    # F13: 10,728 t traditional + 163 t industrial in 2016.
    assert factor_set.get("licit_leaf", year=2016).value == 10_728 + 163
    assert factor_set.get("licit_leaf_traditional", year=2016).value == 10_728
    assert factor_set.get("licit_leaf", year=2016).status is Status.DERIVED
    assert factor_set.get("licit_leaf", year=2017).value == 10_700  # F14
    assert factor_set.get("licit_leaf", year=2013).value == 9_000  # F12
    assert factor_set.get("licit_share", year=2006).value == 0.08  # F15


def test_co_simci_2020_chain_factors_match_the_sources() -> None:
    factor_set = factors.get("co-simci-2020")
    assert factor_set.method is MethodFamily.FRESH_LEAF_CHAIN
    assert factor_set.get("fresh_leaf_yield", year=2020).value == 6.4  # F20
    paste = factor_set.get("paste_per_fresh_leaf", year=2020)
    assert paste.value == 2.14  # F21: coca PASTE (pasta basica), not base
    assert paste.unit == "kg paste/t fresh leaf"
    assert factor_set.get("hcl_per_base", year=2020).value == 0.80  # F22
    assert factor_set.get("hcl_per_base", year=2020).status is Status.DERIVED
    # the missing step, derived from the published 2020 pair (andean-series.md)
    step = factor_set.get("base_per_paste", year=2020)
    assert step.status is Status.DERIVED
    assert step.value == pytest.approx(1_228 / 997.3 / (2.14 * 0.80), rel=1e-6)
    assert "1,228" in (step.note or "")
    assert "997,300" in (step.note or "")
    assert not factor_set.has("base_per_fresh_leaf")


@pytest.mark.parametrize(("year", "leaf", "hcl"), [(2018, 977.4, 1_120), (2019, 993.107, 1_137)])
def test_co_simci_2018_and_2019_convert_leaf_to_hcl_by_a_derived_factor(
    year: int, leaf: float, hcl: int
) -> None:
    factor_set = factors.get(f"co-simci-{year}")
    one_step = factor_set.get("hcl_per_fresh_leaf", year=year)
    assert one_step.status is Status.DERIVED
    assert one_step.value == pytest.approx(hcl / leaf, rel=1e-6)
    assert one_step.low is not None
    assert one_step.high is not None
    assert one_step.low <= (hcl - 0.5) / leaf + 1e-6
    assert one_step.high >= (hcl + 0.5) / leaf - 1e-6


def test_every_bundled_factor_has_a_source_and_a_status_and_derived_ones_show_arithmetic() -> None:
    raw_files = sorted(FACTORS_DIR.glob("*.json"))
    assert [f.stem for f in raw_files] == factors.available()
    for path in raw_files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        for index, value in enumerate(raw["values"]):
            where = f"{path.name} values[{index}] {value.get('name')}"
            assert value.get("status") in {s.value for s in Status}, where
            assert value.get("citations"), where
            for key in value["citations"]:
                assert raw["citations"][key]["publisher"].strip(), where
            if value["status"] != "published":
                assert value.get("note"), f"{where}: a {value['status']} value needs its note"


def test_no_bolivian_factor_set_is_shipped() -> None:
    # UNODC has published no Bolivian cocaine estimate since 2009 (andean-series.md).
    assert not [name for name in factors.available() if name.startswith("bo-")]


def test_adjustment_defaults_are_computed_from_the_cited_figures() -> None:
    adjust = factors.get("pe-eradication-adjustments")
    licit = adjust.get("licit_share")
    assert licit.value == pytest.approx((10_728 + 163) / 105_960, abs=1e-5)  # F13, F9
    assert licit.low == 0.08  # F15
    replanting = adjust.get("replanting_share")
    assert replanting.low == pytest.approx(1_787 / 5_662, abs=5e-4)  # F18: 31.6 %
    assert replanting.high == 0.4563  # F18: 45.63 %
    assert replanting.value == pytest.approx((0.316 + 0.4563) / 2)
    harvests = adjust.get("harvests_per_year")
    assert (harvests.low, harvests.high) == (3, 5)  # F11
    # Derived (issue 14): VRAEM > 3.5 t/ha with about two thirds of 100,840 t of leaf in
    # 2014, on a national 42,900 ha: (100,840 / 3) t / (42,900 - (2/3 x 100,840) / 3.5) ha.
    other = adjust.get("other_zones_yield")
    vraem_area = 2 / 3 * 100_840 / 3.5
    assert other.value == pytest.approx(100_840 / 3 / (42_900 - vraem_area) * 1000, abs=0.5)
    assert other.status is Status.DERIVED
    assert "42,900" in (other.note or "")
    assert "100,840" in (other.note or "")
    assert adjust.series("vraem_yield") == {
        2014: adjust.get("vraem_yield", year=2014),
        2015: adjust.get("vraem_yield", year=2015),
    }
    assert adjust.get("vraem_yield", year=2015).value == 3600


def test_get_value_by_name_and_year() -> None:
    factor_set = factors.get("pe-unodc-2008")
    with pytest.raises(UnknownNameError, match="national_yield"):
        factor_set.get("yield")
    with pytest.raises(ValidationError, match="give a year"):
        factor_set.get("national_yield")
    with pytest.raises(ValidationError, match="2004, 2005, 2013"):
        factor_set.get("national_yield", year=2010)
    # A value without a year applies to every year.
    assert factor_set.get("leaf_per_hcl", year=2005).value == 375.0


def test_users_can_build_their_own_set() -> None:
    mine = FactorSet(
        id="my-set-2024",
        title="Mine",
        method="sun_dried_chain",
        values=[_factor(low=250.0, high=350.0)],
        first_year=2024,
        last_year=2024,
    )
    assert mine.method is MethodFamily.SUN_DRIED_CHAIN
    assert mine.get("leaf_per_hcl").has_range
    assert mine.citations == (SOURCE,)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": 0.0}, "value"),
        ({"value": -1.0}, "value"),
        ({"value": math.nan}, "value"),
        ({"value": "300"}, "value"),
        ({"status": "official"}, "status"),
        ({"low": 310.0, "high": 400.0}, "low"),
        ({"low": 200.0, "high": 290.0}, "high"),
        ({"low": 200.0}, "low"),
        ({"low": -1.0, "high": 400.0}, "low"),
        ({"citations": ()}, "citations"),
        ({"citations": ("a source",)}, "citations"),
        ({"name": "Leaf Per HCl"}, "name"),
        ({"unit": ""}, "unit"),
        ({"year": 2020.0}, "year"),
    ],
)
def test_bad_factor_raises_naming_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=f"Factor.{field}"):
        _factor(**changes)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": "My Set"}, "id"),
        ({"method": "guesswork"}, "method"),
        ({"values": ()}, "values"),
        ({"values": (_factor(), _factor())}, "values"),
        ({"first_year": 2025, "last_year": 2024}, "last_year"),
    ],
)
def test_bad_factor_set_raises_naming_the_field(changes: dict[str, Any], field: str) -> None:
    kwargs: dict[str, Any] = {
        "id": "mine",
        "title": "Mine",
        "method": "sun_dried_chain",
        "values": (_factor(),),
    }
    kwargs.update(changes)
    with pytest.raises(ValidationError, match=f"FactorSet.{field}"):
        FactorSet(**kwargs)


def _broken(tmp_path: Path, change: Any) -> Path:
    data = json.loads((FACTORS_DIR / "pe-gov-2022.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["values"][1].update(status="official"), r"\$\.values\[1\]\.status: must be"),
        (lambda d: d["values"][0].update(value=-3), r"\$\.values\[0\]\.value: must be > 0"),
        (lambda d: d["values"][0].update(value="2415"), r"\$\.values\[0\]\.value: must be a real"),
        (lambda d: d["values"][0].pop("unit"), r"\$\.values\[0\]\.unit: required field"),
        (lambda d: d["values"][0].update(colour=1), r"\$\.values\[0\]\.colour: unknown field"),
        (lambda d: d["values"][0].update(citations=["x"]), r"citations\[0\]: must be a citation"),
        (lambda d: d["values"][0].update(citations="x"), r"citations: must be a JSON array"),
        (lambda d: d.pop("citations"), r"\$\.citations: required field"),
        (lambda d: d["citations"]["correo-2018"].pop("where"), r"'correo-2018'\]\.where: required"),
        (lambda d: d.update(values={}), r"\$\.values: must be a JSON array"),
        (lambda d: d.update(method="magic"), r"\$\.method: must be one of"),
        (lambda d: d["values"][0].update(low=3000, high=4000), r"\$\.values\[0\]\.low: must be <="),
    ],
)
def test_broken_file_raises_naming_the_file_and_field(
    tmp_path: Path, change: Any, message: str
) -> None:
    path = _broken(tmp_path, change)
    with pytest.raises(ValidationError, match=message) as info:
        factors.load(path)
    assert str(path) in str(info.value)


def test_malformed_json_raises_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "id": nope\n}', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"bad\.json:2:9: \$: malformed JSON"):
        factors.load(path)


def test_json_nan_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: None)
    path.write_text(path.read_text().replace("2415", "NaN"), encoding="utf-8")
    with pytest.raises(ValidationError, match="NaN is not valid JSON"):
        factors.load(path)


def test_peru_2013_yield_says_it_does_not_reproduce_the_published_leaf() -> None:
    # 49,800 ha x 2,316 kg/ha = 115,337 t, not the published 121,242 t (peru-series.csv).
    factor = factors.get("pe-unodc-2008").get("national_yield", year=2013)
    assert round(49_800 * factor.value / 1000) == 115_337 != 121_242
    assert "does not reproduce" in (factor.note or "").lower()
    assert "121,242" in (factor.note or "")

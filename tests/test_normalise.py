"""Messy names and units: mapped only when asked, every change counted, nothing guessed."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import Eradication, Seizure, Substance, UnknownNameError, ValidationError
from narcometrics import normalise as nz
from narcometrics.aggregate import total
from narcometrics.substances import total_by_group

openpyxl = pytest.importorskip("openpyxl")


def _workbook(path: Path, rows: list[list[Any]], title: str = "Hoja1") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


SPANISH = [
    ["Fecha", "Región", "Droga", "Peso (g)", "Observaciones"],
    [dt.date(2017, 3, 1), "Huánuco", "PBC", 2500, "control carretero"],
    ["14/03/2017", "Ayacucho", "clorhidrato de cocaína", "1200.5", None],
    [dt.datetime(2017, 4, 2), "Cusco", "Pasta Básica de Cocaína", 750, "río"],
    [42856, "Puno", "marihuana", 10000, None],  # serial 42856 is 2017-05-01
    [None, None, None, None, None],  # an empty row is not a record
    [dt.date(2018, 1, 9), "Huánuco", "pbc", 1000, None],
]
MAPPING: dict[str, str | None] = {
    "Fecha": "date",
    "Región": "region",
    "Droga": "substance",
    "Peso (g)": "mass_g",
    "Observaciones": None,
}


def test_a_messy_spanish_spreadsheet_loads_into_the_right_records_and_totals(
    tmp_path: Path,
) -> None:
    rows = [row[:] for row in SPANISH]
    rows[0].append("País")
    for row, country in zip(rows[1:], ["Perú", "PERU", "Peru", "perú", None, "PER"], strict=True):
        row.append(country)
    path = _workbook(tmp_path / "incautaciones.xlsx", rows)
    result = nz.read(
        path,
        Seizure,
        columns={**MAPPING, "País": "country"},
        names=("substances", "countries"),
        date_format="%d/%m/%Y",
    )
    records = list(result.table)
    assert [(r.date, r.country, r.region, r.substance, r.mass_kg) for r in records] == [
        (dt.date(2017, 3, 1), "PER", "Huánuco", Substance.COCA_PASTE, 2.5),
        (dt.date(2017, 3, 14), "PER", "Ayacucho", Substance.COCAINE_HCL, 1.2005),
        (dt.date(2017, 4, 2), "PER", "Cusco", Substance.COCA_PASTE, 0.75),
        (dt.date(2017, 5, 1), "PER", "Puno", Substance.CANNABIS_HERB, 10.0),
        (dt.date(2018, 1, 9), "PER", "Huánuco", Substance.COCA_PASTE, 1.0),
    ]
    totals = total(result.table, "mass_kg", by=("year", "substance")).to_dict()
    assert totals == {
        (2017, "cannabis_herb"): 10.0,
        (2017, "coca_paste"): 3.25,
        (2017, "cocaine_hcl"): 1.2005,
        (2018, "coca_paste"): 1.0,
    }
    assert total_by_group(result.table, by="year").to_dict()[(2017, "cocaine_type")] == (
        pytest.approx(4.4505)
    )
    # What was reported is kept beside the converted mass.
    assert result.reported["quantity_reported"].tolist() == [2500, 1200.5, 750, 10000, 1000]
    assert result.reported["unit_reported"].tolist() == ["g"] * 5
    # Every mapping says how many values it changed.
    assert result.counts() == {"column": 25, "unit": 5, "substance": 5, "country": 4}
    changes = {(c.mapping, c.original): (c.result, c.count) for c in result.changes}
    assert changes[("substance", "PBC")] == ("coca_paste", 1)
    assert changes[("substance", "pbc")] == ("coca_paste", 1)
    assert changes[("country", "Perú")] == ("PER", 1)
    assert ("country", "PER") not in changes  # already a code: not a change
    assert "'PBC' -> 'coca_paste' (1 values)" in result.summary()


def test_names_are_mapped_only_when_asked(tmp_path: Path) -> None:
    rows = [row[:] for row in SPANISH]
    rows[0].append("country")
    for row in rows[1:]:
        row.append("PER")
    rows[5][-1] = None
    path = _workbook(tmp_path / "s.xlsx", rows)
    with pytest.raises(ValidationError) as info:
        nz.read(path, Seizure, columns=MAPPING, date_format="%d/%m/%Y")
    bad = [(p.field, p.value, p.row, p.column) for p in info.value.problems]
    assert bad == [
        ("substance", "PBC", 2, 3),
        ("substance", "clorhidrato de cocaína", 3, 3),
        ("substance", "Pasta Básica de Cocaína", 4, 3),
        ("substance", "marihuana", 5, 3),
        ("substance", "pbc", 7, 3),
    ]
    assert not isinstance(info.value, UnknownNameError)


def test_an_unknown_substance_is_an_error_suggesting_the_nearest_names() -> None:
    with pytest.raises(UnknownNameError) as info:
        nz.substance("pasta basica de cocaína lavada")
    assert "pasta básica de cocaína" in str(info.value)
    with pytest.raises(UnknownNameError, match=r"nearest known names: .*clorhidrato de cocaína"):
        nz.substance("clorhidrato cocaína")
    # "cocaína" alone does not say which form: it is never guessed.
    with pytest.raises(UnknownNameError, match="cocaína"):
        nz.substance("cocaína")
    with pytest.raises(TypeError):
        nz.substance(3)  # type: ignore[arg-type]


def test_an_unknown_name_in_a_file_is_located_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "fecha,pais,droga,kg\n"
        "2017-01-01,Peru,PBC,1\n"
        "2017-01-02,Peru,cocaína,1\n"
        "2017-01-03,Perú,cocaína,1\n"
        "2017-01-04,Narnia,PBC,1\n",
        encoding="utf-8",
    )
    with pytest.raises(UnknownNameError) as info:
        nz.read(
            path,
            Seizure,
            columns={"fecha": "date", "pais": "country", "droga": "substance", "kg": "mass_kg"},
            names=("substances", "countries"),
        )
    located = [(p.field, p.value, p.row, p.column) for p in info.value.problems]
    assert located == [("substance", "cocaína", 3, 3), ("country", "Narnia", 5, 2)]
    assert "(in 2 rows; the first shown)" in info.value.problems[0].problem
    assert isinstance(info.value, ValidationError)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Perú", "PER"),
        ("peru", "PER"),
        ("PE", "PER"),
        ("per", "PER"),
        ("Republic of Peru", "PER"),
        ("República del Perú", "PER"),
        ("Bolivia", "BOL"),
        ("Bolivia (Estado Plurinacional de)", "BOL"),
        ("Estado Plurinacional de Bolivia", "BOL"),
        ("Bolivia, Plurinational State of", "BOL"),
        ("Colombia", "COL"),
        ("Estados Unidos", "USA"),
        ("Países Bajos", "NLD"),
        ("Brasil", "BRA"),
        ("Ecuador", "ECU"),
        ("Venezuela (República Bolivariana de)", "VEN"),
    ],
)
def test_country_names_in_english_and_spanish_map_to_alpha_3(name: str, code: str) -> None:
    assert nz.country(name) == code


def test_an_unknown_or_shared_country_name_is_never_guessed() -> None:
    with pytest.raises(UnknownNameError, match=r"nearest known names: .*Peru"):
        nz.country("Peruu")
    with pytest.raises(UnknownNameError):
        nz.country("XYZ")
    with pytest.raises(UnknownNameError):
        nz.country("Korea")  # two countries


@given(st.sampled_from([s.name for s in nz.substance_synonyms()]), st.data())
def test_substance_names_ignore_case_accents_and_spacing(name: str, data: Any) -> None:
    expected = nz.substance(name)
    variant = data.draw(
        st.sampled_from([name.upper(), name.lower(), f"  {name} ", name.replace(" ", "  ")])
    )
    assert nz.substance(variant) is expected
    assert nz.substance(nz.fold(name)) is expected


def test_the_synonym_table_is_cited_and_never_names_two_substances() -> None:
    synonyms = nz.substance_synonyms()
    assert len(synonyms) > 50
    sources = {"common-usage", "UNODC-WDR2015", "PE-DL1126"}
    assert {s.source for s in synonyms} <= sources
    folded: dict[str, Substance] = {}
    for s in synonyms:
        assert folded.setdefault(nz.fold(s.name), s.substance) is s.substance
    for member in Substance:
        assert nz.substance(member.value) is member


@pytest.mark.parametrize(
    ("quantity", "unit", "kg"),
    [
        (2500, "g", 2.5),
        (2500, "Gramos", 2.5),
        (3, "t", 3000.0),
        (3, "toneladas métricas", 3000.0),
        (12, "litros", 12.0),  # UNODC: 1 kg per litre
        (500, "mL", 0.5),
        (1, "kg", 1.0),
        (250_000, "mg", 0.25),
    ],
)
def test_units_convert_to_kg(quantity: float, unit: str, kg: float) -> None:
    assert nz.mass_kg(quantity, unit) == kg


def test_ambiguous_units_and_tablets_without_a_cited_mass_are_refused() -> None:
    with pytest.raises(UnknownNameError):
        nz.unit("ton")
    with pytest.raises(UnknownNameError):
        nz.unit("units")
    with pytest.raises(ValidationError, match="no mass per tablet is assumed"):
        nz.mass_kg(100, "tabletas")
    with pytest.raises(ValidationError, match="must cite"):
        nz.TabletMass(mass_g=0.3, source=" ")
    with pytest.raises(ValidationError):
        nz.TabletMass(mass_g=math.nan, source="lab report 12")
    tablet = nz.TabletMass(mass_g=0.3, source="laboratory report 12/2023")
    assert nz.mass_kg(1000, "tabletas", tablet=tablet) == pytest.approx(0.3)
    with pytest.raises(ValidationError):
        nz.mass_kg(-1, "g")
    with pytest.raises(ValidationError):
        nz.mass_kg(math.inf, "g")


def test_quantity_and_unit_columns_convert_row_by_row_and_keep_what_was_reported() -> None:
    tablet = nz.TabletMass(mass_g=0.25, source="laboratory report 7/2023")
    result = nz.table(
        {
            "date": [dt.date(2017, 1, 1)] * 4,
            "country": ["PER"] * 4,
            "substance": ["kerosene", "mdma", "cocaine_hcl", "acetone"],
            "Cantidad": [200, 4000, 1.5, "300"],
            "Unidad": ["galones" if False else "litros", "tabletas", "kg", "L"],
        },
        Seizure,
        columns={"Cantidad": "quantity", "Unidad": "unit"},
        tablet=tablet,
    )
    assert result.table.mass_kg.tolist() == [200.0, 1.0, 1.5, 300.0]
    assert result.reported["unit_reported"].tolist() == ["L", "tablets", "kg", "L"]
    assert result.reported["quantity_reported"].tolist() == [200.0, 4000.0, 1.5, 300.0]
    units = {c.original: (c.result, c.count) for c in result.changes if c.mapping == "unit"}
    assert units["litros"][1] == 1
    assert units["L"][1] == 1
    assert "0.25 g per tablet (laboratory report 7/2023)" in units["tabletas"][0]
    assert "kg" not in units  # kilograms are not changed
    frame = result.to_frame("pandas")
    assert list(frame["unit_reported"]) == ["L", "tablets", "kg", "L"]


def test_tablets_without_a_tablet_mass_are_refused_at_their_cell() -> None:
    with pytest.raises(ValidationError, match=r"none is assumed") as info:
        nz.table(
            {
                "date": [dt.date(2017, 1, 1)],
                "country": ["PER"],
                "substance": ["mdma"],
                "n": [40],
            },
            Seizure,
            columns={"n": "tablets"},
        )
    assert (info.value.problems[0].row, info.value.problems[0].column) == (2, 4)


def test_bad_quantities_and_units_are_located_in_the_file(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "q.xlsx",
        [
            ["Fecha", "Droga", "Cantidad", "Unidad", "País"],
            [dt.date(2017, 1, 1), "crack", 5, "g", "PER"],
            [dt.date(2017, 1, 2), "crack", -5, "g", "PER"],
            [dt.date(2017, 1, 3), "crack", "mucho", "g", "PER"],
            [dt.date(2017, 1, 4), "crack", 5, "arrobas", "PER"],
            [dt.date(2017, 1, 5), "crack", 5, None, "PER"],
        ],
    )
    mapping = {"Fecha": "date", "Droga": "substance", "Cantidad": "quantity", "Unidad": "unit"}
    with pytest.raises(ValidationError) as info:
        nz.read(path, Seizure, columns={**mapping, "País": "country"})
    where = [(p.field, p.row, p.column) for p in info.value.problems]
    assert where == [
        ("quantity", 3, 3),
        ("quantity", 4, 3),
        ("unit", 5, 4),
        ("unit", 6, 4),
    ]
    assert str(info.value).startswith(f"{path}[Hoja1]:3:3: quantity: must be > 0")


def test_a_mapping_that_names_an_absent_column_or_a_field_twice_fails() -> None:
    data = {
        "Fecha": [dt.date(2017, 1, 1)],
        "pais": ["PER"],
        "area": [1.0],
        "metodo": ["manual"],
    }
    with pytest.raises(ValidationError, match="maps a column the data does not have; nearest"):
        nz.table(data, Eradication, columns={"Fechas": "date"})
    with pytest.raises(ValidationError, match="given by two columns"):
        nz.table(
            data,
            Eradication,
            columns={"Fecha": "date", "pais": "date", "area": "area_ha", "metodo": "method"},
        )
    with pytest.raises(ValidationError, match="unknown field"):
        nz.table(data, Eradication, columns={"Fecha": "fecha"})
    with pytest.raises(ValidationError, match="unknown column; map it"):
        nz.table(data, Eradication, columns={"Fecha": "date"})
    with pytest.raises(ValidationError, match="unknown field"):
        nz.table(data, Eradication, columns={"area": "mass_g"})  # only seizures have a mass
    ok = nz.table(
        data,
        Eradication,
        columns={"Fecha": "date", "pais": "country", "area": "area_ha", "metodo": "method"},
    )
    assert ok.table.area_ha.tolist() == [1.0]
    assert ok.counts() == {"column": 4}
    with pytest.raises(UnknownNameError):
        nz.table(data, Eradication, names="regions")


def test_two_mass_columns_are_refused() -> None:
    with pytest.raises(ValidationError, match="second time"):
        nz.table(
            {
                "date": [dt.date(2017, 1, 1)],
                "country": ["PER"],
                "substance": ["crack"],
                "mass_kg": [1.0],
                "g": [1000],
            },
            Seizure,
            columns={"g": "mass_g"},
        )


def test_a_dataframe_is_accepted() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "Fecha": [dt.date(2017, 1, 1), dt.date(2017, 1, 2)],
            "País": ["Bolivia", "Colombia"],
            "Droga": ["Hoja de coca", "base de cocaína"],
            "Peso (t)": [1.5, 0.25],
        }
    )
    result = nz.table(
        frame,
        Seizure,
        columns={"Fecha": "date", "País": "country", "Droga": "substance", "Peso (t)": "mass_t"},
        names=["substances", "countries"],
    )
    assert [(r.country, r.substance.value, r.mass_kg) for r in result.table] == [
        ("BOL", "coca_leaf", 1500.0),
        ("COL", "cocaine_base", 250.0),
    ]


def test_repeated_headers_in_a_file_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Fecha,Fecha,x\n2017-01-01,2017-01-02,1\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r":1:2: Fecha: repeated column \(also column 1\)"):
        nz.read(path, Seizure)


def test_a_column_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "columnas.json"
    path.write_text(json.dumps({"Fecha": "date", "Notas": None}), encoding="utf-8")
    assert nz.read_columns(path) == {"Fecha": "date", "Notas": None}
    path.write_text(json.dumps(["Fecha", "date"]), encoding="utf-8")
    with pytest.raises(ValidationError, match="one JSON object"):
        nz.read_columns(path)
    path.write_text(json.dumps({"Fecha": 3}), encoding="utf-8")
    with pytest.raises(ValidationError, match="must be a field name or null"):
        nz.read_columns(path)


@given(st.lists(st.floats(min_value=1e-3, max_value=1e9), min_size=1, max_size=20))
def test_grams_convert_exactly_as_a_division_by_1000(grams: list[float]) -> None:
    result = nz.table(
        {
            "date": [dt.date(2017, 1, 1)] * len(grams),
            "country": ["PER"] * len(grams),
            "substance": ["crack"] * len(grams),
            "g": grams,
        },
        Seizure,
        columns={"g": "mass_g"},
    )
    assert result.table.mass_kg.tolist() == [g / 1000 for g in grams]
    assert result.reported["quantity_reported"].tolist() == grams
    assert np.all(result.reported["unit_reported"] == "g")
    assert result.counts()["unit"] == len(grams)


def test_numpy_columns_are_read_like_python_values() -> None:
    result = nz.table(
        {
            "date": np.array(["2017-01-01", "2017-01-02"]),
            "country": np.array(["PER", "PER"]),
            "substance": np.array(["crack", "heroin"]),
            "t": np.array([1, 2], dtype=np.int64),
        },
        Seizure,
        columns={"t": "mass_t"},
    )
    assert result.table.mass_kg.tolist() == [1000.0, 2000.0]


def test_an_empty_quantity_is_never_zero() -> None:
    with pytest.raises(ValidationError) as info:
        nz.table(
            {
                "date": [dt.date(2017, 1, 1), dt.date(2017, 1, 2)],
                "country": ["PER", "PER"],
                "substance": ["crack", "crack"],
                "Peso (g)": [500, None],
            },
            Seizure,
            columns={"Peso (g)": "mass_g"},
        )
    [problem] = info.value.problems
    assert (problem.field, problem.row, problem.column) == ("mass_kg", 3, 4)

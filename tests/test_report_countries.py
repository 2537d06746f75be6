"""The report per country (a country's figures are never compared with or summed into
another's, factors only where they fit), unsafe values in its output (undefined shares,
totals beyond the float range, spreadsheet formulas), and its properties over random rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narcometrics.aggregate import total
from narcometrics.cli import main
from narcometrics.estimate import avoided_production, avoided_production_adjusted
from narcometrics.report import ReportData, build_report
from report_cli import _all_series, _csv, _json, _line, _run, _section

FORMULA = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------- country-aware


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_colombian_file_is_never_compared_with_peru(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    erad = _write(
        tmp_path / "eradications.csv",
        "date,country,area_ha,method\n2020-03-01,COL,70000,manual\n",
    )
    status, out, err = _run(["report", "--data", str(erad)], capsys)
    assert status == 0, err
    assert "Country: COL" in out
    assert "Country: PER" not in out
    assert "record:" not in out  # no Peru history, no "highest since 2004"
    assert "pe-gov" not in out  # no Peru factors
    assert "Avoided production (up to and adjusted) for COL is not estimated" in out
    data = _json(["report", "--data", str(erad)], capsys)
    colombia = _section(data, "COL")
    assert colombia["eradication_history"] == []
    assert colombia["eradication"]["avoided_production_up_to"] is None
    assert colombia["eradication"]["eradicated_ha"]["value"] == 70_000


def test_seizures_from_several_countries_are_never_summed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seizures = _write(
        tmp_path / "seizures.csv",
        "date,country,substance,mass_kg\n"
        "2020-02-01,PER,cocaine_hcl,10\n2020-03-01,BOL,cocaine_hcl,20\n"
        "2020-04-01,COL,cocaine_hcl,40\n2020-05-01,ECU,cocaine_hcl,80\n",
    )
    data = _json(["report", "--data", str(seizures)], capsys)
    assert data["data"]["countries"] == ["BOL", "COL", "ECU", "PER"]
    masses = {
        s["country"]: s["seizures"]["by_substance"]["cocaine_hcl"]["mass_kg"]
        for s in data["sections"]
    }
    assert masses == {"BOL": 20, "COL": 40, "ECU": 80, "PER": 10}
    _, out, _ = _run(["report", "--data", str(seizures)], capsys)
    assert "150.0 kg" not in out  # the sum over countries appears nowhere
    assert "each has its own section, and nothing is summed across them" in out
    rows = _csv(["report", "--data", str(seizures)], capsys)
    assert sorted(r["country"] for r in rows) == ["BOL", "COL", "ECU", "PER"]


def test_a_seizures_only_file_has_no_eradication_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seizures = _write(
        tmp_path / "seizures.csv", "date,country,substance,mass_kg\n2017-02-01,PER,crack,1.5\n"
    )
    _, out, _ = _run(["report", "--data", str(seizures)], capsys)
    assert "Eradication over time" not in out
    assert "record" not in out
    assert (
        _section(_json(["report", "--data", str(seizures)], capsys), "PER")["eradication_history"]
        == []
    )


def test_training_without_a_country_is_said_to_be_for_all_countries(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = _run(["report", "--country", "per"], capsys)
    assert "Training records carry no country: training is reported for all of them." in out


def test_country_option_restricts_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    erad = _write(
        tmp_path / "eradications.csv",
        "date,country,area_ha,method\n2023-03-01,PER,120.5,manual\n2023-05-01,BOL,300,manual\n",
    )
    both = _json(["report", "--data", str(erad)], capsys)
    assert [s["country"] for s in both["sections"]] == ["BOL", "PER"]
    only = _json(["report", "--data", str(erad), "--country", "bol"], capsys)
    assert [s["country"] for s in only["sections"]] == ["BOL"]
    assert _section(only, "BOL") == _section(both, "BOL")
    bolivia = _section(only, "BOL")
    # Bolivia's own series (UNODC/Government of Bolivia monitoring), never Peru's.
    sources = {r["year"]: r["source"] for r in bolivia["eradication_history"]}
    assert "Bolivia" in sources[2022]
    status, out, err = _run(["report", "--data", str(erad), "--country", "ECU"], capsys)
    assert status == 2
    assert out == ""
    assert "country: must be one of: BOL, PER ('ECU')" in err


def test_factors_only_for_the_country_they_are_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    erad = _write(
        tmp_path / "eradications.csv",
        "date,country,area_ha,method\n2023-03-01,PER,100,manual\n2023-05-01,COL,300,manual\n",
    )
    data = _json(["report", "--data", str(erad), "--factors", "pe-gov-2024"], capsys)
    peru = _section(data, "PER")["eradication"]
    assert peru["factor_set"] == "pe-gov-2024"
    assert (
        peru["avoided_production_up_to"]["central"]
        == avoided_production(100, "pe-gov-2024").central
    )
    colombia = _section(data, "COL")["eradication"]
    assert colombia["avoided_production_up_to"] is None
    assert colombia["missing"] == [
        "Avoided production (up to and adjusted) for COL is not estimated: factor set "
        "pe-gov-2024 is for PER, not COL."
    ]


def test_the_factors_option_accepts_only_sets_that_fit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # co-simci-2020 is a fresh-leaf chain, not a flat factor per hectare.
    status, _, err = _run(["report", "--factors", "co-simci-2020"], capsys)
    assert status == 2
    assert "factors: must be one of: pe-gov-2017, pe-gov-2022, pe-gov-2024" in err
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    help_text = capsys.readouterr().out
    assert "pe-gov-2017,pe-gov-2022,pe-gov-2024" in "".join(help_text.split())


def test_a_year_without_a_factor_set_prints_everything_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    erad = _write(
        tmp_path / "eradications.csv", "date,country,area_ha,method\n2019-03-01,PER,250,manual\n"
    )
    ops = _write(
        tmp_path / "operations.csv",
        "date,country,organisations_disbanded,airstrips_destroyed,laboratories_destroyed,"
        "arrests\n2019-05-09,PER,1,0,3,7\n",
    )
    status, out, err = _run(["report", "--data", str(erad), str(ops)], capsys)
    assert status == 0, err
    assert "250 ha" in out
    assert _line(out, "Drug laboratories destroyed").split()[3] == "3"
    assert "Eradication over time" in out
    assert (
        "Missing: Avoided production (up to and adjusted) for PER is not estimated: no "
        "bundled flat factor set for PER covers 2019 (for PER: pe-gov-2017 (2017), "
        "pe-gov-2022 (2022-2023), pe-gov-2024 (2023-2025))."
    ) in out


# ------------------------------------------------------------------- unsafe output


def test_json_with_an_undefined_share_writes_null(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A course with nobody followed up: its share is undefined (NaN), written as null (this
    # crashed the JSON output with "Out of range float values").
    training = _write(
        tmp_path / "training.csv",
        "date,institution,course,participants,followed_up,applying,verification\n"
        "2017-06-01,DIRANDRO,C1,10,0,0,independent\n",
    )
    argv = ["report", "--data", str(training), "--format", "json"]
    status, out, err = _run(argv, capsys)
    assert status == 0, err
    assert "NaN" not in out
    assert "Infinity" not in out
    data = json.loads(out)
    assert data["training"]["independently_verified"]["share"] is None


def test_a_total_beyond_the_float_range_is_an_error_never_a_printed_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two finite masses whose total overflows: an error naming the measure and the group
    # (issue 12), not "inf kg" and not null.
    seizures = _write(
        tmp_path / "seizures.csv",
        "date,country,substance,mass_kg\n2017-03-01,PER,crack,1.7e308\n2017-04-01,PER,crack,1.7e308\n",
    )
    for fmt in ("text", "json", "csv"):
        status, out, err = _run(["report", "--data", str(seizures), "--format", fmt], capsys)
        assert status == 2
        assert out == ""
        assert "mass_kg: the total of group {'substance': 'crack'} is too large" in err


def test_csv_escapes_every_text_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    name = '=HYPERLINK("example.com")+1.csv'
    _write(tmp_path / name, "date,country,substance,mass_kg\n2017-02-01,PER,crack,1.5\n")
    rows = _csv(["report", "--data", name], capsys)
    assert rows
    for row in rows:
        for column, cell in row.items():
            if column not in ("value", "low", "high", "year"):
                assert not cell.startswith(FORMULA), (column, cell)
    assert rows[0]["source"] == "'" + name


# ------------------------------------------------------------------------- properties

_COUNTRY_CODES = st.sampled_from(["PER", "COL", "BOL", "ECU", "BRA"])
_SEIZURE_ROWS = st.lists(
    st.tuples(
        _COUNTRY_CODES,
        st.sampled_from(["cocaine_hcl", "cocaine_base", "cannabis"]),
        st.floats(min_value=0.001, max_value=1e6, allow_nan=False),
        st.integers(min_value=1, max_value=365),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60)
@given(rows=_SEIZURE_ROWS)
def test_each_country_section_holds_exactly_that_countrys_totals(
    rows: list[tuple[str, str, float, int]],
) -> None:
    import datetime as dt

    from narcometrics import Seizure, SeizureTable

    table = SeizureTable.from_records(
        [
            Seizure(
                date=dt.date(2021, 1, 1) + dt.timedelta(days=day - 1),
                country=country,
                substance=substance,
                mass_kg=mass,
            )
            for country, substance, mass, day in rows
        ]
    )
    report = build_report(ReportData(seizures=table, national_series=_all_series()))
    expected = total(table, "mass_kg", by=("country", "substance")).to_dict()
    assert report.countries == tuple(sorted({r[0] for r in rows}))
    shown = {
        (s.country, substance): mass
        for s in report.sections
        for substance, mass in s.seizures_kg.items()
    }
    assert shown == expected  # per country, never pooled across countries
    for section in report.sections:
        assert section.history == ()  # seizures only: no eradication history


@pytest.mark.parametrize("year", ["２０１７", "2_017", " 2017", "17.0", "-2017", "20170"])
def test_the_year_option_takes_only_four_ascii_digits(
    year: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["report", "--year", year])
    assert stop.value.code == 2
    assert "a year is four ASCII digits" in capsys.readouterr().err


def test_an_undefined_share_is_said_in_words_never_nan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    training = _write(
        tmp_path / "training.csv",
        "date,institution,course,participants,followed_up,applying,verification\n"
        "2017-06-01,DIRANDRO,C1,10,0,0,independent\n",
    )
    status, out, _ = _run(["report", "--data", str(training)], capsys)
    assert status == 0
    assert "share undefined (nobody was followed up)" in out
    assert "nan" not in out.lower()


def test_dates_on_month_bounds_still_give_the_adjusted_estimate_without_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every date is the last day of its month: the dated estimate is refused with its
    # reason, and the estimate that does not use the dates is still shown in every format.
    days = ["2017-01-31", "2017-04-30", "2017-06-30", "2017-09-30", "2017-12-31"]
    areas = [120.0, 80.5, 60.25, 210.0, 33.0]
    path = tmp_path / "eradications.csv"
    path.write_text(
        "date,country,area_ha,method,id\n"
        + "".join(
            f"{d},PER,{a},manual,E{i}\n" for i, (d, a) in enumerate(zip(days, areas, strict=True))
        )
    )
    expected = avoided_production_adjusted(sum(areas), "pe-gov-2017")
    argv = ["report", "--data", str(path)]

    eradication = _section(_json(argv, capsys), "PER")["eradication"]
    assert eradication["avoided_production_adjusted"] is None
    assert "first or last day of a month" in eradication["missing"][0]
    undated = eradication["avoided_production_adjusted_without_dates"]
    assert (undated["central"], undated["low"], undated["high"]) == (
        expected.central,
        expected.low,
        expected.high,
    )

    status, text, _ = _run(argv, capsys)
    assert status == 0
    assert _line(text, "Adjusted estimate, without dates").split()[4] == f"{expected.central:,.1f}"
    assert "Missing: The adjusted estimate from the records' dates" in text

    rows = _csv(argv, capsys)
    [row] = [r for r in rows if r["indicator"] == "avoided_production_adjusted_without_dates"]
    assert float(row["value"]) == expected.central

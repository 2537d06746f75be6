"""The headline report and the ``narcometrics report`` command."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narcometrics.aggregate import best_ever, total, year_over_year
from narcometrics.cli import main
from narcometrics.datasets import COUNTRIES, national_series, peru_2017_example
from narcometrics.estimate import avoided_production, avoided_production_adjusted
from narcometrics.io import write_csv
from narcometrics.report import ReportData, build_report, render
from narcometrics.training import training_summary, transfer_rate

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    status, out, err = _run([*argv, "--format", "json"], capsys)
    assert status == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _csv(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    status, out, err = _run([*argv, "--format", "csv"], capsys)
    assert status == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def _section(data: dict[str, Any], country: str) -> dict[str, Any]:
    [found] = [s for s in data["sections"] if s["country"] == country]
    return found


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(start))


def _all_series() -> dict[str, Any]:
    return {code: national_series(code) for code in COUNTRIES}


# -------------------------------------------------------------------- the bundled example


def test_default_report_shows_the_published_figures(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(["report"], capsys)
    assert status == 0
    assert err == ""
    # The seed's figures: 22,165 ha eradicated "preventing the production of up to 204.8
    # tonnes of cocaine"; 111 organisations, 78 airstrips, 324 laboratories.
    assert "22,165 ha" in out
    assert "204.8 t" in out
    for count in ("111", "78", "324"):
        assert count in out
    assert "pe-gov-2017" in out
    assert "SYNTHETIC" in out


def test_each_figure_is_labelled_published_or_synthetic_in_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = _run(["report"], capsys)
    assert _line(out, "Criminal organisations disbanded").endswith("published")
    assert _line(out, "Illegal airstrips destroyed").endswith("published")
    assert _line(out, "Drug laboratories destroyed").endswith("published")
    assert _line(out, "Coca eradicated").endswith("published")
    assert _line(out, "Avoided production, up to").endswith("published")
    # 638 arrests were drawn at random by the example's generator: never published.
    arrests = _line(out, "Arrests")
    assert "638" in arrests
    assert arrests.endswith("synthetic")
    assert _line(out, "Adjusted estimate").endswith("synthetic")
    assert "published: FIIAPP, 'Peru: successful cooperation'" in out
    assert "synthetic: drawn by scripts/make_peru_2017_example.py (seed 20170101)" in out


def test_each_figure_is_labelled_published_or_synthetic_in_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _json(["report"], capsys)
    peru = _section(data, "PER")
    ops = peru["operations"]
    assert {n: (f["value"], f["status"]) for n, f in ops.items()} == {
        "organisations_disbanded": (111, "published"),
        "airstrips_destroyed": (78, "published"),
        "laboratories_destroyed": (324, "published"),
        "arrests": (638, "synthetic"),
    }
    assert "FIIAPP" in ops["laboratories_destroyed"]["source"]
    assert "make_peru_2017_example.py" in ops["arrests"]["source"]
    erad = peru["eradication"]
    assert (erad["eradicated_ha"]["value"], erad["eradicated_ha"]["status"]) == (
        22_165,
        "published",
    )
    assert erad["avoided_production_up_to"]["status"] == "published"
    assert erad["avoided_production_adjusted"]["status"] == "synthetic"
    assert peru["seizures"]["status"] == "synthetic"
    assert data["training"]["status"] == "synthetic"


def test_each_figure_is_labelled_published_or_synthetic_in_csv(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = _csv(["report"], capsys)
    status = {(r["section"], r["indicator"], r["year"]): r["status"] for r in rows}
    assert status[("operations", "arrests", "2017")] == "synthetic"
    assert status[("operations", "laboratories_destroyed", "2017")] == "published"
    assert status[("eradication", "eradicated_ha", "2017")] == "published"
    assert status[("eradication", "avoided_production_up_to", "2017")] == "published"
    assert status[("eradication", "avoided_production_adjusted", "2017")] == "synthetic"
    assert status[("training", "trained", "2017")] == "synthetic"
    assert all(r["status"] in ("published", "synthetic") for r in rows)
    assert not any("totals as published" in r["source"] for r in rows)


def test_a_published_label_needs_the_published_value() -> None:
    # The same synthetic data one laboratory short: 323 is not the published 324.
    example = peru_2017_example()
    data = ReportData.from_example(example, operations=example.operations[1:])
    section = build_report(data).section("PER")
    assert section.counts["laboratories_destroyed"] != 324
    assert section.status["laboratories_destroyed"] == "synthetic"


def test_record_claims_say_what_they_compare(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(["report"], capsys)
    # Published eradication: 2013-2016 (23,900 to 35,868 ha) were all higher than 2017.
    assert "2017 is not a record: eradication was higher in 2013, 2014, 2015, 2016." in out
    # 2015 is the highest of nine earlier published values, and the series has no
    # eradication figure for 2006-2008 and 2010 (reference/peru-series.csv).
    assert _line(out, "2015").endswith(
        "record: highest since 2002 (9 earlier published values; no figure for 2006-2008, 2010)"
    )
    data = _json(["report"], capsys)
    [row] = [r for r in _section(data, "PER")["eradication_history"] if r["year"] == 2015]
    assert (row["record"], row["compared_with"], row["years_absent"]) == (
        "highest since 2002",
        9,
        [2006, 2007, 2008, 2010],
    )


def test_the_published_series_keeps_its_caveats_in_the_report(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = _run(["report"], capsys)
    assert "2014: eradication published as 'around 31,200' (rounded)" in out
    assert "115,337 does not reproduce 121,242" in out
    data = _json(["report"], capsys)
    history = {r["year"]: r for r in _section(data, "PER")["eradication_history"]}
    assert history[2013]["note"].endswith("'more than 23,900' (rounded)")


def test_the_adjusted_estimate_says_it_rests_on_invented_dates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = _run(["report"], capsys)
    assert "depends on the synthetic example's invented eradication dates" in out
    # Without dates the harvested share takes its default (102.4 t; 98.9 t from the dates).
    central = avoided_production_adjusted(22_165, "pe-gov-2017").central
    assert f"without dates (harvested share at its default): {central:,.1f} t" in out
    data = _json(["report"], capsys)
    adjusted = _section(data, "PER")["eradication"]["avoided_production_adjusted"]
    assert "invented eradication dates" in adjusted["caveat"]
    undated = avoided_production_adjusted(22_165, "pe-gov-2017")
    assert adjusted["without_dates"]["central"] == undated.central
    share = next(a for a in adjusted["provenance"]["assumptions"] if a["name"] == "harvested_share")
    # Per-record values from the dates, not "null with low 0 and high 1".
    assert share["per_record"] is True
    assert share["records"] == len(peru_2017_example().eradications)
    assert 0 < share["low"] <= share["value"] <= share["high"] < 1


def test_the_headline_training_share_is_the_independently_verified_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    training = peru_2017_example().training
    kinds = training.verification.to_numpy()
    independent = transfer_rate(training[kinds == "independent"])
    self_reported = transfer_rate(training[kinds == "self_reported"])
    _, out, _ = _run(["report"], capsys)
    headline = _line(out, "Verified independently as applying")
    assert f"{independent.k} of {independent.n} followed up" in headline
    apart = _line(out, "Self-reported applying (not verification)")
    assert f"{self_reported.k} of {self_reported.n} followed up" in apart
    assert "78 of 108" not in out  # the pooled figure mixes both
    data = _json(["report"], capsys)["training"]
    assert data["independently_verified"]["verification"] == "independent"
    assert data["independently_verified"]["k"] == independent.k
    assert data["self_reported"]["n"] == self_reported.n


def test_the_json_equals_the_library_functions_results(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = peru_2017_example()
    data = _json(["report"], capsys)
    peru = _section(data, "PER")
    for name in ("organisations_disbanded", "airstrips_destroyed", "laboratories_destroyed"):
        assert peru["operations"][name]["value"] == total(example.operations, name).grand_total
    hectares = total(example.eradications, "area_ha").grand_total
    assert peru["eradication"]["eradicated_ha"]["value"] == hectares
    up_to = avoided_production(hectares, "pe-gov-2017")
    assert peru["eradication"]["avoided_production_up_to"]["central"] == up_to.central
    adjusted = avoided_production_adjusted(
        example.eradications.area_ha,
        "pe-gov-2017",
        eradication_date=example.eradications.date,
        zone_axis=0,
    )
    shown = peru["eradication"]["avoided_production_adjusted"]
    assert (shown["central"], shown["low"], shown["high"]) == (
        adjusted.central,
        adjusted.low,
        adjusted.high,
    )
    seized = total(example.seizures, "mass_kg", by="substance").to_dict()
    assert {s: v["mass_kg"] for s, v in peru["seizures"]["by_substance"].items()} == {
        k[0]: v for k, v in seized.items()
    }
    summary = training_summary(example.training).to_dict()
    assert data["training"]["summary"] == json.loads(json.dumps(summary))
    series = national_series("PER")
    years, values = series.published("eradicated_ha", before=2017)
    years = np.r_[years, 2017]
    values = np.r_[values, hectares]
    history = peru["eradication_history"]
    assert [r["year"] for r in history] == years.tolist()
    change = year_over_year(years, values)
    assert [r["change_percent"] for r in history] == [
        None if math.isnan(c) else c for c in change.tolist()
    ]
    assert [r["record"] for r in history] == best_ever(years, values).label.tolist()


def test_csv_output_is_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _csv(["report"], capsys)
    by_name = {(r["section"], r["indicator"], r["year"]): r for r in rows}
    assert float(by_name[("eradication", "eradicated_ha", "2017")]["value"]) == 22_165
    assert int(by_name[("operations", "airstrips_destroyed", "2017")]["value"]) == 78
    assert {r["country"] for r in rows if r["section"] != "training"} == {"PER"}


def test_report_from_user_files_equals_the_bundled_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = peru_2017_example()
    for name in ("operations", "seizures", "eradications", "training"):
        write_csv(tmp_path / f"{name}.csv", getattr(example, name))
    mine = _json(["report", "--data", str(tmp_path)], capsys)
    theirs = _json(["report"], capsys)

    def numbers(data: dict[str, Any]) -> Any:
        peru = _section(data, "PER")
        erad = peru["eradication"]
        return (
            {n: f["value"] for n, f in peru["operations"].items()},
            erad["eradicated_ha"]["value"],
            erad["avoided_production_up_to"]["central"],
            erad["avoided_production_adjusted"]["central"],
            peru["seizures"]["by_substance"],
            data["training"]["summary"],
        )

    assert numbers(mine) == numbers(theirs)
    assert mine["data"]["synthetic"] is False
    assert {f["status"] for f in _section(mine, "PER")["operations"].values()} == {"data"}


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


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--data", "missing.csv"], "missing.csv: path: file not found"),
        (["report", "--year", "2016"], "year: has no records (years in the data: 2017)"),
        (["report", "--factors", "pe-gov-1999"], "factors: must be one of:"),
        (["report", "--country", "COL"], "country: must be one of: PER ('COL')"),
        (["report", "--country", "PÉR"], "country: must be one of: PER ('PÉR')"),
    ],
)
def test_bad_input_exits_2_with_one_line_per_problem(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = _run(argv, capsys)
    assert status == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_bad_rows_are_each_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "seizures.csv"
    path.write_text(
        "date,country,substance,mass_kg\n2017-01-01,PER,crack,-1\n2017-01-02,PER,sugar,2\n",
        encoding="utf-8",
    )
    from narcometrics import Substance

    status, _, err = _run(["report", "--data", str(path)], capsys)
    assert status == 2
    lines = err.strip().splitlines()
    assert lines == [
        f"narcometrics: error: {path}:2:4: mass_kg: must be > 0 (-1.0)",
        f"narcometrics: error: {path}:3:3: substance: must be one of: "
        + ", ".join(s.value for s in Substance)
        + " ('sugar')",
    ]


def test_malformed_and_unrecognised_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("when,what\n2017,x\n", encoding="utf-8")
    status, _, err = _run(["report", "--data", str(odd)], capsys)
    assert status == 2
    assert "columns fit no record type" in err
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    status, _, err = _run(["report", "--data", str(broken)], capsys)
    assert status == 2
    assert "malformed JSON" in err


def test_report_default_factor_set_is_a_deprecated_alias() -> None:
    from narcometrics import report

    with pytest.warns(DeprecationWarning, match=r"factors.default_factor_set\(year, country\)"):
        assert report.default_factor_set(2017) == "pe-gov-2017"


def test_render_formats_agree() -> None:
    example = peru_2017_example()
    report = build_report(
        ReportData(eradications=example.eradications, national_series=_all_series()),
        year=2017,
    )
    assert report.section("PER").counts == {}
    text = render(report)
    assert "Operations" not in text
    assert "204.8 t" in text
    with pytest.raises(ValueError, match="format"):
        render(report, "xml")  # type: ignore[arg-type]


def test_the_console_script_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "narcometrics", "report"], capture_output=True, text=True, check=True
    )
    assert "204.8 t" in out.stdout


def test_a_count_column_missing_from_the_files_is_not_reported_as_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = tmp_path / "ops-a.csv"
    a.write_text("date,country,organisations_disbanded,arrests\n2017-02-01,PER,3,5\n", "utf-8")
    b = tmp_path / "ops-b.csv"
    b.write_text("date,country,organisations_disbanded\n2017-03-01,PER,2\n", "utf-8")
    data = _json(["report", "--data", str(a), str(b)], capsys)
    operations = _section(data, "PER")["operations"]
    assert operations["organisations_disbanded"]["value"] == 5
    assert operations["arrests"]["value"] is None  # only one file has arrests: no honest total
    assert operations["airstrips_destroyed"]["value"] is None
    assert operations["arrests"]["note"] == "not in the data"
    _, text, _ = _run(["report", "--data", str(a), str(b)], capsys)
    assert "not in the data" in text
    assert "so not reported: airstrips_destroyed, laboratories_destroyed, arrests" in text


def test_the_report_module_only_chooses_and_renders() -> None:
    # Every number comes from the library's functions (issue "one path through the house"):
    # no sums, counts or grouping of record columns in the report's own code.
    root = Path(__file__).resolve().parents[1] / "src" / "narcometrics"
    for name in ("report.py", "_report_render.py"):
        code = (root / name).read_text(encoding="utf-8")
        for arithmetic in (".sum(", "np.sum", "bincount", "np.unique", "groupby", "cumsum"):
            assert arithmetic not in code, (name, arithmetic)


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

"""The headline report and the ``narcometrics report`` command: the bundled example's figures
and labels in every format, the report from user files, and bad input.

The report per country, unsafe output values and the property tests are in
``test_report_countries.py``; the HTML report in ``test_report_html.py``.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from narcometrics.aggregate import best_ever, total, year_over_year
from narcometrics.datasets import national_series, peru_2017_example
from narcometrics.estimate import avoided_production, avoided_production_adjusted
from narcometrics.io import write_csv
from narcometrics.report import ReportData, build_report, render
from narcometrics.training import training_summary, transfer_rate
from report_cli import _all_series, _csv, _json, _line, _run, _section

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

"""The headline report and the ``narcometrics report`` command."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from narcometrics.cli import main
from narcometrics.datasets import peru_2017_example, peru_national_series
from narcometrics.io import write_csv
from narcometrics.report import ReportData, build_report, default_factor_set, render


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


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


def test_report_flags_records_honestly(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(["report"], capsys)
    # Published eradication: 2015 35,868 ha and 2016 30,151 ha were higher than 2017.
    assert "2017 is not a record: eradication was higher in 2015, 2016." in out
    line_2015 = next(line for line in out.splitlines() if line.strip().startswith("2015"))
    assert "record: highest since 2004" in line_2015


def test_json_carries_the_same_numbers_and_provenance(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(["report", "--format", "json"], capsys)
    assert status == 0
    data = json.loads(out)
    erad = data["eradication"]
    assert erad["eradicated_ha"] == 22_165
    up_to = erad["avoided_production_up_to"]
    assert round(up_to["central"], 1) == 204.8
    assert up_to["provenance"]["factor_set"] == "pe-gov-2017"
    assert up_to["provenance"]["citations"]
    assert up_to["provenance"]["library_version"] == data["narcometrics_version"]
    adjusted = erad["avoided_production_adjusted"]
    assert adjusted["low"] <= adjusted["central"] <= adjusted["high"] <= up_to["central"]
    assert data["operations"]["laboratories_destroyed"] == 324
    assert data["data"]["synthetic"] is True
    training = data["training"]["transfer"]
    assert training["low"] <= training["share"] <= training["high"]


def test_csv_output_is_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(["report", "--format", "csv"], capsys)
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    by_name = {(r["section"], r["indicator"], r["year"]): r for r in rows}
    assert float(by_name[("eradication", "eradicated_ha", "2017")]["value"]) == 22_165
    assert int(by_name[("operations", "airstrips_destroyed", "2017")]["value"]) == 78


def test_report_from_user_files_equals_the_bundled_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = peru_2017_example()
    for name in ("operations", "seizures", "eradications", "training"):
        write_csv(tmp_path / f"{name}.csv", getattr(example, name))
    status, out, err = _run(["report", "--data", str(tmp_path), "--format", "json"], capsys)
    assert status == 0, err
    _, bundled, _ = _run(["report", "--format", "json"], capsys)
    mine, theirs = json.loads(out), json.loads(bundled)
    for key in ("operations", "eradication", "seizures", "training"):
        assert mine[key] == theirs[key]
    assert mine["data"]["synthetic"] is False


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--data", "missing.csv"], "missing.csv: path: file not found"),
        (["report", "--year", "2016"], "year: has no records (years in the data: 2017)"),
        (["report", "--factors", "pe-gov-1999"], "factors: must be one of:"),
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
        "date,country,substance,mass_kg\n2017-01-01,PER,crack,-1\n2017-01-02,PER,heroin,2\n",
        encoding="utf-8",
    )
    status, _, err = _run(["report", "--data", str(path)], capsys)
    assert status == 2
    lines = err.strip().splitlines()
    assert lines == [
        f"narcometrics: error: {path}:2:4: mass_kg: must be > 0 (-1.0)",
        f"narcometrics: error: {path}:3:3: substance: must be one of: coca_leaf, coca_paste, "
        "cocaine_base, cocaine_hcl, crack, cannabis, other ('heroin')",
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


def test_a_year_without_a_covering_factor_set_asks_for_one() -> None:
    with pytest.raises(ValueError, match="choose one with --factors"):
        default_factor_set(2019)
    assert default_factor_set(2017) == "pe-gov-2017"
    assert default_factor_set(2022) == "pe-gov-2022"


def test_render_formats_agree() -> None:
    example = peru_2017_example()
    report = build_report(
        ReportData(eradications=example.eradications, national_series=peru_national_series()),
        year=2017,
    )
    assert report.counts == {}
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
    status, out, _ = _run(["report", "--data", str(a), str(b), "--format", "json"], capsys)
    assert status == 0
    operations = json.loads(out)["operations"]
    assert operations["organisations_disbanded"] == 5
    assert operations["arrests"] is None  # only one file has arrests: no honest total
    assert operations["airstrips_destroyed"] is None
    _, text, _ = _run(["report", "--data", str(a), str(b)], capsys)
    assert "not in the data" in text
    assert "so not reported: airstrips_destroyed, laboratories_destroyed, arrests" in text

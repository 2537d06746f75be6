"""`narcometrics report --columns FILE`: messy files through a column mapping file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from narcometrics.cli import main

openpyxl = pytest.importorskip("openpyxl")

MAPPING = {
    "Fecha": "date",
    "País": "country",
    "Región": "region",
    "Droga": "substance",
    "Peso (g)": "mass_g",
    "Notas": None,
}


def _spanish(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(["Fecha", "País", "Región", "Droga", "Peso (g)", "Notas"])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_mapping_file_reads_a_spanish_workbook_and_reports_each_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _spanish(
        tmp_path / "incautaciones.xlsx",
        [
            [dt.date(2017, 3, 1), "Perú", "Huánuco", "PBC", 2500, "x"],
            [dt.date(2017, 3, 2), "Peru", "Cusco", "clorhidrato de cocaína", 1500, None],
            [dt.date(2017, 5, 2), "PER", "Puno", "pbc", 500, None],
        ],
    )
    columns = tmp_path / "columnas.json"
    columns.write_text(json.dumps(MAPPING), encoding="utf-8")
    status = main(["report", "--data", str(data), "--columns", str(columns), "--format", "json"])
    out, err = capsys.readouterr()
    assert status == 0
    [section] = json.loads(out)["sections"]
    seizures = section["seizures"]["by_substance"]
    assert seizures["coca_paste"] == {"mass_kg": 3.0, "seizures": 2}
    assert seizures["cocaine_hcl"] == {"mass_kg": 1.5, "seizures": 1}
    assert f"note: {data}: substance: 'PBC' -> 'coca_paste' (1 values)" in err
    assert f"note: {data}: country: 'Perú' -> 'PER' (1 values)" in err
    assert f"note: {data}: unit: 'g' -> 'kg (definition of the unit)' (3 values)" in err


def test_without_the_mapping_file_the_same_workbook_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _spanish(tmp_path / "s.xlsx", [[dt.date(2017, 3, 1), "Perú", "x", "PBC", 1, None]])
    assert main(["report", "--data", str(data)]) == 2
    assert "columns fit no record type" in capsys.readouterr().err


def test_bad_mapping_files_and_unknown_names_exit_2_with_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _spanish(
        tmp_path / "s.xlsx",
        [
            [dt.date(2017, 3, 1), "Narnia", "x", "PBC", 1, None],
            [dt.date(2017, 3, 2), "Perú", "x", "cocaína", 1, None],
        ],
    )
    columns = tmp_path / "c.json"
    columns.write_text("{not json", encoding="utf-8")
    assert main(["report", "--data", str(data), "--columns", str(columns)]) == 2
    assert "malformed JSON" in capsys.readouterr().err
    columns.write_text(json.dumps(MAPPING), encoding="utf-8")
    assert main(["report", "--data", str(data), "--columns", str(columns)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert "s.xlsx[Sheet]:2:2: country: unknown name" in lines[0]
    assert "s.xlsx[Sheet]:3:4: substance: unknown name" in lines[1]

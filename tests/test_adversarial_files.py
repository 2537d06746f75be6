"""Adversarial files through the library and through the command (issue 13).

Each input (``CSV_CASES`` in ``adversarial_cases_csv.py``, ``OTHER_CASES`` in
``adversarial_cases_other.py``) is a set of files a user could hand to
``narcometrics report --data``. Every input is read twice: with
[`narcometrics.io.read_files`][narcometrics.io.read_files], which must give the expected
number of records or a ValidationError whose every problem names a file of the input (and,
for a bad cell, its row and column); and with the command, which must exit 0, or exit 2
printing exactly one line per problem of that same error, never a traceback. Neither may
leave a file behind (no temporary file, nothing written half).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from adversarial_cases_csv import CSV_CASES
from adversarial_cases_other import OTHER_CASES
from adversarial_inputs import Expect, Setup, seizure_rows
from narcometrics import ValidationError
from narcometrics.cli import main
from narcometrics.io import read_files, write_csv, write_parquet
from narcometrics.io._files import escape_name

CASES: dict[str, tuple[Setup, Expect]] = {**CSV_CASES, **OTHER_CASES}


def _written(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_there_are_at_least_120_distinct_inputs() -> None:
    assert len(CASES) >= 120


@pytest.mark.parametrize("name", list(CASES))
def test_an_adversarial_input_gives_the_right_answer_or_clear_errors(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if ("FIFO" in name and not hasattr(os, "mkfifo")) or (
        ("link" in name or "\n" in name or "\x1b" in name) and os.name != "posix"
    ):
        pytest.skip("needs a POSIX file system")  # pragma: no cover
    setup, expect = CASES[name]
    folder = tmp_path / "input"
    folder.mkdir()
    paths = setup(folder)
    before = _written(folder)
    shown = [escape_name(Path(p).name) for p in os.listdir(folder)] + [
        escape_name(Path(p).name) for p in paths
    ]

    # The library.
    error: ValidationError | None = None
    try:
        found = read_files(paths)
    except ValidationError as caught:
        error = caught
    if isinstance(expect, int):
        assert error is None, str(error)
        assert sum(len(f.table) for f in found) == expect
    else:
        text, where = expect
        assert error is not None, f"{name}: read without error"
        assert text in str(error)
        for problem in error.problems:
            assert problem.path is not None, problem
            assert any(problem.path.endswith(s) for s in shown), (problem.path, shown)
        if where is not None:
            row, column = where
            assert any(
                p.row == row and (column is None or p.column == column) for p in error.problems
            ), [str(p) for p in error.problems]
    assert _written(folder) == before

    # The command.
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    status = main(["report", "--data", *paths, "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert _written(folder) == before
    if error is not None:
        assert status == 2
        assert out == ""
        lines = err.splitlines()
        problems = [f"narcometrics: error: {p}" for p in error.problems]
        assert lines[: len(problems)] == problems
        assert len(lines) == len(problems) + error.truncated + len(error.summary)
        assert all("\x1b" not in line for line in lines)
    else:
        assert status in (0, 2), err
        if status == 0:
            assert err == ""
            json.loads(out)
        else:  # the data were read; the report itself has nothing to show for them
            assert out == ""
            assert all(line.startswith("narcometrics: error: ") for line in err.splitlines())


def test_a_folder_of_records_written_by_the_library_reads_back(tmp_path: Path) -> None:
    rows = seizure_rows(30, "PER") + seizure_rows(20, "BOL", start=30)
    write_csv(tmp_path / "per.csv", rows[:30])
    write_parquet(tmp_path / "bol.parquet", rows[30:])
    found = read_files([tmp_path])
    assert [r for f in found for r in f.table] == sorted(rows, key=lambda r: r.country)


@pytest.mark.parametrize(
    "again",
    [
        lambda folder: [str(folder / "s.csv"), str(folder / "s.csv")],
        lambda folder: [str(folder), str(folder / "s.csv")],
        lambda folder: [str(folder / "s.csv"), str(folder / "link.csv")],
    ],
    ids=["repeated path", "folder and a file in it", "symbolic link"],
)
def test_the_report_counts_a_file_reached_twice_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], again: Callable[[Path], list[str]]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write_csv(folder / "s.csv", seizure_rows(6))
    alone = folder / "s.csv"
    capsys.readouterr()
    assert main(["report", "--data", str(alone), "--format", "json"]) == 0
    once = json.loads(capsys.readouterr().out)
    (folder / "link.csv").symlink_to(alone)
    paths = again(folder)
    if len(paths) == 2 and paths[0] == str(folder):
        (folder / "link.csv").unlink()  # the folder alone holds s.csv once
    assert main(["report", "--data", *paths, "--format", "json"]) == 0
    twice = json.loads(capsys.readouterr().out)
    # The label and the sources list the paths given; the figures must not change.
    assert [x["seizures"]["by_substance"] for x in twice["sections"]] == [
        x["seizures"]["by_substance"] for x in once["sections"]
    ]
    assert [x["country"] for x in twice["sections"]] == [x["country"] for x in once["sections"]]

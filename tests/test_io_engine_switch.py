"""Which engine the "auto" CSV engine picks: pyarrow only where it pays for its import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import narcometrics.io._readers as readers
from narcometrics import Seizure
from narcometrics.io import AUTO_PYARROW_BYTES, AUTO_PYARROW_COLD_BYTES, read_csv

HEADER = "date,country,substance,mass_kg\n"
ROW = "2017-01-01,PER,cocaine_hcl,1.5\n"


def _file(path: Path, size: int) -> Path:
    path.write_text(HEADER + ROW * (size // len(ROW) + 1), encoding="utf-8")
    return path


def test_the_cold_threshold_is_above_the_warm_one() -> None:
    assert AUTO_PYARROW_COLD_BYTES > AUTO_PYARROW_BYTES


def test_a_file_between_the_thresholds_goes_to_pyarrow_only_once_it_is_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "AUTO_PYARROW_BYTES", 1_000)
    monkeypatch.setattr(readers, "AUTO_PYARROW_COLD_BYTES", 100_000)
    middle = _file(tmp_path / "middle.csv", 10_000)
    large = _file(tmp_path / "large.csv", 200_000)
    small = _file(tmp_path / "small.csv", 100)
    import pyarrow  # noqa: F401  (a process that has imported it, as pandas does)

    assert [readers._large(p) for p in (small, middle, large)] == [False, True, True]
    monkeypatch.delitem(sys.modules, "pyarrow")  # as in a process that never imported it
    assert [readers._large(p) for p in (small, middle, large)] == [False, False, True]


def test_a_first_read_of_a_file_of_a_few_mib_does_not_import_pyarrow(tmp_path: Path) -> None:
    path = _file(tmp_path / "seizures.csv", AUTO_PYARROW_BYTES + 4096)
    code = (
        "import sys\n"
        "from narcometrics import Seizure\n"
        "from narcometrics.io import read_csv\n"
        f"table = read_csv({str(path)!r}, Seizure)\n"
        "print(len(table), 'pyarrow' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    rows = len(read_csv(path, Seizure, engine="pyarrow"))
    assert done.stdout.split() == [str(rows), "False"]

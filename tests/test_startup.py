"""Start-up: what the report path imports lazily gives the same values as before."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest
from scipy import special

from narcometrics import _version
from narcometrics.training import _intervals


def test_the_version_read_without_importlib_metadata_is_the_installed_one() -> None:
    assert _version.__version__ == importlib.metadata.version("narcometrics")
    assert _version._from_dist_info() == importlib.metadata.version("narcometrics")


@pytest.mark.parametrize("tail", sorted(_intervals.NORMAL_QUANTILES))
def test_the_stored_normal_quantiles_are_scipys_bit_for_bit(tail: float) -> None:
    assert _intervals.NORMAL_QUANTILES[tail] == float(-special.ndtri(tail))
    assert _intervals.normal_quantile(tail) == float(-special.ndtri(tail))


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.97, 0.5])
def test_every_confidence_gives_scipys_normal_quantile(confidence: float) -> None:
    tail = (1.0 - confidence) / 2.0
    assert _intervals.normal_quantile(tail) == float(-special.ndtri(tail))


def _imported_after(code: str, *argv: str) -> set[str]:
    """The modules a fresh interpreter holds after ``code`` (run with ``argv``)."""
    script = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    done = subprocess.run(
        [sys.executable, "-c", script, *argv], check=True, capture_output=True, text=True
    )
    return set(done.stderr.split())


#: What the report on the bundled example never needs: the Monte Carlo generators (no draws),
#: the readers of other file kinds and of many files, the pyarrow CSV engine and its thread
#: pool, citations, the random names of temporary files (`secrets`), argparse's terminal width
#: (`shutil`, with the compression modules), `pathlib` (with `urllib.parse`), and the optional
#: or heavy libraries.
NOT_ON_THE_REPORT_PATH = (
    "numpy.random",
    "secrets",
    "random",
    "shutil",
    "pathlib",
    "narcometrics.io._xlsx",
    "narcometrics.io._cells",
    "narcometrics.io._json_columns",
    "narcometrics.io._csv_arrow",
    "narcometrics.io._many",
    "narcometrics.io._collect",
    "narcometrics.citation",
    "narcometrics.serialize",
    "narcometrics.estimate.production",
    "narcometrics.estimate.seizures",
    "concurrent.futures",
    "logging",
    "jinja2",
    "narwhals",
    "msgspec",
    "pycountry",
    "pyarrow",
    "pandas",
)

_REPORT = (
    "import io, contextlib\n"
    "from narcometrics.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    main(['report'])\n"
)


@pytest.fixture(scope="module")
def report_modules() -> set[str]:
    """The modules of a fresh interpreter after the text report on the bundled example: one
    run for the two tests below, which asked a fresh interpreter the same question each."""
    return _imported_after(_REPORT)


def test_the_report_on_the_bundled_example_imports_no_scipy_importlib_metadata_or_cattrs(
    report_modules: set[str],
) -> None:
    loaded = report_modules
    assert sorted(m for m in ("scipy", "importlib.metadata", "cattrs") if m in loaded) == []


def test_the_text_report_on_the_bundled_example_imports_none_of_what_it_does_not_need(
    report_modules: set[str],
) -> None:
    loaded = report_modules
    assert "narcometrics.report" in loaded  # the report ran
    assert sorted(loaded & set(NOT_ON_THE_REPORT_PATH)) == []


@pytest.mark.parametrize(
    ("code", "wanted", "not_wanted"),
    [
        (
            "from narcometrics.io import read_csv",
            "narcometrics.io._readers",
            ["narcometrics.io._xlsx", "narcometrics.io._many", "narcometrics.io._csv_arrow"],
        ),
        (
            "from narcometrics.io import read_xlsx",
            "narcometrics.io._xlsx",
            ["narcometrics.io._many", "narcometrics.io._collect", "narcometrics.io._csv_arrow"],
        ),
        (
            "from narcometrics.estimate import avoided_production",
            "narcometrics.estimate.eradication",
            ["narcometrics.estimate.production", "narcometrics.estimate.seizures"],
        ),
        (
            "from narcometrics.aggregate import total",
            "narcometrics.aggregate._groupby",
            ["narcometrics.aggregate._deprecated"],
        ),
        (
            "import narcometrics.training",
            "narcometrics.training",
            ["narcometrics.training._scores"],
        ),
    ],
)
def test_a_subpackage_imports_only_the_module_of_the_name_asked_for(
    code: str, wanted: str, not_wanted: list[str]
) -> None:
    loaded = _imported_after(code)
    assert wanted in loaded
    assert sorted(loaded & set(not_wanted)) == []


def test_a_lazily_imported_name_is_the_object_its_module_defines() -> None:
    from narcometrics import estimate, io
    from narcometrics.estimate import eradication
    from narcometrics.io import _readers, _xlsx

    assert io.read_csv is _readers.read_csv
    assert io.read_xlsx is _xlsx.read_xlsx
    assert estimate.avoided_production is eradication.avoided_production
    assert "read_csv" in vars(io)  # kept after the first look-up


def test_an_xlsx_file_is_read_and_written_through_read_and_write_as_before(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    from narcometrics.datasets import peru_2017_example
    from narcometrics.io import read, write
    from narcometrics.records import Seizure

    seizures = peru_2017_example().seizures
    write(tmp_path / "s.xlsx", seizures)
    again = read(tmp_path / "s.xlsx", Seizure)
    assert again.to_records() == seizures.to_records()


@pytest.mark.parametrize("package", ["aggregate", "estimate", "io", "training"])
def test_every_submodule_of_a_lazy_subpackage_is_an_attribute_as_when_imported_up_front(
    package: str,
) -> None:
    folder = Path(__file__).resolve().parents[1] / "src" / "narcometrics" / package
    names = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    code = (
        f"import narcometrics.{package} as package\n"
        f"for name in {names!r}:\n"
        "    assert getattr(package, name).__name__ == package.__name__ + '.' + name, name\n"
        "for name in ('no_such_module', '__wrapped__'):\n"
        "    assert not hasattr(package, name), name\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "ok"


def test_the_command_prints_what_main_prints_and_exits_with_its_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from narcometrics.cli import main

    assert main(["report", "--format", "json"]) == 0
    expected = capsys.readouterr().out
    ran = subprocess.run(
        [sys.executable, "-m", "narcometrics", "report", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, expected, "")
    bad = subprocess.run(
        [sys.executable, "-m", "narcometrics", "report", "--year", "1890"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2, bad.stderr
    assert "1890" in bad.stderr


@pytest.mark.parametrize("columns", ["60", "100", "0", "wide", None])
def test_the_help_is_wrapped_as_argparse_wraps_it_with_shutil(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's own help formatter (which spares importing shutil) wraps the help as
    argparse's does with ``shutil.get_terminal_size``: ``COLUMNS``, else the terminal, else
    80 columns."""
    import argparse

    from narcometrics.cli import build_parser

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    parser = build_parser()
    ours = parser.format_help()
    parser.formatter_class = argparse.HelpFormatter
    assert ours == parser.format_help()

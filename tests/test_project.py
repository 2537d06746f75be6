"""Project metadata: one version everywhere, a working command, shipped type information."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

import narcometrics
from narcometrics.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        version: str = tomllib.load(fh)["project"]["version"]
    return version


def test_version_comes_from_the_installed_metadata() -> None:
    assert narcometrics.__version__ == _pyproject_version()


def test_citation_version_agrees_with_pyproject() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert str(citation["version"]) == _pyproject_version()


def test_changelog_follows_keep_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Keep a Changelog" in text
    assert re.search(r"^## \[Unreleased\]", text, flags=re.MULTILINE)


def test_package_ships_type_information() -> None:
    assert (Path(narcometrics.__file__).parent / "py.typed").is_file()


def test_version_flag(capsys: object) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "narcometrics", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"narcometrics {narcometrics.__version__}"


def test_help_flag_lists_the_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "narcometrics", "--help"], capture_output=True, text=True, check=True
    )
    assert "usage: narcometrics" in out.stdout


def test_main_without_arguments_prints_help_and_succeeds(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([]) == 0
    assert "usage: narcometrics" in capsys.readouterr().out

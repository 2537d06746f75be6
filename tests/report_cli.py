"""Run the ``narcometrics report`` command in-process and read its output, for the report
tests (``test_report.py`` and ``test_report_countries.py``)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from narcometrics.cli import main
from narcometrics.datasets import COUNTRIES, national_series


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

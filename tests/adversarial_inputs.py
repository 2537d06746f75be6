"""The inputs of the adversarial file tests: CSV headers and rows, the two input builders
(one file, several files) and the record rows they share. Used by ``adversarial_cases_csv.py``,
``adversarial_cases_other.py`` and ``test_adversarial_files.py``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from narcometrics import Seizure

S = "date,country,substance,mass_kg,purity,region,id\n"
G = "2017-03-01,PER,crack,1.5,,Lima,\n"  # one good seizure
OPS = "date,country,arrests,airstrips_destroyed\n"
E = "date,country,area_ha,method\n"
T = "date,institution,course,participants,pre_scores,post_scores,max_score,participant_ids\n"
BIG = 10_000_001  # characters in a "10 MB" cell

Setup = Callable[[Path], list[str]]
#: What an input gives: a number of records, or ``(text in the error, (row, column) or None)``.
Expect = int | tuple[str, tuple[int, int | None] | None]


def file(name: str, content: str | bytes, encoding: str = "utf-8") -> Setup:
    """One file named ``name`` holding ``content``; the input is that file."""

    def setup(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return [str(path)]

    return setup


def files(*pairs: tuple[str, str | bytes], given: list[str] | None = None) -> Setup:
    """Several files; the input is ``given`` (relative names, "." for the folder) or all."""

    def setup(folder: Path) -> list[str]:
        for name, content in pairs:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
        names = given if given is not None else [name for name, _ in pairs]
        return [str(folder / name) if name != "." else str(folder) for name in names]

    return setup


def seizure_rows(n: int, country: str = "PER", start: int = 0) -> list[Seizure]:
    return [
        Seizure(
            date=dt.date(2017, 1 + i % 12, 1),
            country=country,
            substance="cocaine_hcl",
            mass_kg=1.0 + i,
            id=f"{country}-{start + i}",
        )
        for i in range(n)
    ]


def _json(records: Any) -> str:
    return json.dumps(records)


J = {"date": "2017-03-01", "country": "PER", "substance": "crack", "mass_kg": 1.5}

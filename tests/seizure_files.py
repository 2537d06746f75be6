"""Seizure records and CSV lines shared by the file tests (``test_io_files.py``,
``test_io_files_writers.py`` and ``test_io_files_corruption.py``), and the two CSV engines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from narcometrics import Seizure

ENGINES = ["python", "pyarrow"]
HEADER = "date,country,substance,mass_kg,purity,region\n"
GOOD = "2017-01-01,PER,crack,1.5,,Lima\n"


def seizures(n: int, **extra: Any) -> list[Seizure]:
    return [
        Seizure(
            date=dt.date(2017, 1, 1 + i % 28),
            country="PER",
            substance="crack",
            mass_kg=1.0 + i,
            id=f"s{i}",
            **extra,
        )
        for i in range(n)
    ]

"""Copy the citation metadata of ``CITATION.cff`` into the package, as JSON.

``narcometrics.cite()`` and ``narcometrics cite`` read the copy from the installed package (a
wheel has no ``CITATION.cff``), so it must say what ``CITATION.cff`` says. Run from the
repository root after editing ``CITATION.cff`` (a test checks that the committed copy is
exactly what this script writes):

    uv run python scripts/sync_citation.py
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "CITATION.cff"
COPY = ROOT / "src" / "narcometrics" / "data" / "citation.json"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def render() -> str:
    """The JSON copy of ``CITATION.cff`` (keys as written, dates as ISO strings)."""
    metadata = _plain(yaml.safe_load(SOURCE.read_text(encoding="utf-8")))
    return json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    COPY.write_text(render(), encoding="utf-8")
    print(f"wrote {COPY.relative_to(ROOT)}")

"""The documentation site stays complete and true to the code.

- every page under docs/ is in the navigation of mkdocs.yml, and every page there exists;
- a Python block that the docs test skips is valid Python (an included example script is
  run by tests/test_examples.py);
- the file-format page lists exactly the columns of each record type, and each example file
  on it reads back as its record type;
- the glossary names every record field, bundled factor and national-series column;
- docstrings use Markdown (math and cross-references), not Sphinx roles.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_examples import find_examples

from narcometrics import factors
from narcometrics.datasets import COUNTRIES, national_series
from narcometrics.io import detect_record_type, read
from narcometrics.records import Eradication, Operation, Seizure, TrainingOutcome
from narcometrics.tables import EradicationTable, OperationTable, SeizureTable, TrainingTable

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FORMATS = DOCS / "reference" / "file-formats.md"
GLOSSARY = DOCS / "reference" / "glossary.md"


def _nav_pages(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [page for item in node for page in _nav_pages(item)]
    if isinstance(node, dict):
        return [page for value in node.values() for page in _nav_pages(value)]
    return []


def test_every_docs_page_is_in_the_navigation_and_every_nav_page_exists() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = _nav_pages(config["nav"])
    pages = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert sorted(set(listed)) == pages, "add new pages to the nav of mkdocs.yml"
    assert len(listed) == len(set(listed))


def test_skipped_python_blocks_are_valid_python() -> None:
    for example in find_examples(ROOT / "README.md", DOCS):
        if example.prefix_settings().get("test") != "skip":
            continue
        source = example.source
        include = re.fullmatch(r'\s*--8<-- "([^"]+)"\s*', source)
        if include:
            path = ROOT / include.group(1)
            assert path.parent == ROOT / "examples", f"{example}: include an examples/ script"
            source = path.read_text(encoding="utf-8")
        compile(source, str(example), "exec")


# --------------------------------------------------------------------------- file formats

SECTIONS = {
    "Seizures": (Seizure, SeizureTable),
    "Eradications": (Eradication, EradicationTable),
    "Operations": (Operation, OperationTable),
    "Training outcomes": (TrainingOutcome, TrainingTable),
}


def _format_sections() -> dict[str, str]:
    text = FORMATS.read_text(encoding="utf-8")
    parts = re.split(r"^### (.+)$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_file_format_page_lists_exactly_the_columns_of_each_record_type(section: str) -> None:
    body = _format_sections()[section]
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+) \|", body, flags=re.M)
    _, table = SECTIONS[section]
    assert [name for name, _ in rows] == [spec.name for spec in table.schema]
    for (name, required), spec in zip(rows, table.schema, strict=True):
        assert (required.strip() == "yes") == (not spec.default), name


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_file_format_examples_read_as_their_record_type(section: str, tmp_path: Path) -> None:
    body = _format_sections()[section]
    blocks = re.findall(r'^```text title="([\w.-]+)"\n(.*?)^```', body, flags=re.M | re.S)
    suffixes = sorted(Path(name).suffix for name, _ in blocks)
    assert suffixes == [".csv", ".json"]
    record, table_type = SECTIONS[section]
    for name, content in blocks:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        assert detect_record_type(path) is record
        table = read(path, record)
        assert isinstance(table, table_type)
        assert len(table) >= 1


# ------------------------------------------------------------------------------- glossary


def test_glossary_names_every_field_factor_and_series_column() -> None:
    text = GLOSSARY.read_text(encoding="utf-8")
    named = set(re.findall(r"`(\w+)`", text))
    fields = {spec.name for _, table in SECTIONS.values() for spec in table.schema}
    factor_names = {f.name for i in factors.available() for f in factors.get(i).values}
    columns = {name for code in COUNTRIES for name in national_series(code).columns()}
    missing = (fields | factor_names | columns) - named
    assert not missing, f"add to the glossary: {sorted(missing)}"


# ------------------------------------------------------------------------------ docstrings

SPHINX = re.compile(r":(?:py:)?(?:func|class|meth|attr|data|mod|exc|obj|math):`|^\s*\.\. math::")


def test_docstrings_use_the_markdown_that_the_reference_pages_render() -> None:
    """mkdocstrings renders docstrings as Markdown: Sphinx roles would show as raw text.

    Write `$x$` and a `$$` block for equations, and [`name`][narcometrics.module.name] for a
    cross-reference.
    """
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "src").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SPHINX.search(line)
    ]
    assert not found, "\n".join(found)

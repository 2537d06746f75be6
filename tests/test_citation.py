"""Citations: the release and an estimate's sources, in forms reference managers import.

BibTeX is checked by parsing it with bibtexparser; CSL-JSON by validating it against the CSL
input data schema (``tests/data/csl/csl-data.json``, copied unchanged from
github.com/citation-style-language/schema, MIT licence in the same folder).
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import bibtexparser
import jsonschema
import pytest
import yaml
from bibtexparser.bparser import BibTexParser
from hypothesis import given
from hypothesis import strategies as st

import narcometrics
from narcometrics import factors
from narcometrics.citation import (
    Author,
    Reference,
    cite,
    format_references,
    references,
    release_reference,
)
from narcometrics.cli import main
from narcometrics.errors import UnknownNameError
from narcometrics.estimate import avoided_production, avoided_production_adjusted
from narcometrics.factors import Citation

ROOT = Path(__file__).resolve().parents[1]
CSL_SCHEMA = json.loads((ROOT / "tests" / "data" / "csl" / "csl-data.json").read_text("utf-8"))

# The inverse of narcometrics.citation's escaping of LaTeX specials.
_UNTEX = {
    r"\textbackslash{}": "\\",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\&": "&",
    r"\%": "%",
    r"\$": "$",
    r"\#": "#",
    r"\_": "_",
}
_UNTEX_PATTERN = re.compile("|".join(re.escape(k) for k in _UNTEX))


def _untex(text: str) -> str:
    return _UNTEX_PATTERN.sub(lambda m: _UNTEX[m.group(0)], text)


def _parse_bibtex(text: str) -> list[dict[str, str]]:
    parser = BibTexParser(common_strings=False, ignore_nonstandard_types=False)
    entries: list[dict[str, str]] = bibtexparser.loads(text, parser=parser).entries
    return entries


@functools.cache
def _csl_validator() -> Any:
    """The validator of the CSL-JSON schema, the schema checked once: what
    ``jsonschema.validate`` did on every call (about 7 ms each, most of the property test
    below), its other steps kept in ``_validate_csl``."""
    cls = jsonschema.validators.validator_for(CSL_SCHEMA)
    cls.check_schema(CSL_SCHEMA)
    return cls(CSL_SCHEMA)


def _validate_csl(text: str) -> list[dict[str, object]]:
    items = json.loads(text)
    error = jsonschema.exceptions.best_match(_csl_validator().iter_errors(items))
    if error is not None:
        raise error
    return items  # type: ignore[no-any-return]


def _cff() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    return data


def test_the_package_copy_of_the_citation_metadata_equals_citation_cff() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import sync_citation
    finally:
        sys.path.pop(0)
    shipped = ROOT / "src" / "narcometrics" / "data" / "citation.json"
    assert shipped.read_text("utf-8") == sync_citation.render(), (
        "run: uv run python scripts/sync_citation.py"
    )
    assert json.loads(shipped.read_text("utf-8"))["title"] == _cff()["title"]


def test_cite_bibtex_parses_and_names_the_installed_release() -> None:
    [entry] = _parse_bibtex(cite("bibtex"))
    cff = _cff()
    assert entry["ENTRYTYPE"] == "software"
    assert entry["ID"] == f"narcometrics-{narcometrics.__version__}"
    assert entry["version"] == narcometrics.__version__ == cff["version"]
    assert _untex(entry["title"].strip("{}")) == cff["title"]
    assert entry["date"] == cff["date-released"]
    assert entry["year"] == str(cff["date-released"])[:4]
    assert entry["author"] == "{The narcometrics developers}"  # one organisation, not split


def test_cite_csl_json_validates_against_the_csl_schema() -> None:
    [item] = _validate_csl(cite("csl-json"))
    cff = _cff()
    assert item["type"] == "software"
    assert item["version"] == cff["version"]
    assert item["title"] == cff["title"]
    assert item["author"] == [{"literal": "The narcometrics developers"}]
    year, month, day = (int(p) for p in str(cff["date-released"]).split("-"))
    assert item["issued"] == {"date-parts": [[year, month, day]]}


def test_cite_text_names_the_version_and_the_year() -> None:
    text = cite()
    assert text.endswith("\n")
    assert text.count("\n") == 1
    assert f"(version {narcometrics.__version__})" in text
    assert text.startswith("The narcometrics developers (2026). narcometrics:")


def test_narcometrics_cite_is_the_top_level_function() -> None:
    assert narcometrics.cite is cite
    assert narcometrics.cite("text") == cite("text")


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "text"])
def test_the_cite_command_prints_what_the_function_returns(fmt: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["cite", "--format", fmt]) == 0
    assert capsys.readouterr().out == cite(fmt)  # type: ignore[arg-type]


def test_the_cite_command_refuses_an_unknown_format(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as stop:
        main(["cite", "--format", "ris"])
    assert stop.value.code == 2
    assert "invalid choice: 'ris'" in capsys.readouterr().err


def test_an_unknown_format_is_an_unknown_name_and_a_wrong_type_a_type_error() -> None:
    with pytest.raises(UnknownNameError, match="bibtex, csl-json, text"):
        cite("ris")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="format must be a str"):
        cite(1)  # type: ignore[arg-type]


def test_another_release_is_cited_by_its_version_without_a_date_it_does_not_know() -> None:
    old = release_reference("0.0.9")
    assert old.version == "0.0.9"
    assert old.key == "narcometrics-0.0.9"
    assert old.date is None
    assert old.year is None
    assert "(n.d.)" in old.to_text()


def _sources(estimate: object) -> list[Citation]:
    return list(estimate.provenance.citations)  # type: ignore[attr-defined]


def test_an_estimate_cites_the_release_and_each_factor_source_once() -> None:
    up_to = avoided_production(22_165, "pe-gov-2017")
    adjusted = avoided_production_adjusted(22_165, "pe-gov-2017")
    refs = references(up_to, adjusted, None)
    keys = [(r.authors[0].text(), r.title, r.year, r.where) for r in refs[1:]]
    assert refs[0].kind == "software"
    assert refs[0].version == narcometrics.__version__
    assert len(keys) == len(set(keys))  # each source once
    expected = {(c.publisher, c.title, c.year, c.where) for c in _sources(adjusted)}
    assert set(keys) == expected | {
        (c.publisher, c.title, c.year, c.where) for c in _sources(up_to)
    }
    # the flat set's two sources appear in both estimates, and once in the references
    assert sum(k[0] == "FIIAPP" for k in keys) == 1


def test_provenance_cite_formats_parse_and_validate() -> None:
    estimate = avoided_production_adjusted(22_885, "pe-gov-2022", draws=200, seed=1)
    n = len(estimate.provenance.references())
    entries = _parse_bibtex(estimate.provenance.cite("bibtex"))
    assert len(entries) == n == len({e["ID"] for e in entries})
    items = _validate_csl(estimate.provenance.cite("csl-json"))
    assert [i["id"] for i in items] == [e["ID"] for e in entries]
    assert estimate.provenance.cite("text").count("\n") == n
    publishers = {c.publisher for c in estimate.provenance.citations}
    cited = {i["author"][0]["literal"] for i in items[1:]}  # type: ignore[index]
    assert cited == publishers


def test_an_unknown_year_is_left_out_never_invented() -> None:
    source = Citation(publisher="Inforegión", title="[replanting]", year=None, where="inforegion")
    [ref] = references(_FakeProvenance((source,)), release=False)
    assert "issued" not in ref.to_csl()
    assert "year" not in _parse_bibtex(ref.to_bibtex())[0]
    assert ref.to_text().startswith("Inforegión (n.d.).")


@attrs.frozen
class _FakeProvenance:
    citations: tuple[Citation, ...]
    library_version: str = narcometrics.__version__


def test_notes_of_one_source_are_kept_each_once() -> None:
    a = Citation(publisher="UNODC", title="Survey", year=2016, where="series", note="yield")
    b = attrs.evolve(a, note="licit use")
    [ref] = references(_FakeProvenance((a, b, a)), release=False)
    assert ref.note == "yield; licit use"


def test_references_refuse_what_is_not_an_estimate() -> None:
    with pytest.raises(TypeError, match="estimates or provenances"):
        references(3.5)


_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip() != "")


@given(publisher=_text, title=_text, where=_text, note=_text)
def test_any_source_text_survives_a_bibtex_parse_and_the_csl_schema(
    publisher: str, title: str, where: str, note: str
) -> None:
    ref = Reference(
        key="k-1",
        kind="document",
        authors=(Author(literal=publisher),),
        title=title,
        year=2017,
        where=where,
        note=note,
    )
    [entry] = _parse_bibtex(format_references([ref], "bibtex"))
    one_line = " ".join
    assert _untex(entry["title"][1:-1]) == one_line(title.split())
    assert _untex(entry["author"][1:-1]) == one_line(publisher.split())
    assert _untex(entry["howpublished"]) == one_line(where.split())
    assert _untex(entry["note"]) == one_line(note.split())
    [item] = _validate_csl(format_references([ref], "csl-json"))
    assert (item["title"], item["container-title"], item["note"]) == (title, where, note)


def test_bundled_factor_sources_all_parse_as_bibtex() -> None:
    every = tuple(c for set_id in factors.available() for c in factors.get(set_id).citations)
    refs = references(_FakeProvenance(every))
    entries = _parse_bibtex(format_references(refs, "bibtex"))
    assert len(entries) == len(refs) == len({e["ID"] for e in entries})
    _validate_csl(format_references(refs, "csl-json"))


def test_cite_works_from_a_fresh_interpreter() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "narcometrics", "cite", "--format", "csl-json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert _validate_csl(out.stdout)[0]["version"] == narcometrics.__version__


def test_a_reports_estimates_give_one_reference_list_for_its_json() -> None:
    # What the report's JSON and HTML carry: the release and each source once, as CSL items.
    from narcometrics.datasets import peru_2017_example
    from narcometrics.report import ReportData, build_report

    example = peru_2017_example()
    report = build_report(ReportData(eradications=example.eradications, label="example"))
    [section] = report.sections
    refs = references(section.avoided_up_to, section.avoided_adjusted)
    items = _validate_csl(json.dumps([r.to_csl() for r in refs]))
    assert items[0]["id"] == f"narcometrics-{narcometrics.__version__}"
    assert len({i["id"] for i in items}) == len(items)
    assert (
        {c.publisher for c in _sources(section.avoided_adjusted)}
        <= {
            i["author"][0]["literal"]  # type: ignore[index]
            for i in items[1:]
        }
    )

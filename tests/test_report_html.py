"""The HTML report (``narcometrics report --format html``): valid, accessible, escaped,
self-contained, and holding the same figures and wording as the JSON and text reports.

The browser test is in ``test_report_html_browser.py``.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from html_page import HOSTILE, TWO_ERADICATIONS, TWO_SEIZURES, Page
from html_page import norm as _norm
from narcometrics._report_render import (
    assumption_lines,
    dates_caveat,
    not_a_record,
    rate_text,
    record_claim,
    sources,
)
from narcometrics.cli import _load, main
from narcometrics.report import Report, build_report, render


@pytest.fixture(scope="module")
def bundled() -> Report:
    return build_report(_load(None))


@pytest.fixture(scope="module")
def bundled_page(bundled: Report) -> tuple[str, Page]:
    source = render(bundled, "html")
    return source, Page(source)


@pytest.fixture(scope="module")
def two_countries(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, str]:
    folder = tmp_path_factory.mktemp("two")
    (folder / "two-countries.csv").write_text(TWO_ERADICATIONS, encoding="utf-8")
    (folder / "seizures-two.csv").write_text(TWO_SEIZURES, encoding="utf-8")
    paths = [str(folder / "two-countries.csv"), str(folder / "seizures-two.csv")]
    report = build_report(_load(paths))
    return report, render(report, "html")


# --------------------------------------------------------------------------- validity


def test_the_page_is_valid_html_with_every_element_closed_in_order(
    bundled_page: tuple[str, Page], two_countries: tuple[Report, str]
) -> None:
    for source in (bundled_page[0], two_countries[1]):
        page = Page(source)
        assert page.doctype.lower() == "doctype html"
        assert page.problems == []
        ids = [a["id"] for _, a in page.elements if "id" in a]
        assert len(ids) == len(set(ids)), "repeated id"
        for _, a in page.elements:  # every id an attribute points to exists
            for name in ("aria-labelledby", "aria-describedby"):
                for ref in a.get(name, "").split():
                    assert ref in ids, f"{name}={ref} points to nothing"
        assert next(a.get("charset") for a in page.tags("meta")) == "utf-8"


def test_the_page_parses_as_html_with_lxml_without_errors(bundled_page: tuple[str, Page]) -> None:
    from lxml import html

    parser = html.HTMLParser(recover=False)
    tree = html.document_fromstring(bundled_page[0].encode("utf-8"), parser=parser)
    assert tree.tag == "html"
    assert [e.message for e in parser.error_log] == []


# ---------------------------------------------------------------------- accessibility


def test_the_page_declares_english_and_headings_never_skip_a_level(
    bundled_page: tuple[str, Page], two_countries: tuple[Report, str]
) -> None:
    for source in (bundled_page[0], two_countries[1]):
        page = Page(source)
        assert page.tags("html")[0]["lang"] == "en"
        levels = [level for level, _ in page.headings]
        assert levels[0] == 1
        assert levels.count(1) == 1
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, page.headings


def test_every_table_has_header_cells_with_a_scope(
    bundled_page: tuple[str, Page], two_countries: tuple[Report, str]
) -> None:
    for source in (bundled_page[0], two_countries[1]):
        page = Page(source)
        headers = page.tags("th")
        assert headers
        assert all(h.get("scope") in ("col", "row") for h in headers)
        for table in re.findall(r"<table.*?</table>", source, re.S):
            assert "<th scope=" in table


def test_every_chart_is_an_image_whose_text_alternative_states_the_numbers(
    bundled_page: tuple[str, Page],
) -> None:
    source, page = bundled_page
    charts = re.findall(r"<svg.*?</svg>", source, re.S)
    assert len(charts) == 3  # estimates, history, training rates
    for chart, attributes in zip(charts, page.tags("svg"), strict=True):
        assert attributes["role"] == "img"
        assert attributes["aria-labelledby"].endswith("-desc")
        assert re.search(r"<title id=[^>]*>[^<]+</title>", chart)
        assert re.search(r"<desc id=[^>]*>[^<]+</desc>", chart)
    estimates, history, rates = (re.search(r"<desc[^>]*>(.*?)</desc>", c).group(1) for c in charts)  # type: ignore[union-attr]
    assert "2017 22,165 ha (published)" in history
    assert "2015 35,868 ha (published)" in history
    assert "No figure for 2006-2008, 2010: no bar is drawn." in history
    assert "Up to (flat method): 204.8 t (an upper bound)" in estimates
    assert "Adjusted: 98.9 t, range 52.7 to 140.8 t" in estimates
    assert "Verified independently: 47 of 69 = 68.1%, 95% CI 56.4% to 77.9%" in rates
    assert "Self-reported (not verification): 31 of 39 = 79.5%" in rates


def test_status_is_never_told_by_colour_alone(bundled_page: tuple[str, Page]) -> None:
    source, _page = bundled_page
    badges = re.findall(r'<span class="status status-(\w+)">([^<]*)</span>', source)
    assert badges
    assert all(kind == word for kind, word in badges)
    # bars: solid for published, a hatch pattern otherwise, and the legend says which
    assert "solid bar: published" in source
    # the two training rates: a filled circle and an open square, each labelled in text
    assert '<circle class="point"' in source
    assert '<rect class="point"' in source


# ---------------------------------------------------------------- the same as the JSON


def _expected(report: Report) -> dict[str, float]:
    """Every figure the text report shows, from the JSON renderer, by the HTML's key."""
    data = json.loads(render(report, "json"))
    out: dict[str, Any] = {}
    for s in data["sections"]:
        c = s["country"]
        for name, f in s["operations"].items():
            out[f"{c}/operations/{name}"] = f["value"]
        e = s["eradication"]
        if e["eradicated_ha"] is not None:
            out[f"{c}/eradicated_ha"] = e["eradicated_ha"]["value"]
        if e["avoided_production_up_to"] is not None:
            out[f"{c}/avoided_production_up_to/central"] = e["avoided_production_up_to"]["central"]
        adjusted = e["avoided_production_adjusted"]
        if adjusted is not None:
            for end in ("central", "low", "high"):
                out[f"{c}/avoided_production_adjusted/{end}"] = adjusted[end]
                out[f"{c}/avoided_production_adjusted/without_dates/{end}"] = adjusted[
                    "without_dates"
                ][end]
        for substance, f in s["seizures"]["by_substance"].items():
            out[f"{c}/seizures/{substance}/mass_kg"] = f["mass_kg"]
            out[f"{c}/seizures/{substance}/seizures"] = f["seizures"]
        for row in s["eradication_history"]:
            out[f"{c}/history/{row['year']}/eradicated_ha"] = row["eradicated_ha"]
            out[f"{c}/history/{row['year']}/change_percent"] = row["change_percent"]
    t = data["training"]
    if t is not None:
        summary = t["summary"]
        out["training/trained"] = summary["trained"]
        out["training/unique_people"] = summary["unique_people"]
        out["training/records"] = summary["records"]
        out["training/kirkpatrick_level"] = summary["kirkpatrick_level"]
        out["training/followed_up"] = summary["transfer"]["n"]
        out["training/transfer_trained"] = summary["transfer"]["trained"]
        out["training/follow_up_rate"] = summary["transfer"]["follow_up_rate"]
        for kind, key in (("independent", "independently_verified"),
                          ("self_reported", "self_reported")):  # fmt: skip
            rate = t[key]
            if rate is not None:
                for name in ("k", "n", "share", "low", "high"):
                    out[f"training/{kind}/{name}"] = rate[name]
    return {k: v for k, v in out.items() if v is not None}


def test_the_page_holds_exactly_the_figures_of_the_json_report(
    bundled: Report, bundled_page: tuple[str, Page], two_countries: tuple[Report, str]
) -> None:
    for report, source in ((bundled, bundled_page[0]), two_countries):
        shown = {k: json.loads(v) for k, v in Page(source).figures().items()}
        assert shown == _expected(report)


def test_each_figure_is_shown_at_the_text_reports_precision(
    bundled_page: tuple[str, Page],
) -> None:
    by_key = {a["data-figure"]: (float(a["value"]), text) for a, text in bundled_page[1].data}
    headline = {
        "PER/operations/organisations_disbanded": "111",
        "PER/operations/airstrips_destroyed": "78",
        "PER/operations/laboratories_destroyed": "324",
        "PER/eradicated_ha": "22,165",
        "PER/avoided_production_up_to/central": "204.8",
        "training/independent/share": "68.1%",
    }
    for key, text in headline.items():
        assert by_key[key][1] == text  # the numbers FIIAPP published (1 February 2018)
    for key, (value, text) in by_key.items():
        if key.startswith("training/"):
            continue
        if key.endswith(("/mass_kg", "/central", "/low", "/high")):
            assert text == f"{value:,.1f}", key
        elif key.endswith(("eradicated_ha",)):
            assert text == f"{value:,.0f}", key
        elif key.endswith("change_percent"):
            assert text == f"{value:+.1f} %", key


def test_a_count_not_in_the_data_is_said_so_and_never_shown_as_zero(tmp_path: Path) -> None:
    ops = tmp_path / "operations.csv"
    ops.write_text(
        "date,country,organisations_disbanded\n2017-03-01,PER,2\n2017-05-01,PER,1\n",
        encoding="utf-8",
    )
    report = build_report(_load([str(ops)]))
    page = Page(render(report, "html"))
    figures = page.figures()
    assert figures["PER/operations/organisations_disbanded"] == "3"
    for name in ("airstrips_destroyed", "laboratories_destroyed", "arrests"):
        assert f"PER/operations/{name}" not in figures
    row = re.search(r"Arrests</th><td class=\"num\">([^<]*)</td>", render(report, "html"))
    assert row is not None
    assert row.group(1) == "not in the data"


# ------------------------------------------------------------------ the same wording


def test_the_page_has_the_wording_of_the_text_report(
    bundled: Report, bundled_page: tuple[str, Page], two_countries: tuple[Report, str]
) -> None:
    for report, source in ((bundled, bundled_page[0]), two_countries):
        text = Page(source).all_text()
        said = [report.data_label]
        said += list(report.notes)
        said += [f"{status} {source}" for status, source in sources(report)]
        for s in report.sections:
            said += [f"Country: {s.country}", *s.notes, *s.missing]
            said += [record_claim(r) for r in s.history if r.record]
            said += [f"{r.year}: {r.note}" for r in s.history if r.note]
            if s.history:
                said.append(not_a_record(report, s))
            if s.avoided_adjusted is not None:
                said += [dates_caveat(report), *assumption_lines(s.avoided_adjusted)]
            if s.avoided_up_to is not None:
                said.append(f"factor set {s.factor_set}: {s.avoided_up_to.provenance.cited()}")
        for rate in (report.independent, report.self_reported):
            if rate is not None:
                said.append(rate_text(rate))
        for line in filter(None, said):
            assert _norm(line) in text, line


def test_two_countries_get_a_section_each_and_nothing_is_summed(
    two_countries: tuple[Report, str],
) -> None:
    _report, source = two_countries
    page = Page(source)
    assert [h for level, h in page.headings if level == 2][:2] == ["Country: COL", "Country: PER"]
    figures = page.figures()
    assert json.loads(figures["COL/eradicated_ha"]) == 450
    assert json.loads(figures["PER/eradicated_ha"]) == 120.5
    assert "570" not in page.all_text()  # never the sum of the two
    assert "COL/avoided_production_up_to/central" not in figures
    text = page.all_text()
    assert "Missing: Avoided production (up to and adjusted) for COL is not estimated" in text
    # Colombia has no eradication history: one history chart (Peru's) and one estimate chart
    assert len(page.tags("svg")) == 2


def test_the_history_chart_draws_no_bar_for_a_year_without_a_figure(
    bundled: Report, bundled_page: tuple[str, Page]
) -> None:
    source = bundled_page[0]
    chart = re.search(r'<svg[^>]*aria-describedby="country-1-history".*?</svg>', source, re.S)
    assert chart is not None
    bars = re.findall(r'<rect class="bar"[^>]*><title>(\d{4}): ([\d,]+) ha', chart.group(0))
    history = bundled.section("PER").history
    assert [(int(y), v) for y, v in bars] == [(r.year, f"{r.eradicated_ha:,.0f}") for r in history]
    gaps = re.findall(r"<title>(\d{4}): no figure</title>", chart.group(0))
    assert [int(y) for y in gaps] == [2006, 2007, 2008, 2010]
    heights = re.findall(r'<rect class="bar"[^>]*height="([\d.]+)"', chart.group(0))
    assert all(float(h) > 0 for h in heights)


def test_the_estimate_chart_draws_the_range_beside_the_flat_figure(
    bundled: Report, bundled_page: tuple[str, Page]
) -> None:
    chart = re.search(r'<svg[^>]*aria-describedby="country-1-estimates".*?</svg>',
                      bundled_page[0], re.S)  # fmt: skip
    assert chart is not None
    widths = [
        float(w) for w in re.findall(r'<rect class="bar"[^>]*width="([\d.]+)"', chart.group(0))
    ]
    s = bundled.section("PER")
    assert s.avoided_up_to
    assert s.avoided_adjusted
    assert s.adjusted_without_dates
    centrals = [s.avoided_up_to.central, s.avoided_adjusted.central,
                s.adjusted_without_dates.central]  # fmt: skip
    # bar lengths in proportion to the figures (the scale is drawn from zero)
    ratios = [w / c for w, c in zip(widths, centrals, strict=True)]
    assert max(ratios) == pytest.approx(min(ratios), rel=1e-3)
    assert chart.group(0).count('<g class="range">') == 2  # the two adjusted ranges


# ------------------------------------------------------------------------- escaping


def _hostile(report: Report, bad: str) -> Report:
    sections = tuple(
        attrs.evolve(
            s,
            notes=(*s.notes, bad),
            sources=dict.fromkeys(s.sources, bad),
            status={k: bad if k == "arrests" else v for k, v in s.status.items()},
            missing=(bad,),
            seizures_kg={bad: 1.5, **s.seizures_kg},
            seizure_counts={bad: 1, **s.seizure_counts},
            history=tuple(attrs.evolve(r, source=bad, note=bad) for r in s.history),
        )
        for s in report.sections
    )
    return attrs.evolve(
        report,
        data_label=bad,
        notes=(bad,),
        sections=sections,
        training_source=bad,
        training_status=bad,
    )


@pytest.mark.parametrize("bad", HOSTILE)
def test_every_value_from_the_data_is_escaped(bundled: Report, bad: str) -> None:
    clean = Page(render(bundled, "html"))
    source = render(_hostile(bundled, bad), "html")
    page = Page(source)
    assert page.problems == []
    assert "<script" not in source
    assert "<img" not in source
    assert "onerror=alert(1)>" not in source
    assert sorted({t for t, _ in page.elements}) == sorted({t for t, _ in clean.elements})
    assert all(
        set(a) <= set().union(*(set(b) for _, b in clean.elements)) for _, a in page.elements
    )
    assert _norm(bad) in page.all_text()  # shown as text, as it is


@given(st.text(min_size=1, max_size=40))
def test_any_label_is_shown_as_text_never_as_markup(label: str) -> None:
    report = _small_report()
    page = Page(render(attrs.evolve(report, data_label=label), "html"))
    assert page.problems == []
    assert [t for t, _ in page.elements] == _SMALL_TAGS[0]
    assert _norm(label.replace("\r", "\n")) in page.all_text() or not _norm(label)


_SMALL: list[Report] = []
_SMALL_TAGS: list[list[str]] = []


def _small_report() -> Report:
    if not _SMALL:
        _SMALL.append(build_report(_load(None)))
        _SMALL_TAGS.append([t for t, _ in Page(render(_SMALL[0], "html")).elements])
    return _SMALL[0]


def test_file_names_with_markup_are_escaped_in_the_command_output(tmp_path: Path) -> None:
    name = tmp_path / '"><img src=x onerror=alert(1)><script>x.csv'
    name.write_text(TWO_SEIZURES, encoding="utf-8")
    out = tmp_path / "r.html"
    assert main(["report", "--data", str(name), "--format", "html", "--output", str(out)]) == 0
    source = out.read_text(encoding="utf-8")
    assert "<script" not in source
    assert "<img" not in source
    assert "&lt;script&gt;x.csv" in source
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in source


def test_the_template_marks_nothing_safe() -> None:
    from narcometrics._report_html import _environment

    template = Path(__file__).parents[1] / "src/narcometrics/templates/report.html.j2"
    text = template.read_text(encoding="utf-8")
    assert "|safe" not in text.replace(" ", "")
    assert "autoescape false" not in text
    assert _environment().autoescape is True


# ------------------------------------------------------------------- self-contained


def test_the_page_requests_nothing_from_any_host(
    bundled_page: tuple[str, Page], two_countries: tuple[Report, str]
) -> None:
    for source in (bundled_page[0], two_countries[1]):
        assert "http://" not in source
        assert "https://" not in source
        page = Page(source)
        for tag, a in page.elements:
            assert tag not in ("script", "link", "img", "iframe", "object", "embed")
            for name in ("src", "href", "xlink:href", "action", "srcset"):
                assert a.get(name, "#").startswith("#"), (tag, a)
        css = "".join(re.findall(r"<style>(.*?)</style>", source, re.S))
        assert "@import" not in css
        assert all(u.startswith("#") for u in re.findall(r"url\(([^)]*)\)", source))


def test_the_page_prints_on_a4(bundled_page: tuple[str, Page]) -> None:
    css = re.search(r"<style>(.*?)</style>", bundled_page[0], re.S)
    assert css is not None
    assert re.search(r"@page\s*\{\s*size:\s*A4;\s*margin:", css.group(1))
    assert "@media print" in css.group(1)


# --------------------------------------------------------------------------- --output


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "html"])
def test_output_writes_the_same_report_as_standard_output(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--format", fmt]) == 0
    printed = capsys.readouterr().out
    out = tmp_path / f"report.{fmt}"
    assert main(["report", "--format", fmt, "--output", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert out.read_bytes() == printed.encode("utf-8")


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    out.write_text("the previous report\n", encoding="utf-8")

    def fail(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    assert main(["report", "--format", "html", "--output", str(out)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary file


def test_output_refuses_to_replace_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--format", "html", "--output", str(tmp_path)]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_bad_input_writes_no_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--year", "1990", "--format", "html", "--output", str(out)]) == 2
    assert not out.exists()
    assert "year" in capsys.readouterr().err


def test_the_html_report_has_no_nan_text(bundled_page: tuple[str, Page]) -> None:
    text = bundled_page[1].all_text()
    assert not re.search(r"\bnan\b|\binf\b", text, re.I)
    assert not math.isnan(float(bundled_page[1].figures()["PER/eradicated_ha"]))


def test_a_number_that_is_not_finite_has_no_machine_value(tmp_path: Path) -> None:
    # A course with nobody followed up (an undefined share): shown as the text report shows
    # it, never as a number in <data>. (A total that overflows is an error before any
    # rendering: see test_report_countries.py.)
    training = tmp_path / "training.csv"
    training.write_text(
        "date,institution,course,participants,followed_up,applying,verification\n"
        "2017-06-01,DIRANDRO,C1,10,0,0,independent\n",
        encoding="utf-8",
    )
    report = build_report(_load([str(training)]))
    page = Page(render(report, "html"))
    assert page.problems == []
    figures = page.figures()
    assert "training/independent/share" not in figures
    assert all(math.isfinite(float(v)) for v in figures.values())
    text = page.all_text()
    assert "0 of 0 followed up: share undefined (nobody was followed up)" in text
    assert "nan" not in text.lower()

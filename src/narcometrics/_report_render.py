"""Rendering of a [`Report`][narcometrics.report.Report]: text, JSON, CSV (and HTML, in
`narcometrics._report_html`).

Only formatting: every number is taken from the report as it is. JSON turns NaN and
infinities into ``null``; CSV escapes every text cell with
[`escape_cell`][narcometrics.io.escape_cell].
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from narcometrics._report_data import COUNTS
from narcometrics._version import __version__
from narcometrics.errors import UnknownNameError

if TYPE_CHECKING:
    from narcometrics._report_data import Report, Row, Section
    from narcometrics.estimate import Estimate
    from narcometrics.training import TransferRate

#: The formats of [`render`][narcometrics.report.render].
Format = Literal["text", "json", "csv", "html"]
FORMATS: tuple[str, ...] = ("text", "json", "csv", "html")


# ------------------------------------------------------------------------------- JSON


def _estimate(estimate: Estimate | None, status: str, source: str) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {**estimate.to_dict(), "status": status, "source": source}


def dates_caveat(report: Report) -> str:
    """What the adjusted estimate's harvested share rests on."""
    if report.synthetic:
        return (
            "depends on the synthetic example's invented eradication dates (the harvests "
            "taken before each date)"
        )
    return "depends on the eradication dates of the records (the harvests taken before each date)"


def _figure(section: Section, name: str, value: Any) -> dict[str, Any]:
    out = {"value": value, "status": section.status[name], "source": section.sources[name]}
    if value is None:
        out["note"] = "not in the data"
    return out


def _history_dict(row: Row) -> dict[str, Any]:
    return {
        "year": row.year,
        "eradicated_ha": row.eradicated_ha,
        "status": row.status,
        "source": row.source,
        "note": row.note,
        "change_percent": row.change_percent,
        "record": row.record,
        "compared_with": row.compared if row.record else None,
        "years_absent": list(row.absent) if row.record else None,
    }


def _section_dict(report: Report, section: Section) -> dict[str, Any]:
    adjusted = _estimate(
        section.avoided_adjusted,
        section.status["avoided_production_adjusted"],
        section.sources["avoided_production_adjusted"],
    )
    if adjusted is not None and section.adjusted_without_dates is not None:
        undated = section.adjusted_without_dates
        adjusted["caveat"] = dates_caveat(report)
        adjusted["without_dates"] = {
            "central": undated.central,
            "low": undated.low,
            "high": undated.high,
        }
    return {
        "country": section.country,
        "operations": {
            name: _figure(section, name, value) for name, value in section.counts.items()
        },
        "eradication": {
            "eradicated_ha": None
            if section.eradicated_ha is None
            else _figure(section, "eradicated_ha", section.eradicated_ha),
            "factor_set": section.factor_set,
            "avoided_production_up_to": _estimate(
                section.avoided_up_to,
                section.status["avoided_production_up_to"],
                section.sources["avoided_production_up_to"],
            ),
            "avoided_production_adjusted": adjusted,
            "avoided_production_adjusted_without_dates": _estimate(
                section.adjusted_without_dates,
                section.status["avoided_production_adjusted"],
                section.sources["avoided_production_adjusted"],
            ),
            "missing": list(section.missing),
        },
        "seizures": {
            "status": section.status["seizures"],
            "source": section.sources["seizures"],
            "by_substance": {
                substance: {"mass_kg": mass, "seizures": section.seizure_counts[substance]}
                for substance, mass in section.seizures_kg.items()
            },
        },
        "eradication_history": [_history_dict(r) for r in section.history],
        "notes": list(section.notes),
    }


def as_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON types."""
    from narcometrics.serialize import result_json  # cattrs, imported when JSON is asked for

    training = None
    if report.training is not None:
        training = {
            "status": report.training_status,
            "source": report.training_source,
            "independently_verified": None
            if report.independent is None
            else report.independent.to_dict(),
            "self_reported": None
            if report.self_reported is None
            else report.self_reported.to_dict(),
            "summary": report.training.to_dict(),
        }
    out = {
        "narcometrics_version": __version__,
        "year": report.year,
        "data": {
            "label": report.data_label,
            "synthetic": report.synthetic,
            "countries": list(report.countries),
        },
        "sections": [_section_dict(report, s) for s in report.sections],
        "training": training,
        "notes": list(report.notes),
    }
    result: dict[str, Any] = result_json(out)
    return result


# ------------------------------------------------------------------------------- text


def years_text(years: Iterable[int]) -> str:
    """``2006-2008, 2010`` for 2006, 2007, 2008, 2010."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def record_claim(row: Row) -> str:
    """The record flag with how many values it compares and which years are absent."""
    if not row.record:
        return ""
    absent = f"; no figure for {years_text(row.absent)}" if row.absent else ""
    return f"record: {row.record} ({row.compared} earlier published values{absent})"


def _operations_text(section: Section, add: Callable[[str], None]) -> None:
    add("  Operations")
    for name, label in COUNTS.items():
        value = section.counts[name]
        shown = "not in the data" if value is None else f"{value:,}"
        add(f"    {label:<42}{shown:>12}     {section.status[name]}")


def _estimate_text(report: Report, section: Section, add: Callable[[str], None]) -> None:
    up, adj, undated = (
        section.avoided_up_to,
        section.avoided_adjusted,
        section.adjusted_without_dates,
    )
    if up is None:
        return
    add(
        f"    {'Avoided production, up to':<42}{up.central:>12,.1f} t   "
        f"{section.status['avoided_production_up_to']}"
    )
    add(f"      flat method, factor set {up.provenance.factor_set}: {up.provenance.cited()}")
    add("      an upper bound: ignores harvests already taken, replanting and licit use")
    if adj is None:
        if undated is not None:  # the records' dates could not be used: say what holds without
            add(
                f"    {'Adjusted estimate, without dates':<42}{undated.central:>12,.1f} t   "
                f"{section.status['avoided_production_adjusted']}"
            )
            add("      harvested share at its default: the records' dates are not used;")
            low, high = undated.low, undated.high
            add(f"      range {low:,.1f} to {high:,.1f} t, from the cited ranges of:")
            for line in assumption_lines(undated):
                add(f"        {line}")
        return
    add(
        f"    {'Adjusted estimate':<42}{adj.central:>12,.1f} t   "
        f"{section.status['avoided_production_adjusted']}"
    )
    add(f"      {dates_caveat(report)};")
    if undated is not None:
        add(
            f"      without dates (harvested share at its default): {undated.central:,.1f} t "
            f"(range {undated.low:,.1f} to {undated.high:,.1f} t)"
        )
    add(f"      range {adj.low:,.1f} to {adj.high:,.1f} t, from the cited ranges of:")
    for line in assumption_lines(adj):
        add(f"        {line}")


def assumption_lines(estimate: Estimate) -> list[str]:
    """Each assumption of an estimate with its cited range (or "per record")."""
    lines = []
    for a in estimate.provenance.assumptions:
        if a.value is None:
            lines.append(f"{a.name}: per record, from the eradication dates")
        elif a.low is not None and a.high is not None:
            lines.append(f"{a.name} {a.low:g} to {a.high:g} {a.unit} (central {a.value:g})")
    return lines


def _eradication_text(report: Report, section: Section, add: Callable[[str], None]) -> None:
    add("  Eradication and avoided cocaine production")
    add(
        f"    {'Coca eradicated':<42}{section.eradicated_ha:>12,.0f} ha  "
        f"{section.status['eradicated_ha']}"
    )
    _estimate_text(report, section, add)
    for line in section.missing:
        add(f"    Missing: {line}")


def _seizures_text(section: Section, add: Callable[[str], None]) -> None:
    add(f"  Seizures by substance (bulk mass, not purity-adjusted): {section.status['seizures']}")
    for substance, mass in section.seizures_kg.items():
        n = section.seizure_counts[substance]
        add(f"    {substance:<26}{n:>6} seizures{mass:>14,.1f} kg")


def _history_text(report: Report, section: Section, add: Callable[[str], None]) -> None:
    add("  Eradication over time (published national series, then the data)")
    for r in section.history:
        change = "" if math.isnan(r.change_percent) else f"{r.change_percent:+.1f} %"
        add(
            f"    {r.year}  {r.eradicated_ha:>10,.0f} ha  {change:>9}  "
            f"{r.status:<10} {record_claim(r)}".rstrip()
        )
    claim = not_a_record(report, section)
    if claim:
        add(f"    {claim}")
    notes = [r for r in section.history if r.note]
    if notes:
        add("    Notes on the published figures:")
        for r in notes:
            add(f"      {r.year}: {r.note}")


def not_a_record(report: Report, section: Section) -> str:
    """ "2017 is not a record: ..." when earlier published years were higher, else ""."""
    last = section.history[-1]
    earlier = [r for r in section.history[:-1] if r.eradicated_ha > last.eradicated_ha]
    if not (earlier and last.year == report.year):
        return ""
    years = ", ".join(str(r.year) for r in earlier)
    return f"{report.year} is not a record: eradication was higher in {years}."


def _section_text(report: Report, section: Section, add: Callable[[str], None]) -> None:
    add("")
    add(f"Country: {section.country}")
    for note in section.notes:
        add(f"  Note: {note}")
    if section.counts:
        _operations_text(section, add)
    if section.eradicated_ha is not None:
        _eradication_text(report, section, add)
    if section.seizures_kg:
        _seizures_text(section, add)
    if section.history:
        _history_text(report, section, add)


#: How a share of nobody reads: undefined, said in words, never a number (``nan%``).
UNDEFINED_SHARE = "share undefined (nobody was followed up)"


def rate_text(rate: TransferRate) -> str:
    if rate.n == 0:
        return f"0 of 0 followed up: {UNDEFINED_SHARE}"
    return (
        f"{rate.k} of {rate.n} followed up = {rate.share:.1%} "
        f"({rate.confidence:.0%} CI {rate.low:.1%} to {rate.high:.1%}, {rate.method})"
    )


def _training_text(report: Report, add: Callable[[str], None]) -> None:
    s = report.training
    if s is None:
        return
    add("")
    add(f"Training: {report.training_status}")
    people = f" ({s.unique_people:,} people)" if s.unique_people is not None else ""
    add(f"  Trained: {s.trained:,} enrolments{people} in {s.records} courses")
    if report.independent is not None:
        add(f"  Verified independently as applying: {rate_text(report.independent)}")
    else:
        add("  Verified independently as applying: no course was verified independently")
    if report.self_reported is not None:
        add(f"  Self-reported applying (not verification): {rate_text(report.self_reported)}")
    t = s.transfer
    if t.n:
        add(f"  Followed up: {t.n} of {t.trained} trained ({t.follow_up_rate:.1%})")
    add(f"  Kirkpatrick level the evidence reaches: {s.kirkpatrick_level}")


def sources(report: Report) -> list[tuple[str, str]]:
    """Each (status, source) of the report's figures: published, then synthetic, then data."""
    found: dict[str, set[str]] = {}
    for section in report.sections:
        for name, status in section.status.items():
            found.setdefault(status, set()).add(section.sources[name])
    if report.training is not None:
        found.setdefault(report.training_status, set()).add(report.training_source)
    return [
        (status, source)
        for status in ("published", "synthetic", "data")
        for source in sorted(found.get(status, ()))
    ]


def _sources_text(report: Report, add: Callable[[str], None]) -> None:
    add("")
    add("Status of the figures")
    for status, source in sources(report):
        add(f"  {status}: {source}")


def text(report: Report) -> str:
    """The report for people."""
    out: list[str] = []
    add = out.append
    add(f"narcometrics {__version__}: headline results for {report.year}")
    add(f"Data: {report.data_label}")
    for note in report.notes:
        add(f"Note: {note}")
    for section in report.sections:
        _section_text(report, section, add)
    _training_text(report, add)
    _sources_text(report, add)
    return "\n".join(out) + "\n"


# -------------------------------------------------------------------------------- CSV

_HEADER = [
    "section",
    "country",
    "indicator",
    "year",
    "value",
    "unit",
    "low",
    "high",
    "status",
    "source",
    "note",
]


def _cell(value: Any) -> str:
    from narcometrics.io import escape_cell

    if value is None:
        return ""
    if isinstance(value, bool):
        return escape_cell(str(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            return ""
        return repr(int(value)) if isinstance(value, (int, np.integer)) else repr(number)
    return escape_cell(str(value))


def _estimate_rows(section: Section, year: int) -> Iterable[list[Any]]:
    for name, key, est in (
        ("avoided_production_up_to", "avoided_production_up_to", section.avoided_up_to),
        ("avoided_production_adjusted", "avoided_production_adjusted", section.avoided_adjusted),
        (
            "avoided_production_adjusted_without_dates",
            "avoided_production_adjusted",
            section.adjusted_without_dates,
        ),
    ):
        if est is not None:
            yield [
                "eradication", section.country, name, year, est.central, est.unit, est.low,
                est.high, section.status[key], section.sources[key],
                f"factor set {est.provenance.factor_set}: {est.provenance.cited()}",
            ]  # fmt: skip
    for line in section.missing:
        yield ["eradication", section.country, "avoided_production", year, None, "t", None,
               None, "missing", "", line]  # fmt: skip


def _section_rows(section: Section, year: int) -> Iterable[list[Any]]:
    c = section.country
    for name, value in section.counts.items():
        note = "not in the data" if value is None else ""
        yield ["operations", c, name, year, value, "count", None, None, section.status[name],
               section.sources[name], note]  # fmt: skip
    if section.eradicated_ha is not None:
        yield ["eradication", c, "eradicated_ha", year, section.eradicated_ha, "ha", None, None,
               section.status["eradicated_ha"], section.sources["eradicated_ha"], ""]  # fmt: skip
    yield from _estimate_rows(section, year)
    for substance, mass in section.seizures_kg.items():
        yield ["seizures", c, f"{substance}_mass_kg", year, mass, "kg", None, None,
               section.status["seizures"], section.sources["seizures"],
               f"{section.seizure_counts[substance]} seizures"]  # fmt: skip
    for r in section.history:
        yield ["history", c, "eradicated_ha", r.year, r.eradicated_ha, "ha", None, None,
               r.status, r.source, _joined(r.note, record_claim(r))]  # fmt: skip


def _joined(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _training_rows(report: Report) -> Iterable[list[Any]]:
    s = report.training
    if s is None:
        return
    status, source, y = report.training_status, report.training_source, report.year
    yield ["training", "", "trained", y, s.trained, "enrolments", None, None, status, source, ""]
    for name, rate in (
        ("independently_verified_applying_share", report.independent),
        ("self_reported_applying_share", report.self_reported),
    ):
        if rate is not None:
            yield ["training", "", name, y, rate.share, "fraction", rate.low, rate.high, status,
                   source, f"{rate.method} interval, k={rate.k}, n={rate.n}"]  # fmt: skip


def csv_text(report: Report) -> str:
    """One row per figure; every text cell escaped against spreadsheet formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_HEADER)
    for section in report.sections:
        for row in _section_rows(section, report.year):
            writer.writerow([_cell(v) for v in row])
    for row in _training_rows(report):
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def render(report: Report, fmt: Format = "text") -> str:
    """The report as ``"text"`` (for people), ``"json"`` (with provenance), ``"csv"`` or
    ``"html"`` (one self-contained page with charts, for a donor or a printer).

    JSON has no NaN or infinity: a value that is not finite is ``null``. CSV escapes every
    text cell with [`escape_cell`][narcometrics.io.escape_cell] and leaves a non-finite
    number empty. HTML holds the same figures and wording as the text, every value from the
    data escaped, styles and charts (SVG) inline and no reference to any other host; each
    figure is also in a ``<data value="...">`` element at full precision.
    """
    if fmt == "text":
        return text(report)
    if fmt == "json":
        return json.dumps(as_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "csv":
        return csv_text(report)
    if fmt == "html":
        from narcometrics._report_html import html

        return html(report)
    raise UnknownNameError("format", fmt, FORMATS)

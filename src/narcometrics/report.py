"""The headline report: a programme's results for one year, computed from records.

[`build_report`][narcometrics.report.build_report] turns record tables into a
[`Report`][narcometrics.report.Report] (operations, eradication with the avoided production "up to"
and a careful adjusted estimate, seizures by substance, training with its interval, change against
earlier years); [`render`][narcometrics.report.render] prints it as text, JSON or CSV. The
``narcometrics report`` command is a thin shell around both.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from typing import Any, Literal

import attrs
import numpy as np

from narcometrics._version import __version__
from narcometrics.aggregate import records as best_ever
from narcometrics.aggregate import total, year_over_year
from narcometrics.datasets import NationalSeries
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.estimate import Estimate, avoided_production, avoided_production_adjusted
from narcometrics.factors import FactorSet, available, get
from narcometrics.tables import EradicationTable, OperationTable, SeizureTable, TrainingTable
from narcometrics.training import TrainingSummary, training_summary

__all__ = ["COUNTS", "Report", "ReportData", "Row", "build_report", "default_factor_set", "render"]

Format = Literal["text", "json", "csv"]

#: The operation counts the report shows, with their labels.
COUNTS: dict[str, str] = {
    "organisations_disbanded": "Criminal organisations disbanded",
    "airstrips_destroyed": "Illegal airstrips destroyed",
    "laboratories_destroyed": "Drug laboratories destroyed",
    "arrests": "Arrests",
}


@attrs.frozen(kw_only=True)
class ReportData:
    """The record tables a report is computed from (any of them may be missing).

    Attributes
    ----------
    operations, seizures, eradications, training : table or None
        The record tables.
    label : str
        Where the data come from, shown in the report.
    synthetic : bool
        True for the bundled synthetic example; the report says so.
    national_series : NationalSeries or None
        Published national eradication figures for the change over time.
    reported_counts : frozenset of str or None
        The operation count fields the data really hold (a file without an ``arrests``
        column gives 0 arrests per record, which is not a count of 0); None when all are.
    """

    operations: OperationTable | None = None
    seizures: SeizureTable | None = None
    eradications: EradicationTable | None = None
    training: TrainingTable | None = None
    label: str = "user data"
    synthetic: bool = False
    national_series: NationalSeries | None = None
    reported_counts: frozenset[str] | None = None

    def tables(self) -> dict[str, Any]:
        """The tables that are present, by name."""
        names = ("operations", "seizures", "eradications", "training")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}

    def years(self) -> list[int]:
        """Every year that has at least one record."""
        found: set[int] = set()
        for table in self.tables().values():
            if len(table):
                found.update(
                    int(y) for y in np.unique(table.date.astype("datetime64[Y]").astype(int) + 1970)
                )
        return sorted(found)


@attrs.frozen(kw_only=True)
class Row:
    """One year of the eradication history: value, source, change and record flag."""

    year: int
    eradicated_ha: float
    source: str
    change_percent: float
    record: str | None


@attrs.frozen(kw_only=True, eq=False)
class Report:
    """A programme's headline results for one year.

    Attributes
    ----------
    year : int
    data_label : str
    synthetic : bool
    counts : dict of str to int or None
        Operation counts for the year (empty without operation records; None for a count
        the data do not hold).
    eradicated_ha : float or None [ha]
    avoided_up_to : Estimate or None [t]
        The government flat method: an upper bound.
    avoided_adjusted : Estimate or None [t]
        Net of harvests already taken, replanting and licit use, with its range.
    seizures_kg : dict of str to float [kg]
        Bulk mass seized per substance (no purity adjustment).
    seizure_counts : dict of str to int
        Number of seizures per substance.
    training : TrainingSummary or None
    history : tuple of Row
        Eradication by year: the published national series before the year, then the
        year from the data, with year-over-year change and honest record flags.
    notes : tuple of str
    """

    year: int
    data_label: str
    synthetic: bool
    counts: Mapping[str, int | None]
    eradicated_ha: float | None
    avoided_up_to: Estimate | None
    avoided_adjusted: Estimate | None
    seizures_kg: Mapping[str, float]
    seizure_counts: Mapping[str, int]
    training: TrainingSummary | None
    history: tuple[Row, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON types."""
        return {
            "narcometrics_version": __version__,
            "year": self.year,
            "data": {"label": self.data_label, "synthetic": self.synthetic},
            "operations": dict(self.counts),
            "eradication": {
                "eradicated_ha": self.eradicated_ha,
                "avoided_production_up_to": _estimate_dict(self.avoided_up_to),
                "avoided_production_adjusted": _estimate_dict(self.avoided_adjusted),
            },
            "seizures": {
                substance: {"mass_kg": mass, "seizures": self.seizure_counts[substance]}
                for substance, mass in self.seizures_kg.items()
            },
            "training": None if self.training is None else _plain(self.training.to_dict()),
            "eradication_history": [
                {
                    "year": r.year,
                    "eradicated_ha": r.eradicated_ha,
                    "source": r.source,
                    "change_percent": _none_if_nan(r.change_percent),
                    "record": r.record,
                }
                for r in self.history
            ],
            "notes": list(self.notes),
        }


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else value


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return _none_if_nan(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _estimate_dict(estimate: Estimate | None) -> dict[str, Any] | None:
    return None if estimate is None else _plain(estimate.to_dict())


def default_factor_set(year: int) -> str:
    """The bundled flat-per-hectare factor set whose years cover ``year`` (latest first).

    Raises
    ------
    ValidationError
        When no bundled flat set covers the year: pass one explicitly.
    """
    covering = []
    for factor_id in available():
        factor_set = get(factor_id)
        if str(factor_set.method) != "flat_per_hectare":
            continue
        first = factor_set.first_year if factor_set.first_year is not None else -math.inf
        last = factor_set.last_year if factor_set.last_year is not None else math.inf
        if first <= year <= last:
            covering.append((factor_set.first_year or 0, factor_id))
    if not covering:
        raise ValidationError(
            "factors",
            f"no bundled flat factor set covers {year}; choose one with --factors "
            f"(available: {', '.join(available())})",
            year,
        )
    return max(covering)[1]


def _calendar_years(table: Any) -> Any:
    return table.date.astype("datetime64[Y]").astype(int) + 1970


def _in_year(table: Any, year: int) -> Any:
    return table[_calendar_years(table) == year]


def _history(
    series: NationalSeries | None, year: int, eradicated_ha: float | None, label: str
) -> tuple[Row, ...]:
    years: list[int] = []
    values: list[float] = []
    sources: list[str] = []
    if series is not None:
        for y, v, s in zip(
            series.year.tolist(), series.eradicated_ha.tolist(), series.source.tolist(), strict=True
        ):
            if y < year and not math.isnan(v):
                years.append(int(y))
                values.append(float(v))
                sources.append(str(s))
    if eradicated_ha is not None:
        years.append(year)
        values.append(eradicated_ha)
        sources.append(label)
    if not years:
        return ()
    year_array = np.asarray(years, dtype=np.int64)
    value_array = np.asarray(values, dtype=np.float64)
    change = year_over_year(year_array, value_array)
    flags = best_ever(year_array, value_array)
    return tuple(
        Row(
            year=y,
            eradicated_ha=v,
            source=s,
            change_percent=float(c),
            record=None if flag is None else str(flag),
        )
        for y, v, s, c, flag in zip(
            years, values, sources, np.asarray(change).tolist(), flags.label.tolist(), strict=True
        )
    )


def build_report(
    data: ReportData,
    *,
    year: int | None = None,
    factors: FactorSet | str | None = None,
    confidence: float = 0.95,
) -> Report:
    """Compute a programme's headline results for one year from record tables.

    Parameters
    ----------
    data : ReportData
        The record tables (any may be missing) and the published national series.
    year : int, optional
        The year to report; by default the latest year with records.
    factors : FactorSet or str, optional
        The flat factor set for avoided production; by default the bundled set whose years
        cover ``year`` ([`default_factor_set`][narcometrics.report.default_factor_set]).
    confidence : float [fraction]
        Confidence level of the training interval.

    Returns
    -------
    Report

    Raises
    ------
    ValidationError
        A year with no records (naming the years that have some), an unknown factor set id,
        or no factor set covering the year.
    """
    years = data.years()
    if not years:
        raise ValidationError("data", "holds no records")
    if year is None:
        year = years[-1]
    if year not in years:
        raise ValidationError(
            "year", f"has no records (years in the data: {', '.join(map(str, years))})", year
        )
    if isinstance(factors, str) and factors not in available():
        raise UnknownNameError("factors", factors, available())
    notes: list[str] = []
    if data.synthetic:
        notes.append(
            "The records are SYNTHETIC: only their totals equal the programme's published "
            "results; dates, regions, seizures and training courses are illustrative."
        )

    counts: dict[str, int | None] = {}
    if data.operations is not None:
        ops = _in_year(data.operations, year)
        held = data.reported_counts
        for name in COUNTS:  # exact totals; a count some records lack has no honest total
            unknown = int(np.ma.getmaskarray(getattr(ops, name)).sum())
            absent = held is not None and name not in held  # (JSON: the first record's keys)
            if unknown or (absent and not len(ops)):
                counts[name] = None
            else:
                counts[name] = int(total(ops, name).grand_total)
        missing = [name for name, value in counts.items() if value is None]
        if missing:
            notes.append(f"Not in the operation records, so not reported: {', '.join(missing)}.")

    eradicated = up_to = adjusted = None
    if data.eradications is not None:
        erad = _in_year(data.eradications, year)
        if len(erad):
            factor_set = factors if factors is not None else default_factor_set(year)
            eradicated = float(np.sum(erad.area_ha))
            up_to = avoided_production(eradicated, factor_set)
            adjusted = avoided_production_adjusted(
                np.asarray(erad.area_ha), factor_set, eradication_date=erad.date, zone_axis=0
            )

    seizures_kg: dict[str, float] = {}
    seizure_counts: dict[str, int] = {}
    if data.seizures is not None:
        seized = _in_year(data.seizures, year)
        if len(seized):
            by_substance = total(seized, "mass_kg", by="substance")  # sums and record counts
            rows = zip(
                by_substance.keys(),
                by_substance.values.tolist(),
                by_substance.counts.tolist(),
                strict=True,
            )
            for key, mass, number in sorted(rows, key=lambda row: -row[1]):
                seizures_kg[str(key[0])] = mass
                seizure_counts[str(key[0])] = int(number)

    summary = None
    if data.training is not None:
        trained = _in_year(data.training, year)
        if len(trained):
            summary = training_summary(trained, confidence=confidence)

    history = _history(data.national_series, year, eradicated, data.label)
    if data.national_series is not None and eradicated is not None:
        published = data.national_series.value("eradicated_ha", year)
        if not math.isnan(published) and published != eradicated:
            notes.append(
                f"The national series gives {published:,.0f} ha eradicated in {year} "
                f"({_source(data.national_series, year)}); the data give {eradicated:,.0f} ha."
            )
    return Report(
        year=year,
        data_label=data.label,
        synthetic=data.synthetic,
        counts=counts,
        eradicated_ha=eradicated,
        avoided_up_to=up_to,
        avoided_adjusted=adjusted,
        seizures_kg=seizures_kg,
        seizure_counts=seizure_counts,
        training=summary,
        history=history,
        notes=tuple(notes),
    )


def _source(series: NationalSeries, year: int) -> str:
    hit = np.flatnonzero(series.year == year)
    return str(series.source[hit[0]]) if hit.size else ""


# ------------------------------------------------------------------------- rendering


def _citations(estimate: Estimate) -> str:
    return estimate.provenance.cited()


def _text(report: Report) -> str:
    out: list[str] = []
    add = out.append
    add(f"narcometrics {__version__}: headline results for {report.year}")
    add(f"Data: {report.data_label}")
    for note in report.notes:
        add(f"Note: {note}")
    if report.counts:
        add("")
        add("Operations")
        for name, label in COUNTS.items():
            value = report.counts[name]
            shown = "not in the data" if value is None else f"{value:,}"
            add(f"  {label:<44}{shown:>12}")
    if report.eradicated_ha is not None and report.avoided_up_to is not None:
        up, adj = report.avoided_up_to, report.avoided_adjusted
        add("")
        add("Eradication and avoided cocaine production")
        add(f"  {'Coca eradicated':<44}{report.eradicated_ha:>12,.0f} ha")
        add(f"  {'Avoided production, up to':<44}{up.central:>12,.1f} t")
        add(f"    flat method, factor set {up.provenance.factor_set}: {_citations(up)}")
        add("    an upper bound: ignores harvests already taken, replanting and licit use")
        if adj is not None:
            add(f"  {'Adjusted estimate':<44}{adj.central:>12,.1f} t")
            add(f"    range {adj.low:,.1f} to {adj.high:,.1f} t, from the cited ranges of:")
            for a in adj.provenance.assumptions:
                if a.value is None:
                    add(f"      {a.name}: per record, from the eradication dates")
                elif a.low is not None and a.high is not None:
                    add(f"      {a.name} {a.low:g} to {a.high:g} {a.unit} (central {a.value:g})")
    if report.seizures_kg:
        add("")
        add("Seizures by substance (bulk mass, not purity-adjusted)")
        for substance, mass in report.seizures_kg.items():
            n = report.seizure_counts[substance]
            add(f"  {substance:<28}{n:>6} seizures{mass:>14,.1f} kg")
    if report.training is not None:
        s = report.training
        t = s.transfer
        add("")
        add("Training")
        people = f" ({s.unique_people:,} people)" if s.unique_people is not None else ""
        add(f"  Trained: {s.trained:,} enrolments{people} in {s.records} courses")
        if t.n:
            add(
                f"  Verified applying: {t.k} of {t.n} followed up = {t.share:.1%} "
                f"({t.confidence:.0%} CI {t.low:.1%} to {t.high:.1%}, {t.method})"
            )
            add(
                f"  Followed up: {t.n} of {t.trained} trained ({t.follow_up_rate:.1%}); "
                f"verification: {t.verification}"
            )
        add(f"  Kirkpatrick level the evidence reaches: {s.kirkpatrick_level}")
    if report.history:
        add("")
        add("Eradication over time (published national series, then the data)")
        for r in report.history:
            change = "" if math.isnan(r.change_percent) else f"{r.change_percent:+.1f} %"
            flag = f"record: {r.record}" if r.record else ""
            add(f"  {r.year}  {r.eradicated_ha:>10,.0f} ha  {change:>9}  {flag}")
        last = report.history[-1]
        earlier = [r for r in report.history[:-1] if r.eradicated_ha > last.eradicated_ha]
        if earlier and last.year == report.year:
            years = ", ".join(str(r.year) for r in earlier)
            add(f"  {report.year} is not a record: eradication was higher in {years}.")
    return "\n".join(out) + "\n"


def _csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "indicator", "year", "value", "unit", "low", "high", "source"])
    y = report.year
    for name, value in report.counts.items():
        if value is not None:
            writer.writerow(["operations", name, y, value, "count", "", "", report.data_label])
    if report.eradicated_ha is not None:
        writer.writerow(
            [
                "eradication",
                "eradicated_ha",
                y,
                report.eradicated_ha,
                "ha",
                "",
                "",
                report.data_label,
            ]
        )
    for name, est in (
        ("avoided_production_up_to", report.avoided_up_to),
        ("avoided_production_adjusted", report.avoided_adjusted),
    ):
        if est is not None:
            writer.writerow(
                [
                    "eradication",
                    name,
                    y,
                    est.central,
                    est.unit,
                    est.low,
                    est.high,
                    f"{est.provenance.factor_set}: {_citations(est)}",
                ]
            )
    for substance, mass in report.seizures_kg.items():
        writer.writerow(
            ["seizures", f"{substance}_mass_kg", y, mass, "kg", "", "", report.data_label]
        )
    if report.training is not None:
        t = report.training.transfer
        writer.writerow(
            [
                "training",
                "trained",
                y,
                report.training.trained,
                "enrolments",
                "",
                "",
                report.data_label,
            ]
        )
        writer.writerow(
            [
                "training",
                "verified_applying_share",
                y,
                t.share,
                "fraction",
                t.low,
                t.high,
                f"{t.method} interval, k={t.k}, n={t.n}",
            ]
        )
    for r in report.history:
        writer.writerow(
            ["history", "eradicated_ha", r.year, r.eradicated_ha, "ha", "", "", r.source]
        )
    return buffer.getvalue()


def render(report: Report, fmt: Format = "text") -> str:
    """The report as ``"text"`` (for people), ``"json"`` (with provenance) or ``"csv"``."""
    if fmt == "text":
        return _text(report)
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "csv":
        return _csv(report)
    raise UnknownNameError("format", fmt, ("text", "json", "csv"))

"""The headline report: a programme's results for one year, country by country.

[`build_report`][narcometrics.report.build_report] chooses the records of the year, one
section per country the data hold (or the one ``country`` asked for), and takes every number
from the library's public functions: [`total`][narcometrics.aggregate.total] for counts,
hectares and seizures, [`avoided_production`][narcometrics.estimate.avoided_production] and
[`avoided_production_adjusted`][narcometrics.estimate.avoided_production_adjusted] with the
factor set for the country and year
([`default_factor_set`][narcometrics.factors.default_factor_set]),
[`training_summary`][narcometrics.training.training_summary] and
[`transfer_rate`][narcometrics.training.transfer_rate] for training,
[`year_over_year`][narcometrics.aggregate.year_over_year] and
[`best_ever`][narcometrics.aggregate.best_ever] against the country's published
[national series][narcometrics.datasets.national_series]. It adds no arithmetic of its own;
[`render`][narcometrics.report.render] prints the result as text, JSON, CSV or HTML, each figure
labelled published, synthetic or from the data.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import attrs
import numpy as np

from narcometrics._report_data import (
    COUNTS,
    Report,
    ReportData,
    Row,
    Section,
    Status,
    select,
    where,
)
from narcometrics._report_render import render
from narcometrics.aggregate import best_ever, total, year_over_year
from narcometrics.datasets import NationalSeries
from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.estimate import Estimate, avoided_production, avoided_production_adjusted
from narcometrics.factors import FactorSet, factor_set_country, flat_sets, get
from narcometrics.factors import default_factor_set as _choose_factor_set
from narcometrics.training import TrainingSummary, TransferRate, training_summary, transfer_rate

__all__ = [
    "COUNTS",
    "Report",
    "ReportData",
    "Row",
    "Section",
    "Status",
    "build_report",
    "default_factor_set",
    "render",
]

# --------------------------------------------------------------------- figures' status


def _published_match(value: float, published: float) -> bool:
    """Equal to the published figure at the precision it was published with."""
    text = repr(float(published))
    decimals = 0 if text.endswith(".0") else len(text.split(".")[1])
    return round(value, decimals) == round(published, decimals)


@attrs.frozen
class _Labels:
    """Status and source of each figure, from what the data say about themselves."""

    data: ReportData
    year: int
    country: str | None

    def __call__(self, name: str, value: float | None) -> tuple[str, str]:
        data = self.data
        if not data.synthetic:
            return "data", data.label
        published = data.published.get(name)
        if (
            published is not None
            and value is not None
            and self.year == data.published_year
            and self.country in (None, data.published_country)
            and _published_match(value, published)
        ):
            return "published", data.published_source
        return "synthetic", data.generator or data.label


# ------------------------------------------------------------------------- the figures


def _counts(ops: Any, held: frozenset[str] | None) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for name in COUNTS:
        column = ops.column(name)
        absent = (held is not None and name not in held) or bool(np.ma.getmaskarray(column).any())
        out[name] = None if absent else int(total(ops, name).grand_total)
    return out


def _factor_set(
    factors: FactorSet | str | None, year: int, country: str, notes: list[str]
) -> tuple[FactorSet | str | None, str | None]:
    """The factor set for the section, or None and why none fits."""
    if factors is None:
        try:
            return _choose_factor_set(year, country), None
        except ValidationError as error:
            return None, error.problems[0].problem.split("; choose")[0]
    chosen = get(factors) if isinstance(factors, str) else factors
    belongs = factor_set_country(chosen)
    if belongs is not None and belongs != country:
        return None, f"factor set {chosen.id} is for {belongs}, not {country}"
    first, last = chosen.first_year, chosen.last_year
    if (first is not None and year < first) or (last is not None and year > last):
        notes.append(f"Factor set {chosen.id} is dated {first}-{last}; used for {year} as asked.")
    return factors, None


def _estimates(
    erad: Any, hectares: float, factor_set: FactorSet | str
) -> tuple[Estimate, Estimate | None, Estimate, str | None]:
    """The flat estimate, the adjusted one from the records' dates (None, with the reason,
    when the dates cannot carry the harvest timing) and the adjusted one without dates."""
    up_to = avoided_production(hectares, factor_set)
    try:
        dated: Estimate | None = avoided_production_adjusted(
            np.asarray(erad.area_ha), factor_set, eradication_date=erad.date, zone_axis=0
        )
        why = None
    except ValidationError as error:
        dated, why = None, error.problems[0].problem
    undated = avoided_production_adjusted(hectares, factor_set)
    return up_to, dated, undated, why


def _seizures(seized: Any) -> tuple[dict[str, float], dict[str, int]]:
    if not len(seized):
        return {}, {}
    by_substance = total(seized, "mass_kg", by="substance")  # sums and record counts
    rows = zip(
        by_substance.keys(), by_substance.values.tolist(), by_substance.counts.tolist(), strict=True
    )
    ordered = sorted(rows, key=lambda row: -row[1])
    return {str(k[0]): m for k, m, _ in ordered}, {str(k[0]): int(n) for k, _, n in ordered}


def _absent(years: list[int], upto: int) -> tuple[int, ...]:
    present = set(years)
    return tuple(y for y in range(years[0], upto) if y not in present)


def _history(
    series: NationalSeries | None, year: int, eradicated: float | None, status: tuple[str, str]
) -> tuple[Row, ...]:
    if series is None or series.eradication_column is None or eradicated is None:
        return ()
    published_years, published_values = series.published(series.eradication_column, before=year)
    years = [*published_years.tolist(), year]
    values = [*published_values.tolist(), eradicated]
    change = year_over_year(np.asarray(years, dtype=np.int64), np.asarray(values))
    flags = best_ever(np.asarray(years, dtype=np.int64), np.asarray(values))
    rows = []
    for i, (y, v) in enumerate(zip(years, values, strict=True)):
        mine = i == len(years) - 1
        rows.append(
            Row(
                year=y,
                eradicated_ha=v,
                source=status[1] if mine else series.source_of(y),
                change_percent=float(change[i]),
                record=None if flags.label[i] is None else str(flags.label[i]),
                status=status[0] if mine else "published",
                note="" if mine else series.note_of(y),
                compared=i,
                absent=_absent(years, y),
            )
        )
    return tuple(rows)


def _series_notes(
    series: NationalSeries | None, country: str, year: int, eradicated: float | None
) -> list[str]:
    if series is None:
        return [f"No bundled national series for {country}: no history is compared."]
    if series.eradication_column is None:
        return [
            f"The {country} national series publishes no total eradication (manual "
            "eradication and aerial spraying apart, for a few years only): no eradication "
            "history is compared."
        ]
    published = series.value(series.eradication_column, year)
    if eradicated is None or math.isnan(published) or published == eradicated:
        return []
    note = series.note_of(year)
    return [
        f"The national series gives {published:,.0f} ha eradicated in {year} "
        f"({series.source_of(year)}{'; ' + note if note else ''}); the data give "
        f"{eradicated:,.0f} ha."
    ]


def _eradication(
    data: ReportData,
    year: int,
    country: str,
    factors: FactorSet | str | None,
    notes: list[str],
) -> dict[str, Any]:
    """Hectares, estimates and what is missing, for one country."""
    empty: dict[str, Any] = {
        "eradicated_ha": None,
        "factor_set": None,
        "avoided_up_to": None,
        "avoided_adjusted": None,
        "adjusted_without_dates": None,
        "missing": (),
    }
    if data.eradications is None:
        return empty
    erad = select(data.eradications, country, year)
    if not len(erad):
        return empty
    hectares = float(total(erad, "area_ha").grand_total)
    chosen, why = _factor_set(factors, year, country, notes)
    if chosen is None:
        return {
            **empty,
            "eradicated_ha": hectares,
            "missing": (
                f"Avoided production (up to and adjusted) for {country} is not estimated: {why}.",
            ),
        }
    up_to, dated, undated, why = _estimates(erad, hectares, chosen)
    missing: tuple[str, ...] = ()
    if why is not None:
        missing = (
            f"The adjusted estimate from the records' dates for {country} is not computed: {why}.",
        )
    return {
        "eradicated_ha": hectares,
        "factor_set": up_to.provenance.factor_set,
        "avoided_up_to": up_to,
        "avoided_adjusted": dated,
        "adjusted_without_dates": undated,
        "missing": missing,
    }


def _section(data: ReportData, year: int, country: str, factors: FactorSet | str | None) -> Section:
    notes: list[str] = []
    label = _Labels(data, year, country)
    counts: dict[str, int | None] = {}
    if data.operations is not None:
        ops = select(data.operations, country, year)
        if len(ops):
            counts = _counts(ops, data.reported_counts)
    gone = [name for name, value in counts.items() if value is None]
    if gone:
        notes.append(f"Not in the operation records, so not reported: {', '.join(gone)}.")
    erad = _eradication(data, year, country, factors, notes)
    seized: tuple[dict[str, float], dict[str, int]] = ({}, {})
    if data.seizures is not None:
        seized = _seizures(select(data.seizures, country, year))
    series = data.national_series.get(country)
    eradicated = erad["eradicated_ha"]
    figures: dict[str, float | None] = {
        **{k: (None if v is None else float(v)) for k, v in counts.items()},
        "eradicated_ha": eradicated,
        "avoided_production_up_to": None,
        "avoided_production_adjusted": None,
        "seizures": None,
    }
    if erad["avoided_up_to"] is not None:
        figures["avoided_production_up_to"] = erad["avoided_up_to"].central
    labels = {name: label(_published_name(name), value) for name, value in figures.items()}
    history = _history(series, year, eradicated, labels["eradicated_ha"])
    if eradicated is not None:
        notes.extend(_series_notes(series, country, year, eradicated))
    return Section(
        country=country,
        counts=counts,
        seizures_kg=seized[0],
        seizure_counts=seized[1],
        history=history,
        status={k: v[0] for k, v in labels.items()},
        sources={k: v[1] for k, v in labels.items()},
        notes=tuple(notes),
        **erad,
    )


def _published_name(name: str) -> str:
    return "avoided_production_up_to_t" if name == "avoided_production_up_to" else name


def _training(
    data: ReportData, year: int, confidence: float
) -> tuple[TrainingSummary | None, TransferRate | None, TransferRate | None]:
    if data.training is None:
        return None, None, None
    trained = select(data.training, None, year)
    if not len(trained):
        return None, None, None
    summary = training_summary(trained, confidence=confidence)
    rates = []
    for kind in ("independent", "self_reported"):
        chosen = where(trained, "verification", kind)
        rates.append(transfer_rate(chosen, confidence=confidence) if len(chosen) else None)
    return summary, rates[0], rates[1]


def _check_year(data: ReportData, year: int | None, country: str | None) -> int:
    years = data.years(country)
    if not years:
        raise ValidationError("data", "holds no records")
    if year is None:
        return years[-1]
    if year not in years:
        raise ValidationError(
            "year", f"has no records (years in the data: {', '.join(map(str, years))})", year
        )
    return year


def _check_country(data: ReportData, country: str | None) -> str | None:
    if country is None:
        return None
    if not isinstance(country, str):
        raise TypeError(f"country must be a str, not {type(country).__name__}")
    code = country.upper()  # as the records: upper case, nothing else changed
    present = data.countries()
    if code not in present:
        raise UnknownNameError("country", country, present)
    return code


def _check_factors(factors: FactorSet | str | None) -> None:
    if isinstance(factors, str) and factors not in flat_sets():
        raise UnknownNameError("factors", factors, flat_sets())
    if isinstance(factors, FactorSet) and str(factors.method) != "flat_per_hectare":
        raise ValidationError(
            "factors",
            f"must be a flat-per-hectare set (bundled: {', '.join(flat_sets())})",
            factors.id,
        )


def build_report(
    data: ReportData,
    *,
    year: int | None = None,
    country: str | None = None,
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
    country : str, optional
        ISO 3166-1 alpha-3 code: report this country only. By default one section per
        country of the year's operation, seizure and eradication records; nothing is summed
        across countries.
    factors : FactorSet or str, optional
        A flat-per-hectare factor set for avoided production (bundled ids:
        [`flat_sets`][narcometrics.factors.flat_sets]); used only for the country it is
        for. By default the bundled set for each country and year
        ([`default_factor_set`][narcometrics.factors.default_factor_set]); when none fits,
        the report says which estimate is missing and why.
    confidence : float [fraction]
        Confidence level of the training intervals.

    Returns
    -------
    Report

    Raises
    ------
    ValidationError
        A year with no records (naming the years that have some), or a factor set that is
        not flat per hectare.
    UnknownNameError
        An unknown factor set id or a country without records (listing the valid ones).
    """
    code = _check_country(data, country)
    _check_factors(factors)
    chosen_year = _check_year(data, year, code)
    notes: list[str] = []
    if data.synthetic:
        notes.append(
            "The records are SYNTHETIC: only the figures marked published equal the "
            "programme's published results; dates, regions, arrests, seizures and training "
            f"courses are illustrative ({data.generator or data.label})."
        )
    countries = [code] if code is not None else data.countries(chosen_year)
    if len(countries) > 1:
        notes.append(
            f"The data hold {len(countries)} countries ({', '.join(countries)}): each has "
            "its own section, and nothing is summed across them."
        )
    summary, independent, self_reported = _training(data, chosen_year, confidence)
    training_label = _Labels(data, chosen_year, None)("training", None)
    if summary is not None and (len(countries) > 1 or code is not None):
        notes.append("Training records carry no country: training is reported for all of them.")
    return Report(
        year=chosen_year,
        data_label=data.label,
        synthetic=data.synthetic,
        sections=tuple(_section(data, chosen_year, c, factors) for c in countries),
        training=summary,
        independent=independent,
        self_reported=self_reported,
        training_status=training_label[0],
        training_source=training_label[1],
        notes=tuple(notes),
    )


def default_factor_set(year: int) -> str:
    """Deprecated: use ``narcometrics.factors.default_factor_set(year, country)``.

    Chooses among Peru's sets
    ([`default_factor_set`][narcometrics.factors.default_factor_set]); kept for one release.
    """
    warnings.warn(
        "narcometrics.report.default_factor_set(year) is deprecated; use "
        "narcometrics.factors.default_factor_set(year, country)",
        DeprecationWarning,
        stacklevel=2,
    )
    return _choose_factor_set(year, "PER")

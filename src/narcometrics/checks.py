"""Plausibility checks a user runs on valid records: warnings with the rows, never changes.

A record can be valid (every field within its rules) and still implausible: a date in the
future, a seizure of 80 tonnes, an eradication larger than all the coca the country grew that
year, two records with one id. Each check returns a [`CheckReport`][narcometrics.checks.CheckReport]
listing every finding with the rows (0-based table rows) it concerns; nothing is dropped,
clipped or changed. The user decides: fix the file, or keep the records knowingly.

- [`future_dates`][narcometrics.checks.future_dates]: dates after today (or a given day);
- [`large_seizures`][narcometrics.checks.large_seizures]: seizures over a mass threshold the
  caller chooses (no threshold is assumed);
- [`eradication_over_coca_area`][narcometrics.checks.eradication_over_coca_area]: an
  eradication record larger than the country's net coca area that year in the national
  series; years and countries without a published area are listed as not checked;
- [`duplicate_ids`][narcometrics.checks.duplicate_ids]: ids that more than one row carries;
- [`run`][narcometrics.checks.run]: every check that applies to a table.
"""

from __future__ import annotations

import datetime as _dt
import math
import warnings
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from narcometrics import _checks as c
from narcometrics._frame import Backend, check_backend, frame
from narcometrics.errors import UnknownNameError
from narcometrics.records import Substance
from narcometrics.tables import EradicationTable, SeizureTable, Table

__all__ = [
    "CheckReport",
    "Finding",
    "PlausibilityWarning",
    "duplicate_ids",
    "eradication_over_coca_area",
    "future_dates",
    "large_seizures",
    "run",
]


class PlausibilityWarning(UserWarning):
    """A record that is valid but implausible.

    Issued by [`CheckReport.warn`][narcometrics.checks.CheckReport.warn].
    """


@attrs.frozen(kw_only=True)
class Finding:
    """One implausible thing and the rows it concerns.

    Attributes
    ----------
    check : str
        ``future_date``, ``large_seizure``, ``eradication_over_coca_area`` or
        ``duplicate_id``.
    rows : tuple of int
        The 0-based rows of the table.
    message : str
        What was found, with the values compared.
    value : object
        The value that triggered it (a date, a mass, an id).
    """

    check: str
    rows: tuple[int, ...]
    message: str
    value: object = None

    def __str__(self) -> str:
        shown = ", ".join(str(r) for r in self.rows[:10])
        more = f" and {len(self.rows) - 10} more" if len(self.rows) > 10 else ""
        return f"{self.check}: rows {shown}{more}: {self.message}"


@attrs.frozen(kw_only=True)
class CheckReport:
    """The findings of one or more plausibility checks.

    Attributes
    ----------
    findings : tuple of Finding
        Every finding, in the order of the checks and rows.
    checked : tuple of str
        The checks that ran.
    not_checked : tuple of str
        What a check could not look at, and why (e.g. a year without a published coca area).
    """

    findings: tuple[Finding, ...] = ()
    checked: tuple[str, ...] = ()
    not_checked: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing implausible was found."""
        return not self.findings

    @property
    def rows(self) -> tuple[int, ...]:
        """Every row with at least one finding, sorted."""
        return tuple(sorted({r for f in self.findings for r in f.rows}))

    def __len__(self) -> int:
        return len(self.findings)

    def __add__(self, other: object) -> CheckReport:
        if not isinstance(other, CheckReport):
            return NotImplemented
        return CheckReport(
            findings=self.findings + other.findings,
            checked=self.checked + other.checked,
            not_checked=self.not_checked + other.not_checked,
        )

    def warn(self, stacklevel: int = 2) -> None:
        """Issue one [`PlausibilityWarning`][narcometrics.checks.PlausibilityWarning] per
        finding."""
        for finding in self.findings:
            warnings.warn(str(finding), PlausibilityWarning, stacklevel=stacklevel)

    def to_frame(self, backend: Backend = "pandas") -> Any:
        """One row per finding and table row: ``check``, ``row``, ``message``, ``value``."""
        check_backend(backend)
        data: dict[str, list[Any]] = {"check": [], "row": [], "message": [], "value": []}
        for finding in self.findings:
            for row in finding.rows:
                data["check"].append(finding.check)
                data["row"].append(row)
                data["message"].append(finding.message)
                data["value"].append(str(finding.value))
        return frame(data, backend)

    def __str__(self) -> str:
        head = f"{len(self.findings)} finding(s) from {', '.join(self.checked) or 'no check'}"
        lines = [head] + [f"  {f}" for f in self.findings]
        lines += [f"  not checked: {n}" for n in self.not_checked]
        return "\n".join(lines)


def _table(table: object, kinds: tuple[type[Table[Any]], ...] = ()) -> Table[Any]:
    if not isinstance(table, Table):
        raise TypeError(f"table must be a record table, not {type(table).__name__}")
    if kinds and not isinstance(table, kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise TypeError(f"table must be a {names}, not {type(table).__name__}")
    return table


def _dates(table: Table[Any]) -> list[_dt.date]:
    return [d.item() for d in np.asarray(table.column("date"))]


def future_dates(table: Table[Any], *, today: _dt.date | None = None) -> CheckReport:
    """Rows dated after ``today``.

    Parameters
    ----------
    table : any record table
    today : datetime.date, optional
        The last plausible day; `datetime.date.today` by default.
    """
    table = _table(table)
    last = _dt.date.today() if today is None else today
    if not isinstance(last, _dt.date) or isinstance(last, _dt.datetime):
        raise TypeError(f"today must be a datetime.date, not {type(last).__name__}")
    by_date: dict[_dt.date, list[int]] = {}
    for row, day in enumerate(_dates(table)):
        if day > last:
            by_date.setdefault(day, []).append(row)
    findings = tuple(
        Finding(
            check="future_date",
            rows=tuple(rows),
            message=f"dated {day.isoformat()}, after {last.isoformat()}",
            value=day,
        )
        for day, rows in sorted(by_date.items())
    )
    return CheckReport(findings=findings, checked=("future_date",))


def large_seizures(table: SeizureTable, threshold_kg: float | Mapping[str, float]) -> CheckReport:
    """Seizures heavier than a threshold the caller chooses.

    Parameters
    ----------
    table : SeizureTable
    threshold_kg : float or mapping of str to float [kg]
        One threshold, or one per substance value (``{"cocaine_hcl": 1000, "coca_leaf":
        50_000}``); substances not in the mapping are not checked and are listed as such.
        No threshold is assumed: what is implausible depends on the country and the market.
    """
    _table(table, (SeizureTable,))
    if isinstance(threshold_kg, Mapping):
        known = [str(s) for s in Substance]
        for key in threshold_kg:
            if key not in known:
                raise UnknownNameError("threshold_kg", str(key), known)
        limits = {
            str(k): c.check_positive(f"threshold_kg[{k!r}]", v) for k, v in threshold_kg.items()
        }
        single = None
    else:
        single = c.check_positive("threshold_kg", threshold_kg)
        limits = {}
    masses = np.asarray(table.column("mass_kg"), dtype=float).tolist()
    substances = table.column("substance").to_list()  # type: ignore[union-attr]
    findings = []
    skipped: set[str] = set()
    for row, (mass, substance) in enumerate(zip(masses, substances, strict=True)):
        limit = single if single is not None else limits.get(str(substance))
        if limit is None:
            skipped.add(str(substance))
            continue
        if mass > limit:
            findings.append(
                Finding(
                    check="large_seizure",
                    rows=(row,),
                    message=f"{substance} {mass:g} kg, over the threshold of {limit:g} kg",
                    value=mass,
                )
            )
    not_checked = tuple(f"large_seizure: no threshold for {s}" for s in sorted(skipped))
    return CheckReport(
        findings=tuple(findings), checked=("large_seizure",), not_checked=not_checked
    )


def _default_series(country: str) -> Any:
    from narcometrics import datasets

    try:
        return datasets.national_series(country)
    except UnknownNameError:  # no bundled series for this country: nothing to check against
        return None


def eradication_over_coca_area(
    table: EradicationTable, *, series: Mapping[str, Any] | None = None
) -> CheckReport:
    """Eradication records larger than the country's net coca area that year.

    Parameters
    ----------
    table : EradicationTable
    series : mapping of str to NationalSeries, optional
        The national series per ISO alpha-3 country (with ``year`` and ``net_area_ha``
        arrays); by default the bundled series of
        [`narcometrics.datasets`][narcometrics.datasets].

    Notes
    -----
    One record larger than all the coca the country grew that year (net area, as
    published) cannot be right: it is a unit error (m² or km² read as ha), a typing error or
    several records summed. Totals over a year are not compared: the net area is measured
    after eradication, so a year's eradication may exceed it. Countries and years without a
    published net area are listed under ``not_checked``, never passed silently.
    """
    _table(table, (EradicationTable,))
    areas = np.asarray(table.column("area_ha"), dtype=float).tolist()
    countries = table.column("country").to_list()  # type: ignore[union-attr]
    years = [d.year for d in _dates(table)]
    lookup: dict[str, dict[int, float]] = {}
    findings = []
    missing: dict[tuple[str, int], int] = {}
    for row, (area, country, year) in enumerate(zip(areas, countries, years, strict=True)):
        code = str(country)
        if code not in lookup:
            found = series.get(code) if series is not None else _default_series(code)
            lookup[code] = {}
            if found is not None:
                for y, a in zip(
                    np.asarray(found.year).tolist(),
                    np.asarray(found.net_area_ha, dtype=float).tolist(),
                    strict=True,
                ):
                    if not math.isnan(a):
                        lookup[code][int(y)] = a
        net = lookup[code].get(year)
        if net is None:
            missing[(code, year)] = missing.get((code, year), 0) + 1
            continue
        if area > net:
            findings.append(
                Finding(
                    check="eradication_over_coca_area",
                    rows=(row,),
                    message=f"{area:g} ha eradicated in one record, more than the net coca "
                    f"area of {code} in {year} ({net:g} ha)",
                    value=area,
                )
            )
    not_checked = tuple(
        f"eradication_over_coca_area: no published net coca area for {code} {year} ({n} record(s))"
        for (code, year), n in sorted(missing.items())
    )
    return CheckReport(
        findings=tuple(findings),
        checked=("eradication_over_coca_area",),
        not_checked=not_checked,
    )


def duplicate_ids(table: Table[Any]) -> CheckReport:
    """Ids carried by more than one row (rows without an id are never compared)."""
    table = _table(table)
    if "id" not in table.field_names():
        return CheckReport(checked=("duplicate_id",), not_checked=("duplicate_id: no id field",))
    ids = table.column("id").to_list()  # type: ignore[union-attr]
    rows: dict[str, list[int]] = {}
    for row, value in enumerate(ids):
        if value is not None:
            rows.setdefault(str(value), []).append(row)
    findings = tuple(
        Finding(
            check="duplicate_id",
            rows=tuple(found),
            message=f"id {value!r} is on {len(found)} rows",
            value=value,
        )
        for value, found in rows.items()
        if len(found) > 1
    )
    return CheckReport(findings=findings, checked=("duplicate_id",))


def run(
    table: Table[Any],
    *,
    today: _dt.date | None = None,
    threshold_kg: float | Mapping[str, float] | None = None,
    series: Mapping[str, Any] | None = None,
) -> CheckReport:
    """Every check that applies to the table.

    Future dates and duplicate ids for every table; large seizures for a seizure table when
    ``threshold_kg`` is given (listed as not checked otherwise); eradication over the coca
    area for an eradication table.

    Examples
    --------
    >>> import datetime as dt
    >>> from narcometrics import Eradication, EradicationTable
    >>> from narcometrics import checks
    >>> table = EradicationTable.from_records([
    ...     Eradication(date=dt.date(2017, 3, 1), country="PER", area_ha=120.0,
    ...                 method="manual", id="E-1"),
    ...     Eradication(date=dt.date(2017, 3, 2), country="PER", area_ha=430_000.0,
    ...                 method="manual", id="E-2"),
    ... ])
    >>> report = checks.run(table, today=dt.date(2018, 1, 1))
    >>> report.rows
    (1,)
    >>> print(report.findings[0].message)
    430000 ha eradicated in one record, more than the net coca area of PER in 2017 (49900 ha)
    """
    table = _table(table)
    report = future_dates(table, today=today) + duplicate_ids(table)
    if isinstance(table, SeizureTable):
        if threshold_kg is None:
            report = report + CheckReport(not_checked=("large_seizure: no threshold_kg given",))
        else:
            report = report + large_seizures(table, threshold_kg)
    if isinstance(table, EradicationTable):
        report = report + eradication_over_coca_area(table, series=series)
    return report

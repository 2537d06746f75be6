"""The report's result types and the choice of rows (no arithmetic; see `narcometrics.report`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs
import numpy as np

from narcometrics.aggregate import total
from narcometrics.datasets import NationalSeries
from narcometrics.errors import UnknownNameError
from narcometrics.estimate import Estimate
from narcometrics.tables import EradicationTable, OperationTable, SeizureTable, TrainingTable
from narcometrics.training import TrainingSummary, TransferRate

#: How a figure came about: published by its source, drawn by the synthetic example's
#: generator, or computed from the user's data.
Status = Literal["published", "synthetic", "data"]

#: The operation counts the report shows, with their labels.
COUNTS: dict[str, str] = {
    "organisations_disbanded": "Criminal organisations disbanded",
    "airstrips_destroyed": "Illegal airstrips destroyed",
    "laboratories_destroyed": "Drug laboratories destroyed",
    "arrests": "Arrests",
}

_COUNTRY_TABLES = ("operations", "seizures", "eradications")


def _series_map(value: Any) -> Mapping[str, NationalSeries]:
    if value is None:
        return {}
    if isinstance(value, NationalSeries):
        return {value.country: value}
    return dict(value)


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
        True for the bundled synthetic example; the report says so and labels every figure
        that is not one of ``published`` as synthetic.
    national_series : NationalSeries or dict of str to NationalSeries
        Published national series by country (ISO alpha-3); each is compared only with
        the data of its own country. Empty: no history.
    reported_counts : frozenset of str or None
        The operation count fields the data really hold; None when all are.
    published : dict of str to float
        For synthetic data: the figures that are published (``organisations_disbanded``,
        ``eradicated_ha``, ``avoided_production_up_to_t``, ...) for ``published_year`` and
        ``published_country``, from ``published_source``. A figure of the report is labelled
        published only when it equals one of these to the published precision.
    published_year : int or None
    published_country : str or None
    published_source : str
    generator : str
        For synthetic data: what drew the records (shown as the source of synthetic figures).
    """

    operations: OperationTable | None = None
    seizures: SeizureTable | None = None
    eradications: EradicationTable | None = None
    training: TrainingTable | None = None
    label: str = "user data"
    synthetic: bool = False
    national_series: Mapping[str, NationalSeries] = attrs.field(default=None, converter=_series_map)
    reported_counts: frozenset[str] | None = None
    published: Mapping[str, float] = attrs.field(factory=dict)
    published_year: int | None = None
    published_country: str | None = None
    published_source: str = ""
    generator: str = ""

    @classmethod
    def from_example(cls, example: Any, **changes: Any) -> ReportData:
        """The data of a bundled example, with its published figures and generator.

        ``example`` is what [`peru_2017_example`][narcometrics.datasets.peru_2017_example]
        returns; ``changes`` replace any attribute.
        """
        meta = example.metadata
        published = dict(meta.get("published_totals", {}))
        source = str(published.pop("source", ""))
        values: dict[str, Any] = {
            "operations": example.operations,
            "seizures": example.seizures,
            "eradications": example.eradications,
            "training": example.training,
            "label": meta.get("title", "bundled example"),
            "synthetic": bool(meta.get("synthetic", False)),
            "published": {k: float(v) for k, v in published.items()},
            "published_year": meta.get("year"),
            "published_country": meta.get("country"),
            "published_source": source,
            "generator": f"drawn by {meta.get('generator')} (seed {meta.get('seed')})",
        }
        values.update(changes)
        return cls(**values)

    def tables(self) -> dict[str, Any]:
        """The tables that are present, by name."""
        names = ("operations", "seizures", "eradications", "training")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}

    def years(self, country: str | None = None) -> list[int]:
        """Every year that has at least one record (of ``country``: operation, seizure and
        eradication records only, since training records carry no country)."""
        found: set[int] = set()
        for name, table in self.tables().items():
            if country is not None and name == "training":
                continue  # training records carry no country
            rows = table if country is None else select(table, country)
            if len(rows):
                found.update(int(str(k[0])) for k in total(rows, "count", by="year").to_dict())
        return sorted(found)

    def countries(self, year: int | None = None) -> list[str]:
        """The countries of the operation, seizure and eradication records (of ``year``)."""
        found: set[str] = set()
        for name in _COUNTRY_TABLES:
            table = getattr(self, name)
            if table is not None and len(table):
                rows = table if year is None else select(table, None, year)
                found.update(str(k[0]) for k in total(rows, "count", by="country").to_dict())
        return sorted(found)


@attrs.frozen(kw_only=True)
class Row:
    """One year of the eradication history: value, source, change and record flag.

    ``compared`` is how many earlier values the record claim rests on and ``absent`` the
    years between the first and this one without a published value.
    """

    year: int
    eradicated_ha: float
    source: str
    change_percent: float
    record: str | None
    status: str = "published"
    note: str = ""
    compared: int = 0
    absent: tuple[int, ...] = ()


@attrs.frozen(kw_only=True, eq=False)
class Section:
    """The results of one country for the year.

    Attributes
    ----------
    country : str
        ISO 3166-1 alpha-3 code.
    counts : dict of str to int or None
        Operation counts (empty without operation records; None for a count the data do
        not hold).
    eradicated_ha : float or None [ha]
    factor_set : str or None
        The flat factor set of the estimates, None when none fits.
    avoided_up_to : Estimate or None [t]
        The government flat method: an upper bound.
    avoided_adjusted : Estimate or None [t]
        Net of harvests already taken, replanting and licit use, with its range.
    adjusted_without_dates : Estimate or None [t]
        The adjusted estimate with the harvested share at its default (no dates): how much
        the dated figure owes to the records' dates.
    missing : tuple of str
        Each estimate that could not be made, and why.
    seizures_kg : dict of str to float [kg]
        Bulk mass seized per substance (no purity adjustment), largest first.
    seizure_counts : dict of str to int
    history : tuple of Row
        Eradication by year: the country's published series before the year, then the
        year from the data; empty without a series.
    status, sources : dict of str to str
        Per figure (``organisations_disbanded``, ..., ``eradicated_ha``,
        ``avoided_production_up_to``, ``avoided_production_adjusted``, ``seizures``): its
        [`Status`][narcometrics.report.Status] and source.
    notes : tuple of str
    """

    country: str
    counts: Mapping[str, int | None]
    eradicated_ha: float | None
    factor_set: str | None
    avoided_up_to: Estimate | None
    avoided_adjusted: Estimate | None
    adjusted_without_dates: Estimate | None
    missing: tuple[str, ...]
    seizures_kg: Mapping[str, float]
    seizure_counts: Mapping[str, int]
    history: tuple[Row, ...]
    status: Mapping[str, str]
    sources: Mapping[str, str]
    notes: tuple[str, ...]


@attrs.frozen(kw_only=True, eq=False)
class Report:
    """A programme's headline results for one year, one section per country.

    Attributes
    ----------
    year : int
    data_label : str
    synthetic : bool
    sections : tuple of Section
        One per country of the year's records (or the one asked for), sorted by code.
    training : TrainingSummary or None
        All training records of the year (training records carry no country).
    independent : TransferRate or None
        The headline: the share applying among those followed up, over the courses whose
        application was verified independently; None when no course was.
    self_reported : TransferRate or None
        The same over the courses whose application was self-reported (not verification).
    training_status, training_source : str
    notes : tuple of str
    """

    year: int
    data_label: str
    synthetic: bool
    sections: tuple[Section, ...]
    training: TrainingSummary | None
    independent: TransferRate | None
    self_reported: TransferRate | None
    training_status: str
    training_source: str
    notes: tuple[str, ...]

    @property
    def countries(self) -> tuple[str, ...]:
        """The countries of the sections."""
        return tuple(s.country for s in self.sections)

    def section(self, country: str) -> Section:
        """The section of one country."""
        for found in self.sections:
            if found.country == country.upper():
                return found
        raise UnknownNameError("country", country, self.countries)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON types (NaN and infinities become ``None``)."""
        from narcometrics._report_render import as_dict

        return as_dict(self)


# ---------------------------------------------------------------------- choosing rows


def select(table: Any, country: str | None, year: int | None = None) -> Any:
    """The rows of ``country`` (any when None) in ``year`` (any when None)."""
    keep = np.ones(len(table), dtype=np.bool_)
    if year is not None:
        codes, levels = table.period_codes("year")
        keep &= np.asarray(levels)[codes] == year
    if country is not None:
        keep &= np.asarray(table.column("country").to_numpy()) == country
    return table[keep]


def where(table: Any, field: str, label: str) -> Any:
    return table[np.asarray(table.column(field).to_numpy()) == label]

"""Bundled datasets: the published Andean national coca series and a synthetic 2017 example.

Every bundled file carries its sources. The national series of Peru, Colombia and Bolivia
([`national_series`][narcometrics.datasets.national_series]) are published figures (UNODC
coca monitoring surveys and the three governments), one source and one note per row; a
figure not found published is NaN, never 0, and no gap is interpolated. The 2017 example is
synthetic record-level data whose totals equal the programme's published 2017 results; its
metadata says so.
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from narcometrics._data import data, local_path
from narcometrics._frame import Backend, frame
from narcometrics.errors import UnknownNameError

__all__ = [
    "COUNTRIES",
    "ExampleData",
    "NationalSeries",
    "national_series",
    "peru_2017_example",
    "peru_national_series",
]


@attrs.frozen
class _Column:
    unit: str
    description: str


@attrs.frozen(kw_only=True)
class _SeriesSpec:
    file: str
    title: str
    columns: Mapping[str, _Column]
    eradication: str | None
    caveats: tuple[str, ...]


_NET = _Column("ha", "net coca cultivation at 31 December")
_SPECS: dict[str, _SeriesSpec] = {
    "PER": _SeriesSpec(
        file="peru-series.csv",
        title="Peru coca cultivation, eradication and leaf production (published series)",
        columns={
            "net_area_ha": _NET,
            "eradicated_ha": _Column("ha", "coca eradicated in the year"),
            "sun_dried_leaf_t": _Column("t", "potential sun-dried coca leaf production"),
            "national_yield_kg_per_ha": _Column(
                "kg/ha/yr", "national weighted sun-dried leaf yield"
            ),
        },
        eradication="eradicated_ha",
        caveats=(
            "Figures before 2004 use older yields and are not comparable with later years.",
            "2013: the published leaf (121,242 t) is not the area times the published yield "
            "(49,800 ha x 2,316 kg/ha = 115,337 t): the yield or the area basis differs.",
            "Some eradication figures are rounded ('more than 23,900', 'around 31,200') "
            "or police year-end balances (2017); see the note of each row.",
        ),
    ),
    "COL": _SeriesSpec(
        file="colombia-series.csv",
        title="Colombia coca cultivation, eradication and cocaine (published series)",
        columns={
            "net_area_ha": _NET,
            "eradicated_manual_ha": _Column("ha", "coca eradicated manually in the year"),
            "sprayed_ha": _Column("ha", "coca sprayed from the air in the year"),
            "fresh_leaf_t": _Column("t", "potential fresh coca leaf production"),
            "cocaine_hcl_t": _Column("t", "potential pure cocaine hydrochloride production"),
        },
        eradication=None,
        caveats=(
            "Cocaine figures are the first published; later reports revised some (2016: "
            "866 t first, 1,053 t later; 2017: 1,379 t first, 1,058 t later): the note of "
            "each row gives the revision.",
            "2023: the rise partly reflects updated yield data (about 50 % more per hectare "
            "than in 2022), a break in the series.",
            "2024 (261,000 ha, 3,001 t) was reported by the press before publication: uncertain.",
            "Manual eradication and aerial spraying are published separately, for a few "
            "years only; there is no total eradication column. Government eradication "
            "claims that UNODC did not validate are in the notes, not in the columns.",
        ),
    ),
    "BOL": _SeriesSpec(
        file="bolivia-series.csv",
        title="Bolivia coca cultivation, eradication and leaf production (published series)",
        columns={
            "net_area_ha": _Column("ha", "coca cultivation (area)"),
            "eradicated_ha": _Column("ha", "coca eradicated or rationalised in the year"),
            "sun_dried_leaf_t": _Column("t", "potential sun-dried coca leaf production"),
        },
        eradication="eradicated_ha",
        caveats=(
            "Area includes the legal coca of the traditional zones (12,000 ha under Law "
            "1008; 22,000 ha under Law 906 from 2017).",
            "Eradication from 2021 is the government figure: UNODC validated 44.7 % of it "
            "in 2023 and 23 % in 2024.",
            "2024 leaf uses the 2020 yield factors. UNODC has published no Bolivian cocaine "
            "estimate since 2009.",
        ),
    ),
}

#: The countries with a bundled national series (ISO 3166-1 alpha-3).
COUNTRIES: tuple[str, ...] = tuple(_SPECS)


def _data_text(*parts: str) -> str:
    text: str = data(*parts).read_text(encoding="utf-8")
    return text


@attrs.frozen(kw_only=True, eq=False)
class NationalSeries:
    """A published national coca series, one row per year, with a source and a note per row.

    Values that were not found published are NaN, never 0: a missing year is not a year
    with no coca, and no gap is interpolated. The value columns differ by country (see
    [`national_series`][narcometrics.datasets.national_series]); each is an attribute too
    (``series.net_area_ha``).

    Attributes
    ----------
    country : str
        ISO 3166-1 alpha-3 code.
    title : str
        What the series is.
    year : numpy.ndarray of int64
        Calendar years, strictly increasing (not necessarily consecutive).
    values : dict of str to numpy.ndarray of float64
        The value columns by name, in file order (NaN where not published).
    units : dict of str to str
        The unit of each value column (``ha``, ``t``, ``kg/ha/yr``).
    descriptions : dict of str to str
        What each value column holds.
    source : numpy.ndarray of str
        The publication(s) each row comes from.
    note : numpy.ndarray of str
        The caveats of each row (revisions, rounding, uncertain figures); empty when none.
    caveats : tuple of str
        The caveats of the whole series (breaks, revisions, uncertain years).
    eradication_column : str or None
        The column that holds the total area eradicated in a year, to compare a
        programme's eradication with; None when the series has none (Colombia publishes
        manual eradication and aerial spraying apart).
    """

    country: str
    title: str
    year: npt.NDArray[np.int64]
    values: Mapping[str, npt.NDArray[np.float64]]
    units: Mapping[str, str]
    descriptions: Mapping[str, str]
    source: npt.NDArray[np.str_]
    note: npt.NDArray[np.str_]
    caveats: tuple[str, ...] = ()
    eradication_column: str | None = None

    def __getattr__(self, name: str) -> npt.NDArray[np.float64]:
        if name.startswith("_") or name == "values":
            raise AttributeError(name)
        values = object.__getattribute__(self, "values")
        try:
            return values[name]  # type: ignore[no-any-return]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} of {self.country} has no column {name!r}"
            ) from None

    def __len__(self) -> int:
        return int(self.year.size)

    def value_columns(self) -> tuple[str, ...]:
        """The names of the value columns, in file order."""
        return tuple(self.values)

    def columns(self) -> dict[str, np.ndarray[Any, Any]]:
        """The series as a mapping of column name to array (``year`` first, then the
        values, ``source`` and ``note``)."""
        out: dict[str, np.ndarray[Any, Any]] = {"year": self.year}
        out.update(self.values)
        out["source"] = self.source
        out["note"] = self.note
        return out

    def _column(self, column: str) -> npt.NDArray[np.float64]:
        if column not in self.values:
            raise UnknownNameError("column", column, self.values)
        return self.values[column]

    def _row(self, year: int) -> int | None:
        hit = np.flatnonzero(self.year == year)
        return int(hit[0]) if hit.size else None

    def value(self, column: str, year: int) -> float:
        """One published value; NaN when the year is absent or the value unpublished.

        Raises
        ------
        UnknownNameError
            If ``column`` is not one of the series' value columns.
        """
        values = self._column(column)
        row = self._row(year)
        return math.nan if row is None else float(values[row])

    def source_of(self, year: int) -> str:
        """The source of the row of ``year`` (empty when the year is not in the series)."""
        row = self._row(year)
        return "" if row is None else str(self.source[row])

    def note_of(self, year: int) -> str:
        """The note of the row of ``year`` (empty when none or the year is absent)."""
        row = self._row(year)
        return "" if row is None else str(self.note[row])

    def published(
        self, column: str, *, before: int | None = None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """The years and values of ``column`` that were published (NaN rows left out).

        Parameters
        ----------
        column : str
            A value column.
        before : int, optional
            Keep only the years before this one.

        Returns
        -------
        years : numpy.ndarray of int64
        values : numpy.ndarray of float64
            In the column's unit.
        """
        values = self._column(column)
        keep = ~np.isnan(values)
        if before is not None:
            keep &= self.year < before
        return self.year[keep], values[keep]

    def to_frame(self, backend: Backend = "pandas") -> Any:
        """The series as a dataframe of the chosen backend (which must be installed)."""
        return frame(self.columns(), backend)

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.national_series(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.national_series(self).html()


def _float(cell: str, where: str) -> float:
    text = cell.strip()
    if not text:
        return math.nan
    value = float(text)
    if not math.isfinite(value) or value < 0:  # pragma: no cover - guarded by the tests
        raise ValueError(f"{where}: a published figure must be finite and >= 0 ({cell!r})")
    return value


def _parse_series(text: str, spec: _SeriesSpec) -> dict[str, list[Any]]:
    reader = csv.DictReader(io.StringIO(text))
    expected = ["year", *spec.columns, "source", "note"]
    if reader.fieldnames != expected:  # pragma: no cover - guarded by the tests
        raise ValueError(f"{spec.file}: columns {reader.fieldnames}, expected {expected}")
    cols: dict[str, list[Any]] = {name: [] for name in expected}
    for number, row in enumerate(reader, start=2):
        cols["year"].append(int(row["year"]))
        cols["source"].append(row["source"].strip())
        cols["note"].append(row["note"].strip())
        for name in spec.columns:
            cols[name].append(_float(row[name], f"{spec.file}:{number}:{name}"))
    return cols


def _country_code(country: object) -> str:
    if not isinstance(country, str):
        raise TypeError(f"country must be a str (ISO 3166-1 alpha-3), not {type(country).__name__}")
    code = country.upper()  # as the records: upper case, nothing else changed
    if code not in _SPECS:
        raise UnknownNameError("country", country, COUNTRIES)
    return code


def national_series(country: str) -> NationalSeries:
    """The published national coca series of Peru, Colombia or Bolivia, with sources.

    Parameters
    ----------
    country : str
        ISO 3166-1 alpha-3 code: ``"PER"``, ``"COL"`` or ``"BOL"`` (lower case is
        accepted, as in the records).

    Returns
    -------
    NationalSeries
        One row a year, with a source and a note per row. The value columns:

        - PER, 2001-2024: ``net_area_ha`` [ha at 31 December], ``eradicated_ha`` [ha],
          ``sun_dried_leaf_t`` [t], ``national_yield_kg_per_ha`` [kg/ha/yr];
        - COL, 2000-2024: ``net_area_ha`` [ha], ``eradicated_manual_ha`` [ha],
          ``sprayed_ha`` [ha], ``fresh_leaf_t`` [t], ``cocaine_hcl_t`` [t, pure];
        - BOL, 2003-2024: ``net_area_ha`` [ha], ``eradicated_ha`` (eradication or
          rationalisation) [ha], ``sun_dried_leaf_t`` [t].

        A figure not found published is NaN, never 0; nothing is interpolated.

    Raises
    ------
    TypeError
        If ``country`` is not a string.
    UnknownNameError
        For another country; the message lists the valid codes.

    Notes
    -----
    Read the caveats (``series.caveats`` and the note of each row) before comparing
    years: Colombia's cocaine figures are first-published values, revised later (2016,
    2017); Colombia's 2023 rise partly reflects new yields and its 2024 figures came from
    the press before publication; Peru's figures before 2004 are not comparable; Peru's
    2013 leaf is not the area times the published yield; rounded figures ("more than",
    "around") are marked in the notes.

    References
    ----------
    UNODC coca monitoring surveys of Peru (with DEVIDA), Colombia (with SIMCI) and Bolivia,
    their fact sheets and press releases; DEVIDA coca monitoring 2018-2024; police and
    government year-end figures where marked. One source per row; tabulated in the
    documentation page "Bundled datasets".

    Examples
    --------
    >>> from narcometrics.datasets import national_series
    >>> peru = national_series("PER")
    >>> peru.value("eradicated_ha", 2015)
    35868.0
    >>> national_series("col").value("cocaine_hcl_t", 2020)
    1228.0
    """
    code = _country_code(country)
    spec = _SPECS[code]
    cols = _parse_series(_data_text(spec.file), spec)
    return NationalSeries(
        country=code,
        title=spec.title,
        year=np.asarray(cols["year"], dtype=np.int64),
        values={name: np.asarray(cols[name], dtype=np.float64) for name in spec.columns},
        units={name: c.unit for name, c in spec.columns.items()},
        descriptions={name: c.description for name, c in spec.columns.items()},
        source=np.asarray(cols["source"], dtype=np.str_),
        note=np.asarray(cols["note"], dtype=np.str_),
        caveats=spec.caveats,
        eradication_column=spec.eradication,
    )


def peru_national_series() -> NationalSeries:
    """Deprecated: use ``national_series("PER")``.

    The published Peru coca series, 2001 to 2024. Kept for one release; it warns.

    Returns
    -------
    NationalSeries
    """
    warnings.warn(
        'peru_national_series() is deprecated; use national_series("PER")',
        DeprecationWarning,
        stacklevel=2,
    )
    return national_series("PER")


_EXAMPLE_FILES = {
    "operations": "operations.csv",
    "seizures": "seizures.csv",
    "eradications": "eradications.csv",
    "training": "training.csv",
}


@attrs.frozen(kw_only=True, eq=False)
class ExampleData:
    """A bundled set of record tables with its metadata.

    Attributes
    ----------
    operations : OperationTable
    seizures : SeizureTable
    eradications : EradicationTable
    training : TrainingTable
    metadata : dict
        ``synthetic`` (bool), ``title``, ``description``, ``year``, ``country``,
        ``generator`` (the script that made the files), ``seed`` and ``published_totals``
        (the figures the synthetic records add up to, with their source).
    """

    operations: Any
    seizures: Any
    eradications: Any
    training: Any
    metadata: Mapping[str, Any]

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.example_data(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.example_data(self).html()


def peru_2017_example() -> ExampleData:
    """Synthetic record-level data for Peru 2017 whose totals equal the published results.

    SYNTHETIC: no record-level data of the programme is public. The records are invented
    by a seeded script kept in the repository (``scripts/make_peru_2017_example.py``); only
    their totals are real: 111 criminal organisations disbanded, 78 illegal airstrips and
    324 cocaine laboratories destroyed, and 22,165 ha of coca eradicated in 2017 ("preventing
    the production of up to 204.8 tonnes of cocaine"), as published by the programme
    (FIIAPP, "Peru: successful cooperation", 1 February 2018).
    Dates, regions, the split across records, seizures, arrests and training courses are
    illustrative, and ``metadata["synthetic"]`` is True.

    Returns
    -------
    ExampleData
        Operation, seizure, eradication and training tables, and metadata.

    Examples
    --------
    >>> from narcometrics.datasets import peru_2017_example
    >>> example = peru_2017_example()
    >>> example.metadata["synthetic"], int(example.operations.laboratories_destroyed.sum())
    (True, 324)
    """
    from narcometrics.io import read_csv
    from narcometrics.records import Eradication, Operation, Seizure, TrainingOutcome

    folder = data("examples", "peru-2017")
    kinds = {
        "operations": Operation,
        "seizures": Seizure,
        "eradications": Eradication,
        "training": TrainingOutcome,
    }
    tables = {}
    for name, kind in kinds.items():
        with local_path(folder.joinpath(_EXAMPLE_FILES[name])) as path:
            tables[name] = read_csv(path, kind, progress=False)
    metadata = {
        "synthetic": True,
        "title": "Peru 2017 example records (synthetic)",
        "description": (
            "Synthetic records whose totals equal the programme's published 2017 results; "
            "everything else is illustrative."
        ),
        "country": "PER",
        "year": 2017,
        "generator": "scripts/make_peru_2017_example.py",
        "seed": 20170101,
        "published_totals": {
            "organisations_disbanded": 111,
            "airstrips_destroyed": 78,
            "laboratories_destroyed": 324,
            "eradicated_ha": 22_165,
            "avoided_production_up_to_t": 204.8,
            "source": "FIIAPP, 'Peru: successful cooperation', blog post, 1 February 2018",
        },
    }
    return ExampleData(metadata=metadata, **tables)

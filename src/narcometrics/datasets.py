"""Bundled datasets: the published Peru national series and a synthetic 2017 example.

Every bundled file carries its sources. The national series is published data (UNODC/DEVIDA
coca monitoring to 2017, DEVIDA after, police year-end balances for some eradication
figures), one source per row. The 2017 example is synthetic record-level data whose totals
equal the programme's published 2017 results; its metadata says so.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from importlib import resources
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

__all__ = ["ExampleData", "NationalSeries", "peru_2017_example", "peru_national_series"]

Backend = Literal["pandas", "polars", "pyarrow"]

_SERIES_COLUMNS = (
    "net_area_ha",
    "eradicated_ha",
    "sun_dried_leaf_t",
    "national_yield_kg_per_ha",
)


def _data_text(*parts: str) -> str:
    return resources.files("narcometrics").joinpath("data", *parts).read_text(encoding="utf-8")


@attrs.frozen(kw_only=True, eq=False)
class NationalSeries:
    """A published national coca series, one row per year, with a source per row.

    Values that were not published (or not verified) are NaN, never 0: a missing year is
    not a year with no coca.

    Attributes
    ----------
    country : str
        ISO 3166-1 alpha-3 code.
    title : str
        What the series is.
    year : numpy.ndarray of int64
        Calendar years, strictly increasing (not necessarily consecutive).
    net_area_ha : numpy.ndarray of float64 [ha]
        Net coca cultivation at 31 December.
    eradicated_ha : numpy.ndarray of float64 [ha]
        Area eradicated in the year.
    sun_dried_leaf_t : numpy.ndarray of float64 [t]
        Potential sun-dried coca leaf production.
    national_yield_kg_per_ha : numpy.ndarray of float64 [kg/ha/yr]
        National weighted sun-dried leaf yield.
    source : numpy.ndarray of str
        The publication(s) each row comes from.
    """

    country: str
    title: str
    year: npt.NDArray[np.int64]
    net_area_ha: npt.NDArray[np.float64]
    eradicated_ha: npt.NDArray[np.float64]
    sun_dried_leaf_t: npt.NDArray[np.float64]
    national_yield_kg_per_ha: npt.NDArray[np.float64]
    source: npt.NDArray[np.str_]

    def __len__(self) -> int:
        return int(self.year.size)

    def columns(self) -> dict[str, np.ndarray[Any, Any]]:
        """The series as a mapping of column name to array (``year`` first)."""
        out: dict[str, np.ndarray[Any, Any]] = {"year": self.year}
        out.update({name: getattr(self, name) for name in _SERIES_COLUMNS})
        out["source"] = self.source
        return out

    def value(self, column: str, year: int) -> float:
        """One published value; NaN when the year is absent or the value unpublished.

        Raises
        ------
        UnknownNameError
            If ``column`` is not one of the series' value columns.
        """
        from narcometrics.errors import UnknownNameError

        if column not in _SERIES_COLUMNS:
            raise UnknownNameError("column", column, _SERIES_COLUMNS)
        hit = np.flatnonzero(self.year == year)
        return float(getattr(self, column)[hit[0]]) if hit.size else math.nan

    def to_frame(self, backend: Backend = "pandas") -> Any:
        """The series as a dataframe of the chosen backend (which must be installed)."""
        import narwhals as nw

        return nw.from_dict(self.columns(), backend=backend).to_native()

    def __repr__(self) -> str:
        from narcometrics import _views

        return _views.national_series(self).text()

    def _repr_html_(self) -> str:
        """HTML for notebooks: the result as a compact table."""
        from narcometrics import _views

        return _views.national_series(self).html()


def _float(cell: str) -> float:
    return float(cell) if cell.strip() else math.nan


def _parse_series(text: str) -> Mapping[str, list[Any]]:
    reader = csv.DictReader(io.StringIO(text))
    cols: dict[str, list[Any]] = {"year": [], "source": [], **{c: [] for c in _SERIES_COLUMNS}}
    for row in reader:
        cols["year"].append(int(row["year"]))
        cols["source"].append(row["source"])
        for name in _SERIES_COLUMNS:
            cols[name].append(_float(row[name]))
    return cols


def peru_national_series() -> NationalSeries:
    """The published Peru coca series, 2004 to 2024, with a source per row.

    Net coca area, eradication, sun-dried leaf production and the national weighted yield,
    as published by UNODC/DEVIDA (to 2017) and DEVIDA (from 2018), with eradication for 2017
    from the police (PNP-DIRANDRO) year-end balance and for 2019 and 2024 from the Andina
    agency. Years and values not published or not verified are absent or NaN.

    Returns
    -------
    NationalSeries

    References
    ----------
    UNODC/DEVIDA, Peru coca monitoring fact sheets 2005, 2015, 2016; UNODC press releases
    2014, 2015, 2018; DEVIDA coca monitoring 2018-2024; PNP-DIRANDRO 2017 year-end balance.
    Tabulated in the documentation page "How cocaine potential is estimated".

    Examples
    --------
    >>> from narcometrics.datasets import peru_national_series
    >>> series = peru_national_series()
    >>> series.value("eradicated_ha", 2015)
    35868.0
    """
    cols = _parse_series(_data_text("peru-series.csv"))
    return NationalSeries(
        country="PER",
        title="Peru coca cultivation, eradication and leaf production (published series)",
        year=np.asarray(cols["year"], dtype=np.int64),
        net_area_ha=np.asarray(cols["net_area_ha"], dtype=np.float64),
        eradicated_ha=np.asarray(cols["eradicated_ha"], dtype=np.float64),
        sun_dried_leaf_t=np.asarray(cols["sun_dried_leaf_t"], dtype=np.float64),
        national_yield_kg_per_ha=np.asarray(cols["national_yield_kg_per_ha"], dtype=np.float64),
        source=np.asarray(cols["source"], dtype=np.str_),
    )


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
    324 cocaine laboratories destroyed, and 22,165 ha of coca eradicated in 2017, as
    published by the programme (FIIAPP, "Peru: successful cooperation", 1 February 2018).
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

    folder = resources.files("narcometrics").joinpath("data", "examples", "peru-2017")
    kinds = {
        "operations": Operation,
        "seizures": Seizure,
        "eradications": Eradication,
        "training": TrainingOutcome,
    }
    tables = {}
    for name, kind in kinds.items():
        with resources.as_file(folder.joinpath(_EXAMPLE_FILES[name])) as path:
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
            "source": "FIIAPP, 'Peru: successful cooperation', blog post, 1 February 2018",
        },
    }
    return ExampleData(metadata=metadata, **tables)

"""Messy names and units, mapped only when asked, with every change counted.

Files typed by hand say ``PBC``, ``clorhidrato de cocaína``, ``Perú``, weights in grams and
headers such as ``Fecha`` or ``Peso (kg)``. The strict readers of
[`narcometrics.io`][narcometrics.io] refuse them; this module maps them when the caller asks:

- [`read`][narcometrics.normalise.read] and [`table`][narcometrics.normalise.table]: a column
  mapping (``columns={"Fecha": "date"}``), substance and country names
  (``names=("substances", "countries")``), quantities in g, t, litres or tablets converted to
  kg with the reported quantity and unit kept beside the table, and a
  [`Normalised`][narcometrics.normalise.Normalised] result that counts what each mapping
  changed;
- [`substance`][narcometrics.normalise.substance], [`country`][narcometrics.normalise.country],
  [`unit`][narcometrics.normalise.unit] and [`mass_kg`][narcometrics.normalise.mass_kg] for one
  value at a time.

An unknown name is an error that suggests the nearest known names; nothing is guessed. See
the how-to page "Messy names and units" and, for the synonym table's sources, the page
"Seized substances and their groups".
"""

from narcometrics.normalise._files import (
    detect_kind,
    detect_record_type,
    mapped_columns,
    read,
    read_columns,
)
from narcometrics.normalise._names import (
    SubstanceSynonym,
    country,
    fold,
    substance,
    substance_synonyms,
)
from narcometrics.normalise._table import MASS_COLUMNS, Change, Normalised, table
from narcometrics.normalise._units import UNITS, TabletMass, Unit, mass_kg, unit

__all__ = [
    "MASS_COLUMNS",
    "UNITS",
    "Change",
    "Normalised",
    "SubstanceSynonym",
    "TabletMass",
    "Unit",
    "country",
    "detect_kind",
    "detect_record_type",
    "fold",
    "mapped_columns",
    "mass_kg",
    "read",
    "read_columns",
    "substance",
    "substance_synonyms",
    "table",
    "unit",
]

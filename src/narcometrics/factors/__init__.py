"""Cited, dated factor sets for cocaine-potential estimation.

A [`FactorSet`][narcometrics.factors.FactorSet] is a frozen record: an id, a title, the method
family it belongs to, the years it applies to and its named values
([`Factor`][narcometrics.factors.Factor]), each with a unit, a range where one is known, a status
(published, derived or inferred) and the citations it comes from. Never present an inferred value as
published: the status says which is which.

The bundled sets are JSON files in the package's ``data/factors`` folder, read on demand
and validated (a broken file raises [`ValidationError`][narcometrics.errors.ValidationError] naming
the file and the field). Build your own set in Python, or read one from a JSON file of the
same shape with [`load`][narcometrics.factors.load].

Examples
--------
>>> from narcometrics import factors
>>> factors.available()[:3]
['co-simci-2018', 'co-simci-2019', 'co-simci-2020']
>>> flat = factors.get("pe-gov-2022").flat_factor()
>>> print(f"{flat.value:.4f} {flat.unit} ({flat.status.value})")
9.3387 kg HCl/ha (derived)
"""

from narcometrics.factors._bundled import (
    available,
    default_factor_set,
    factor_set_country,
    flat_sets,
    get,
)
from narcometrics.factors._load import load
from narcometrics.factors._model import Citation, Factor, FactorSet, MethodFamily, Status

__all__ = [
    "Citation",
    "Factor",
    "FactorSet",
    "MethodFamily",
    "Status",
    "available",
    "default_factor_set",
    "factor_set_country",
    "flat_sets",
    "get",
    "load",
]

"""Reported seizure quantities (g, t, litres, tablets...) to kilograms.

Masses convert by the definitions of the units; litres at 1 kg per litre, the UNODC
convention for seizures reported by volume
([`KG_PER_LITRE_SEIZURE`][narcometrics.units.KG_PER_LITRE_SEIZURE]); tablets only with a tablet
mass and its source given by the caller (no weight per tablet is assumed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from narcometrics.errors import UnknownNameError, ValidationError
from narcometrics.normalise._names import fold, suggest
from narcometrics.units import KG_PER_LITRE_SEIZURE, KG_PER_T

__all__ = ["UNITS", "TabletMass", "Unit", "mass_kg", "unit"]

GRAMS_PER_KG = 1000.0


@attrs.frozen
class Unit:
    """A unit a seizure may be reported in.

    Attributes
    ----------
    symbol : str
        ``kg``, ``g``, ``mg``, ``t``, ``L``, ``mL`` or ``tablets``.
    kg_per_unit : float or None [kg]
        Kilograms per ``per`` units; ``None`` for tablets (the caller gives the tablet mass).
    basis : str
        Why the factor holds.
    per : float
        How many units weigh ``kg_per_unit`` (1000 for grams), so that conversions divide
        exactly instead of multiplying by an inexact 0.001.
    """

    symbol: str
    kg_per_unit: float | None
    basis: str
    per: float = 1.0

    def to_kg(self, quantity: float) -> float:
        """The quantity in kilograms [kg] (not for tablets)."""
        if self.kg_per_unit is None:
            raise ValidationError("unit", "tablets need the mass of one tablet", self.symbol)
        return float(quantity) * self.kg_per_unit / self.per


_SI = "definition of the unit"
_VOLUME = "UNODC convention for seizures reported by volume: 1 kg per litre"

#: The units seizures may be reported in, by symbol.
UNITS: Mapping[str, Unit] = MappingProxyType(
    {
        "kg": Unit("kg", 1.0, _SI),
        "g": Unit("g", 1.0, _SI, per=GRAMS_PER_KG),
        "mg": Unit("mg", 1.0, _SI, per=GRAMS_PER_KG * GRAMS_PER_KG),
        "t": Unit("t", KG_PER_T, _SI),
        "L": Unit("L", KG_PER_LITRE_SEIZURE, _VOLUME),
        "mL": Unit("mL", KG_PER_LITRE_SEIZURE, _VOLUME, per=1000.0),
        "tablets": Unit("tablets", None, "the tablet mass given by the caller, with its source"),
    }
)

_NAMES = {
    "kg": ["kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramo", "kilogramos"],
    "g": ["g", "gr", "grs", "gram", "grams", "gramo", "gramos"],
    "mg": ["mg", "milligram", "milligrams", "miligramo", "miligramos"],
    "t": [
        "t",
        "tm",
        "tonne",
        "tonnes",
        "metric ton",
        "metric tons",
        "tonelada",
        "toneladas",
        "tonelada metrica",
        "toneladas metricas",
    ],
    "L": ["l", "lt", "lts", "litre", "litres", "liter", "liters", "litro", "litros"],
    "mL": ["ml", "millilitre", "millilitres", "milliliter", "milliliters", "mililitro"],
    "tablets": [
        "tablet",
        "tablets",
        "tableta",
        "tabletas",
        "pastilla",
        "pastillas",
        "comprimido",
        "comprimidos",
        "pill",
        "pills",
    ],
}
_UNIT_INDEX = {fold(name): symbol for symbol, names in _NAMES.items() for name in names}
_UNIT_INDEX.update({"mililitros": "mL"})


def unit(name: str) -> Unit:
    """The unit a written name means (``"gramos"``, ``"Kg"``, ``"litros"``, ``"TM"``...).

    ``"ton"`` is refused (short, long or metric?); ``"units"`` too (of what?).

    Raises
    ------
    UnknownNameError
        For an unknown unit, suggesting the nearest known names.
    """
    if not isinstance(name, str):
        raise TypeError(f"a unit must be a string, not {type(name).__name__}")
    symbol = _UNIT_INDEX.get(fold(name))
    if symbol is None:
        near = suggest(name, [n for names in _NAMES.values() for n in names])
        raise UnknownNameError("unit", name, near or list(UNITS))
    return UNITS[symbol]


@attrs.frozen(kw_only=True)
class TabletMass:
    """The mass of one tablet and where that figure comes from.

    Attributes
    ----------
    mass_g : float [g]
        Mass of one tablet; > 0 and finite.
    source : str
        The citation of the figure (a laboratory analysis, a published average).
    """

    mass_g: float
    source: str

    def __attrs_post_init__(self) -> None:
        if isinstance(self.mass_g, bool) or not isinstance(self.mass_g, (int, float)):
            raise TypeError(f"mass_g must be a real number, not {type(self.mass_g).__name__}")
        if not math.isfinite(self.mass_g) or self.mass_g <= 0:
            raise ValidationError("TabletMass.mass_g", "must be > 0 and finite", self.mass_g)
        if not isinstance(self.source, str) or not self.source.strip():
            raise ValidationError(
                "TabletMass.source",
                "must cite where the tablet mass comes from (no mass per tablet is assumed)",
                self.source,
            )


def mass_kg(quantity: float, unit_name: str, *, tablet: TabletMass | None = None) -> float:
    """A reported quantity in kilograms [kg].

    Parameters
    ----------
    quantity : float
        The number reported, in ``unit_name``; finite and > 0.
    unit_name : str
        A unit name (see [`unit`][narcometrics.normalise.unit]).
    tablet : TabletMass, optional
        Required for tablets: the mass of one tablet and its source.

    Examples
    --------
    >>> from narcometrics import normalise
    >>> normalise.mass_kg(2500, "gramos"), normalise.mass_kg(3, "litros")
    (2.5, 3.0)
    """
    found = unit(unit_name)
    if isinstance(quantity, bool) or not isinstance(quantity, (int, float)):
        raise TypeError(f"quantity must be a real number, not {type(quantity).__name__}")
    if not math.isfinite(quantity) or quantity <= 0:
        raise ValidationError("quantity", "must be > 0 and finite", quantity)
    if found.kg_per_unit is not None:
        return found.to_kg(quantity)
    if tablet is None:
        raise ValidationError(
            "unit",
            "tablets need the mass of one tablet with its source (tablet=TabletMass(...)); "
            "no mass per tablet is assumed",
            unit_name,
        )
    return float(quantity) * tablet.mass_g / GRAMS_PER_KG

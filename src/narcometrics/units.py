"""Unit constants and conversions.

Canonical units are part of field and parameter names (``mass_kg``, ``area_ha``,
``yield_kg_per_ha``); these constants convert between them so no bare conversion literal
appears in model code.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "HA_PER_KM2",
    "KG_PER_LITRE_SEIZURE",
    "KG_PER_T",
    "PERCENT",
    "kg_to_t",
    "t_to_kg",
]

KG_PER_T: Final = 1000.0
"""Kilograms per metric tonne [kg/t]."""
HA_PER_KM2: Final = 100.0
"""Hectares per square kilometre [ha/km2]."""
PERCENT: Final = 100.0
"""Percent per unit fraction."""
KG_PER_LITRE_SEIZURE: Final = 1.0
"""UNODC convention for seizures reported in litres: 1 kg per litre, no purity adjustment
(UNODC data portal; see the documentation page "How cocaine potential is estimated") [kg/L]."""


def kg_to_t(mass_kg: float) -> float:
    """Convert kilograms to metric tonnes [t]."""
    return mass_kg / KG_PER_T


def t_to_kg(mass_t: float) -> float:
    """Convert metric tonnes to kilograms [kg]."""
    return mass_t * KG_PER_T

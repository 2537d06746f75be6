"""Cocaine-potential models: pure, vectorised, with ranges and provenance.

Every model returns an [`Estimate`][narcometrics.estimate.Estimate] (central, low, high, unit,
provenance); scalars in give floats, arrays in give arrays of the broadcast shape. ``factors``
parameters accept a [`FactorSet`][narcometrics.factors.FactorSet] or a bundled id. An optional Monte
Carlo path (``draws=`` with a required ``seed=``) adds the mean and percentiles of the draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from narcometrics._lazy import reexport

if TYPE_CHECKING:  # what type checkers and the docs see; imported on first use
    from narcometrics.estimate.eradication import (
        HORIZONS,
        avoided_production,
        avoided_production_adjusted,
    )
    from narcometrics.estimate.harvest import DATE_KINDS, harvested_share_at
    from narcometrics.estimate.production import (
        FRESH_LEAF_STEPS,
        hcl_from_fresh_leaf,
        leaf_production,
        potential_production,
        potential_production_fresh_leaf,
    )
    from narcometrics.estimate.result import (
        Assumption,
        Distribution,
        Estimate,
        Provenance,
        Uncertain,
    )
    from narcometrics.estimate.seizures import pure_equivalent
else:
    __getattr__, __dir__ = reexport(
        __name__,
        {
            "narcometrics.estimate.eradication": (
                "HORIZONS",
                "avoided_production",
                "avoided_production_adjusted",
            ),
            "narcometrics.estimate.harvest": ("DATE_KINDS", "harvested_share_at"),
            "narcometrics.estimate.production": (
                "FRESH_LEAF_STEPS",
                "hcl_from_fresh_leaf",
                "leaf_production",
                "potential_production",
                "potential_production_fresh_leaf",
            ),
            "narcometrics.estimate.result": (
                "Assumption",
                "Distribution",
                "Estimate",
                "Provenance",
                "Uncertain",
            ),
            "narcometrics.estimate.seizures": ("pure_equivalent",),
        },
    )

__all__ = [
    "DATE_KINDS",
    "FRESH_LEAF_STEPS",
    "HORIZONS",
    "Assumption",
    "Distribution",
    "Estimate",
    "Provenance",
    "Uncertain",
    "avoided_production",
    "avoided_production_adjusted",
    "harvested_share_at",
    "hcl_from_fresh_leaf",
    "leaf_production",
    "potential_production",
    "potential_production_fresh_leaf",
    "pure_equivalent",
]

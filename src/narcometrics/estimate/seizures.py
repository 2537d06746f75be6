"""Seizures: pure-equivalent quantities under a stated purity.

UNODC reports seizures as bulk weight with no purity adjustment ("cocaine" lumps salts,
base and paste, crack and unspecified forms; litres count at 1 kg/L) and declines to
purity-adjust them because purity is usually unknown. A pure-equivalent quantity is only
meaningful with a stated purity, which the result carries in its provenance.

References
----------
.. [1] UNODC data portal: seizure conventions (bulk weight, 1 kg per litre).
.. [2] ONDCP (2011): purity of cocaine seized at sea by the United States, 75 %.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from narcometrics import _checks as c
from narcometrics.estimate import _model as m
from narcometrics.estimate._record import recorded
from narcometrics.estimate.result import Estimate, FloatArray

__all__ = ["pure_equivalent"]


@recorded
def pure_equivalent(
    mass_kg: m.Quantity,
    purity: m.Quantity,
    *,
    purity_source: str = "assumed by the caller",
    zone_axis: int | None = None,
    draws: int | None = None,
    seed: int | np.random.Generator | None = None,
    percentiles: Sequence[float] = m.DEFAULT_PERCENTILES,
) -> Estimate:
    """Pure-drug equivalent of seized bulk mass under a stated purity.

    Parameters
    ----------
    mass_kg : float or array_like [kg]
        Bulk mass seized, no purity adjustment (UNODC convention); >= 0. Convert litres
        with `narcometrics.units.KG_PER_LITRE_SEIZURE` (1 kg/L).
    purity : float, array_like or Uncertain [fraction]
        Purity in (0, 1]: measured, or an assumption (e.g. 0.75, the purity of cocaine
        seized at sea by the US in 2011, ONDCP).
    purity_source : str
        Where the purity comes from; recorded with the purity in
        ``provenance.assumptions``.
    zone_axis, draws, seed, percentiles
        As in [`avoided_production`][narcometrics.estimate.avoided_production] (``zone_axis`` sums
        over an axis, e.g. seizures).

    Returns
    -------
    Estimate
        Kilograms of pure drug [kg] (``unit == "kg"``).

    Notes
    -----
    $$
    M_{pure} = M_{bulk} \\, p
    $$

    References
    ----------
    UNODC data portal (seizure conventions); ONDCP 2011 (at-sea purity 75 %).

    Examples
    --------
    >>> from narcometrics.estimate import pure_equivalent
    >>> result = pure_equivalent(1000.0, 0.75, purity_source="ONDCP 2011 at-sea purity")
    >>> result.central, result.unit, result.provenance.assumptions[0].source
    (750.0, 'kg', 'ONDCP 2011 at-sea purity')
    """
    source = c.check_text("purity_source", purity_source)
    mass = m.amount("mass_kg", mass_kg, "kg")
    purity_term = m.term(
        "purity",
        purity,
        domain=m.Domain.FRACTION_OPEN,
        increasing=True,
        unit="fraction",
        source=source,
    )

    def model(p: Mapping[str, FloatArray]) -> FloatArray:
        out: FloatArray = p["mass_kg"] * p["purity"]
        return out

    return m.run(
        method="narcometrics.estimate.pure_equivalent",
        quantity="pure drug equivalent",
        unit="kg",
        terms=[mass, purity_term],
        model=model,
        factor_set=None,
        note="bulk mass times a stated purity; UNODC reports bulk mass without purity adjustment",
        draws=draws,
        seed=seed,
        percentiles=percentiles,
        zone_axis=zone_axis,
    )

"""Avoided cocaine production from eradication: the flat "up to" figure, the adjusted
estimate with its range, a Monte Carlo interval, and the provenance saved as JSON.

Uses the police year-end balance for Peru 2017 (22,885 ha, PNP-DIRANDRO) and the factor set
`pe-gov-2022` (national yield 2,415 kg/ha/yr, UNODC/DEVIDA 2016; police ratio 258.6 kg leaf
per kg HCl, Diario Correo 2018/2019). Writes ``avoided-production-2017.json``.

    uv run python examples/avoided_production.py
"""

from __future__ import annotations

import json

from narcometrics.estimate import avoided_production, avoided_production_adjusted

AREA_HA = 22_885  # Peru 2017, police year-end balance

flat = avoided_production(AREA_HA, "pe-gov-2022")
print(f"flat: up to {flat.central:.1f} t")

adjusted = avoided_production_adjusted(AREA_HA, "pe-gov-2022")
print(f"adjusted: {adjusted.central:.1f} t ({adjusted.low:.1f} to {adjusted.high:.1f} t)")

mc = avoided_production_adjusted(AREA_HA, "pe-gov-2022", draws=10_000, seed=2017)
print(f"Monte Carlo: 90 % of draws in {mc.percentiles[5.0]:.1f} to {mc.percentiles[95.0]:.1f} t")

with open("avoided-production-2017.json", "w", encoding="utf-8") as handle:
    json.dump(
        {"flat": flat.to_dict(), "adjusted": adjusted.to_dict(), "monte_carlo": mc.to_dict()},
        handle,
        indent=1,
        ensure_ascii=False,
    )
print("wrote avoided-production-2017.json")

"""Reproduce a programme's 2017 headline results from records, then say what a careful
estimate says instead.

The bundled records are SYNTHETIC: only their totals equal the results the programme
published (FIIAPP, "Peru: successful cooperation", 1 February 2018). The published national
series is real (UNODC/DEVIDA; police year-end balance for 2017), each row with its source and
note.

    uv run python examples/reproduce_2017.py
"""

from __future__ import annotations

import numpy as np

from narcometrics import estimate, training
from narcometrics.aggregate import best_ever, total
from narcometrics.datasets import national_series, peru_2017_example

example = peru_2017_example()
assert example.metadata["synthetic"]

# The headline counts: sums over the operation records.
for measure in ("organisations_disbanded", "airstrips_destroyed", "laboratories_destroyed"):
    print(f"{measure}: {total(example.operations, measure).grand_total:,.0f}")
hectares = total(example.eradications, "area_ha").grand_total
print(f"eradicated: {hectares:,.0f} ha")

# "preventing the production of up to 204.8 tonnes": the flat government factor.
up_to = estimate.avoided_production(hectares, "pe-gov-2017")
print(f"avoided production, up to: {up_to.central:.1f} {up_to.unit}")

# Net of harvests already taken (from each eradication date), replanting and licit use.
careful = estimate.avoided_production_adjusted(
    example.eradications.area_ha,
    "pe-gov-2017",
    eradication_date=example.eradications.date,
    zone_axis=0,
)
print(f"adjusted: {careful.central:.1f} t (range {careful.low:.1f} to {careful.high:.1f} t)")

# "independently verified that they are successfully applying": k of n, with an interval,
# over the courses verified independently; the self-reported ones apart (not verification).
kinds = example.training.verification.to_numpy()
for kind in ("independent", "self_reported"):
    transfer = training.transfer_rate(example.training[kinds == kind])
    print(
        f"{kind} applying: {transfer.k} of {transfer.n} followed up ({transfer.share:.0%}, "
        f"95 % CI {transfer.low:.0%} to {transfer.high:.0%}); {transfer.trained} trained"
    )

# "the best ever results": not for eradication.
series = national_series("PER")
best = best_ever(series.year, series.eradicated_ha)
print("eradication records:", series.year[best.is_record].tolist())
absent = np.isnan(series.eradicated_ha)  # NaN: not published, never 0
print("years without a published eradication figure:", series.year[absent].tolist())
earlier = series.year < 2017
higher = series.eradicated_ha > series.value("eradicated_ha", 2017)
print("earlier years with more eradication than 2017:", series.year[earlier & higher].tolist())

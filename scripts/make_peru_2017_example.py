"""Generate the bundled synthetic Peru 2017 example records (seeded, reproducible).

The records are SYNTHETIC: no record-level data of the programme is public. Only their
totals are real, taken from the programme's published 2017 results (the seed text, a FIIAPP
blog post of 1 February 2018): 111 criminal organisations disbanded, 78 illegal airstrips and
324 cocaine laboratories destroyed, and 22,165 hectares of coca eradicated. Everything else
(dates, regions, the split across records, seizures, arrests, training courses) is invented
here for illustration and labelled so in the dataset's metadata.

Run from the repository root to regenerate the files (a test checks that the committed files
are exactly what this script writes):

    uv run python scripts/make_peru_2017_example.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import numpy as np

SEED = 20170101
OUT = (
    Path(__file__).resolve().parents[1] / "src" / "narcometrics" / "data" / "examples" / "peru-2017"
)

# Published 2017 totals the synthetic records must add up to (seed text).
ORGANISATIONS = 111
AIRSTRIPS = 78
LABORATORIES = 324
ERADICATED_HA = 22_165

REGIONS = [
    "Huánuco",
    "San Martín",
    "Ucayali",
    "Cusco",
    "Ayacucho",
    "Junín",
    "Puno",
    "Loreto",
    "Pasco",
]
ZONES = {
    "Huánuco": "Alto Huallaga",
    "San Martín": "Huallaga Central",
    "Ucayali": "Aguaytía",
    "Cusco": "La Convención y Lares",
    "Ayacucho": "VRAEM",
    "Junín": "VRAEM",
    "Puno": "Inambari-Tambopata",
    "Loreto": "Bajo Amazonas",
    "Pasco": "Palcazú-Pichis-Pachitea",
}
AGENCIES = ["DIRANDRO", "SUNAT Aduanas", "DIRANDRO", "DIRANDRO"]
SUBSTANCES = ["cocaine_hcl", "cocaine_base", "coca_paste", "coca_leaf", "cannabis", "crack"]


def _split(total: int, parts: int, rng: np.random.Generator) -> np.ndarray:
    """Split an integer total into ``parts`` non-negative integers that add up to it."""
    return rng.multinomial(total, np.full(parts, 1.0 / parts))


def _dates(n: int, rng: np.random.Generator) -> list[dt.date]:
    start = dt.date(2017, 1, 1).toordinal()
    days = np.sort(rng.integers(0, 365, size=n))
    return [dt.date.fromordinal(start + int(d)) for d in days]


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def operations(rng: np.random.Generator) -> str:
    n = 150
    orgs, strips, labs = (_split(t, n, rng) for t in (ORGANISATIONS, AIRSTRIPS, LABORATORIES))
    arrests = rng.poisson(4.0, size=n)
    rows = []
    for i, date in enumerate(_dates(n, rng)):
        region = REGIONS[int(rng.integers(len(REGIONS)))]
        rows.append(
            [
                f"OP-2017-{i + 1:03d}",
                date.isoformat(),
                "PER",
                "DIRANDRO",
                region,
                int(orgs[i]),
                int(strips[i]),
                int(labs[i]),
                int(arrests[i]),
            ]
        )
    header = [
        "id",
        "date",
        "country",
        "agency",
        "region",
        "organisations_disbanded",
        "airstrips_destroyed",
        "laboratories_destroyed",
        "arrests",
    ]
    return _csv(header, rows)


def eradications(rng: np.random.Generator) -> str:
    n = 400
    # Quarter hectares are exact in binary floating point, so the total is exactly 22,165.
    quarters = 4 + _split(ERADICATED_HA * 4 - 4 * n, n, rng)
    rows = []
    for i, date in enumerate(_dates(n, rng)):
        region = REGIONS[int(rng.integers(0, 4))]  # eradication concentrated in a few regions
        rows.append(
            [
                f"ER-2017-{i + 1:03d}",
                date.isoformat(),
                "PER",
                f"{quarters[i] / 4:.2f}",
                "manual",
                region,
                ZONES[region],
            ]
        )
    return _csv(["id", "date", "country", "area_ha", "method", "region", "zone"], rows)


def seizures(rng: np.random.Generator) -> str:
    n = 300
    rows = []
    for i, date in enumerate(_dates(n, rng)):
        substance = SUBSTANCES[
            int(rng.choice(len(SUBSTANCES), p=[0.3, 0.2, 0.25, 0.1, 0.12, 0.03]))
        ]
        mass = float(np.round(rng.lognormal(2.0, 1.5), 2)) + 0.01
        purity = (
            f"{rng.uniform(0.3, 0.95):.2f}"
            if substance == "cocaine_hcl" and rng.random() < 0.5
            else ""
        )
        region = REGIONS[int(rng.integers(len(REGIONS)))]
        agency = AGENCIES[int(rng.integers(len(AGENCIES)))]
        operation = f"OP-2017-{int(rng.integers(1, 151)):03d}" if rng.random() < 0.6 else ""
        rows.append(
            [
                f"SZ-2017-{i + 1:03d}",
                date.isoformat(),
                "PER",
                substance,
                f"{mass:.2f}",
                purity,
                region,
                agency,
                operation,
            ]
        )
    header = [
        "id",
        "date",
        "country",
        "substance",
        "mass_kg",
        "purity",
        "region",
        "agency",
        "operation_id",
    ]
    return _csv(header, rows)


def training(rng: np.random.Generator) -> str:
    courses = [
        ("SUNAT Aduanas", "Risk profiling of containers", "independent"),
        ("SUNAT Aduanas", "Precursor chemicals control", "independent"),
        ("DIRANDRO", "Financial investigation of trafficking networks", "independent"),
        ("DIRANDRO", "Intelligence analysis", "self_reported"),
        ("Ministerio Público", "Asset forfeiture casework", "independent"),
        ("Ministerio Público", "International judicial cooperation", "self_reported"),
    ]
    people = [f"PE-{i:04d}" for i in range(1, 161)]
    rows = []
    for i, (institution, course, verification) in enumerate(courses):
        participants = int(rng.integers(18, 31))
        ids = sorted(rng.choice(people, size=participants, replace=False).tolist())
        completed = participants - int(rng.integers(0, 4))
        tested = completed - int(rng.integers(0, 3))
        pre = np.clip(np.round(rng.normal(48, 12, size=tested)), 0, 100)
        post = np.clip(np.round(pre + rng.normal(18, 9, size=tested)), 0, 100)
        followed = completed - int(rng.integers(1, 6))
        applying = int(rng.binomial(followed, 0.75))
        end = dt.date(2017, 3 + 1 * i, 10 + i)
        rows.append(
            [
                f"TR-2017-{i + 1:02d}",
                end.isoformat(),
                institution,
                course,
                participants,
                completed,
                ";".join(f"{x:g}" for x in pre),
                ";".join(f"{x:g}" for x in post),
                100,
                followed,
                applying,
                verification,
                180,
                ";".join(ids),
            ]
        )
    header = [
        "id",
        "date",
        "institution",
        "course",
        "participants",
        "completed",
        "pre_scores",
        "post_scores",
        "max_score",
        "followed_up",
        "applying",
        "verification",
        "follow_up_days",
        "participant_ids",
    ]
    return _csv(header, rows)


def generate() -> dict[str, str]:
    """The example files' names and contents."""
    rng = np.random.default_rng(SEED)
    return {
        "operations.csv": operations(rng),
        "eradications.csv": eradications(rng),
        "seizures.csv": seizures(rng),
        "training.csv": training(rng),
    }


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in generate().items():
        (OUT / name).write_text(text, encoding="utf-8", newline="")
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

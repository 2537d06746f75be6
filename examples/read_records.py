"""Read records from CSV and JSON, see every bad cell located, total what was read.

Writes two small files (illustrative values, not programme data) into the current folder,
reads them, then reads a broken copy to show the errors.

    uv run python examples/read_records.py
"""

from __future__ import annotations

from pathlib import Path

from narcometrics import Seizure, ValidationError
from narcometrics.aggregate import total
from narcometrics.io import detect_record_type, read, write_json

Path("seizures.csv").write_text(
    "date,country,substance,mass_kg,region\n"
    "2017-01-12,PER,cocaine_hcl,410.0,Callao\n"
    "2017-03-03,PER,coca_paste,95.5,Puno\n"
    "2017-03-28,PER,coca_paste,12.25,Puno\n",
    encoding="utf-8",
)
record_type = detect_record_type("seizures.csv")
table = read("seizures.csv", record_type)
print(f"read {len(table)} {record_type.__name__} records")
for (substance,), mass in total(table, "mass_kg", by="substance").to_dict().items():
    print(f"{substance}: {mass:g} kg")

write_json("seizures.json", table)  # the same records as JSON
print("JSON round trip equal:", read("seizures.json", Seizure) == table)

Path("broken.csv").write_text(
    "date,country,substance,mass_kg,region\n"
    "2017-01-12,PER,cocaine_hcl,410.0,Callao\n"
    "2017-03-03,PER,coca paste,-95.5,Puno\n",
    encoding="utf-8",
)
try:
    read("broken.csv", Seizure)
except ValidationError as error:
    print(error)

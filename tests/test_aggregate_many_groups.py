"""total() with many groups: the bitmap grouping, label ranks and wide exact digits."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from narcometrics import SeizureTable
from narcometrics.aggregate import total


def many_groups_table(rows: int, operations: int, seed: int) -> tuple[SeizureTable, pd.DataFrame]:
    """Seizures of many operations: extreme masses, missing regions and operation ids."""
    rng = np.random.default_rng(seed)
    op = rng.integers(0, operations, rows)
    labels = np.array([f"op-{i}-é𝔘" for i in rng.permutation(operations)], dtype=object)
    operation_id = labels[op]
    operation_id[rng.random(rows) < 0.05] = None
    region = np.array(["Cusco", "Puno", "Lima", None], dtype=object)[rng.integers(0, 4, rows)]
    # masses over 600 orders of magnitude: many exact levels, sums that cancel nothing
    mass = rng.lognormal(0.0, 3.0, rows) * 10.0 ** rng.integers(-300, 300, rows)
    mass[rng.random(rows) < 0.1] = 5e-324  # the smallest subnormal
    frame = pd.DataFrame(
        {
            "date": rng.integers(16000, 20000, rows)
            .astype("datetime64[D]")
            .astype("datetime64[s]"),
            "country": rng.choice(["PER", "BOL", "COL"], rows),
            "substance": rng.choice(["crack", "cannabis", "cocaine_hcl"], rows),
            "region": region,
            "agency": rng.choice(["DIRANDRO", "PNP", "FFAA"], rows),
            "operation_id": operation_id,
            "mass_kg": mass,
        }
    )
    return SeizureTable.from_frame(frame), frame


def fsum_by(frame: pd.DataFrame, by: tuple[str, ...]) -> dict[tuple[object, ...], float]:
    """math.fsum of each group's masses (the correctly rounded sum)."""
    members: dict[tuple[object, ...], list[float]] = defaultdict(list)
    years = frame["date"].dt.year.tolist()
    columns = [years if f == "year" else frame[f].tolist() for f in by]
    for *key, mass in zip(*columns, frame["mass_kg"].tolist(), strict=True):
        members[tuple(None if k is None or k != k else k for k in key)].append(mass)
    return {k: math.fsum(v) for k, v in members.items()}


BY = [
    ("operation_id",),
    ("year", "agency", "operation_id"),
    ("year", "country", "region", "agency", "operation_id"),
]


@pytest.mark.parametrize("by", BY)
def test_many_group_totals_are_the_fsum_of_each_groups_rows(by: tuple[str, ...]) -> None:
    table, frame = many_groups_table(20_000, 5_000, seed=3)
    result = total(table, "mass_kg", by=by)
    assert result.to_dict() == fsum_by(frame, by)  # exact: equal to the last bit
    assert result.keys() == sorted(
        result.keys(), key=lambda k: tuple((v is None, v if v is not None else "") for v in k)
    )


@pytest.mark.parametrize("by", BY)
@pytest.mark.parametrize("limit", [0, 64, 4096])
def test_bitmap_renumbering_and_sort_based_grouping_give_the_same_totals(
    by: tuple[str, ...], limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    table, _ = many_groups_table(5_000, 2_000, seed=4)
    expected = total(table, "mass_kg", by=by)
    monkeypatch.setattr("narcometrics.aggregate._groupby.DENSE_GROUPS", 0)
    monkeypatch.setattr("narcometrics.aggregate._groupby.BITMAP_GROUPS", limit)
    monkeypatch.setattr("narcometrics.aggregate._totals.BITMAP_GROUPS", limit)
    got = total(table, "mass_kg", by=by)
    assert got == expected
    assert got.counts.sum() == len(table)


def test_labels_sort_by_code_point_with_nul_and_astral_characters_missing_last() -> None:
    rng = np.random.default_rng(5)
    alphabet = ["\x00", "a", "a\x00", "é", "\uffff", "𝔘", "Z", " ", "\x7f"]
    labels = sorted({"x" + "".join(rng.choice(alphabet, rng.integers(1, 5))) for _ in range(3000)})
    picked = [labels[i] for i in rng.integers(0, len(labels), 6000)] + [None] * 10
    frame = pd.DataFrame(
        {
            "date": np.full(len(picked), "2017-01-01", dtype="datetime64[s]"),
            "country": "PER",
            "substance": "crack",
            "operation_id": picked,
            "mass_kg": 1.0,
        }
    )
    table = SeizureTable.from_frame(frame)
    for _ in range(2):  # the second time from the cached ranks of the labels
        got = total(table, "count", by="operation_id").labels["operation_id"].tolist()
        assert got == [*sorted(set(picked) - {None}), None]


def test_a_group_of_many_rows_beside_many_small_groups_stays_exact() -> None:
    # one group holds most rows: the digits must stay exact for the largest group
    rows = 300_000
    op = np.where(np.arange(rows) % 3 == 0, np.arange(rows) % 50_000, 0)
    mass = np.full(rows, 2.0**52 + 1.0)
    mass[1::7] = 1.0
    frame = pd.DataFrame(
        {
            "date": np.full(rows, "2017-01-01", dtype="datetime64[s]"),
            "country": "PER",
            "substance": "crack",
            "operation_id": [f"op{i}" for i in op],
            "mass_kg": mass,
        }
    )
    result = total(SeizureTable.from_frame(frame), "mass_kg", by="operation_id").to_dict()
    assert result == fsum_by(frame, ("operation_id",))


def test_a_huge_label_among_many_sorts_in_place_without_a_huge_temporary() -> None:
    labels = [f"op{i}" for i in range(3000)] + ["op5" + "x" * 100_000]
    frame = pd.DataFrame(
        {
            "date": np.full(len(labels), "2017-01-01", dtype="datetime64[s]"),
            "country": "PER",
            "substance": "crack",
            "operation_id": labels[::-1],
            "mass_kg": 1.0,
        }
    )
    result = total(SeizureTable.from_frame(frame), "count", by="operation_id")
    assert result.labels["operation_id"].tolist() == sorted(labels)

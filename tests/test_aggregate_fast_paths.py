"""The fast paths of total() with many groups give the exact totals of the general paths.

Two-level sums rounded in float64 (`LevelSums.floats`), grouping by a field that
determines the others (`_determined`), and keys left unnumbered when few are unused: each
must equal, bit for bit, the exact sum of each group rounded once (``math.fsum``, or the
sum of ``Fraction`` values) and what the general paths give.
"""

from __future__ import annotations

import math
import struct
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from narcometrics import SeizureTable, ValidationError
from narcometrics.aggregate import merge, total
from narcometrics.aggregate._exact import (
    FLOAT_SCALE,
    float_level_sums,
    float_sums,
    level_plan,
    to_floats,
)

# The exact per-group sums of the many-groups tests (pytest puts tests/ on sys.path).
from test_aggregate_many_groups import fsum_by


def bits(values: list[float]) -> list[bytes]:
    """The IEEE 754 bytes of each value (tells 0.0 from -0.0, one NaN from another)."""
    return [struct.pack("<d", v) for v in values]


def level_totals(key: np.ndarray, n_groups: int, values: np.ndarray) -> tuple[object, ...]:
    """Counts, the rounded totals (None when the float route refuses) and the exact sums in
    units of 2**-1074, by the level sums."""
    counts = np.bincount(key, minlength=n_groups)
    grid = level_plan(values, int(counts.max()) if len(counts) else 0)
    sums = float_level_sums(key, n_groups, values, grid)
    floats = sums.floats()
    exact = sums.integers() * (1 << (FLOAT_SCALE - sums.scale))
    return counts, None if floats is None else floats.tolist(), exact.tolist()


# magnitudes within about 2**60 of each other: at most two levels for small groups
moderate = st.floats(min_value=-(2.0**40), max_value=2.0**40, allow_nan=False).filter(
    lambda v: v == 0 or abs(v) >= 2.0**-20
)
extreme = st.floats(allow_nan=False, allow_infinity=False)
tiny = st.integers(-(2**52), 2**52).map(lambda m: m * 5e-324)  # subnormals and -0.0


@pytest.mark.parametrize("strategy", [moderate, extreme, tiny], ids=["moderate", "extreme", "tiny"])
def test_level_sums_are_the_exact_sums_and_round_like_the_integer_path(
    strategy: st.SearchStrategy[float],
) -> None:
    @given(st.lists(st.tuples(strategy, st.integers(0, 5)), max_size=40))
    def check(rows: list[tuple[float, int]]) -> None:
        values = np.array([v for v, _ in rows], dtype=np.float64)
        key = np.array([g for _, g in rows], dtype=np.intp)
        _, floats, exact = level_totals(key, 6, values)
        _, reference = float_sums(key, 6, values)
        rounded, overflow = to_floats(reference, FLOAT_SCALE)
        for k in range(6):
            members = sum((Fraction(v) for v, g in rows if g == k), Fraction(0))
            assert exact[k] == members * 2**FLOAT_SCALE == reference[k]
        if floats is not None:  # the float route: bit for bit the integer route's result
            assert overflow is None
            assert bits(floats) == bits(rounded.tolist())

    check()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1e16, 1.0, -1e16], 1.0),  # catastrophic cancellation
        ([2.0**53, 1.0], 2.0**53),  # a tie rounds to even (down)
        ([2.0**53 + 2.0, 1.0], 2.0**53 + 4.0),  # a tie rounds to even (up)
        ([1e308, 1e308, -1e308], 1e308),  # partial sums beyond the largest float
        ([0.1] * 10, math.fsum([0.1] * 10)),
        ([5e-324, 5e-324, 2.0**-1022], 2.0**-1022 + 1e-323),  # subnormals
        ([-0.0, -0.0], 0.0),  # an exact zero is +0.0, as the integer route gives
        ([3.0, -3.0], 0.0),
    ],
)
def test_adversarial_groups_total_to_the_correctly_rounded_sum(
    values: list[float], expected: float
) -> None:
    key = np.zeros(len(values), dtype=np.intp)
    _, floats, exact = level_totals(key, 1, np.array(values))
    _, reference = float_sums(key, 1, np.array(values))
    assert exact == reference.tolist()
    got = floats[0] if floats is not None else to_floats(np.array(exact, dtype=object), 1074)[0][0]
    assert bits([got]) == bits([expected])


def test_a_total_too_large_for_a_float_is_refused_on_the_fast_path_too() -> None:
    frame = seizures(["a", "a", "b"], [1e308, 1e308, 1.0], years=[2017, 2017, 2017])
    with pytest.raises(ValidationError, match="too large for a float64"):
        total(SeizureTable.from_frame(frame), "mass_kg", by="operation_id")


def seizures(ops: list[str | None], masses: list[float], years: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime([f"{y}-03-01" for y in years]),
            "country": "PER",
            "substance": "crack",
            "agency": ["PNP" if (op or "").endswith("1") else "DIRANDRO" for op in ops],
            "operation_id": ops,
            "mass_kg": masses,
        }
    )


def operations(
    rows: int, n_ops: int, seed: int, *, spoil: int = 0, wide: bool = False
) -> pd.DataFrame:
    """Seizures where the operation determines year and agency, except ``spoil`` rows;
    masses over a few orders of magnitude (two levels), or 330 (``wide``: many levels)."""
    rng = np.random.default_rng(seed)
    op = rng.integers(0, n_ops, rows)
    years = rng.integers(2015, 2020, n_ops)[op]
    years[:spoil] += 1  # these rows break the dependence
    ids: list[str | None] = [f"op{i}" if i else None for i in op]  # op 0: a missing id
    frame = seizures(ids, [0.0] * rows, years.tolist())
    mass = rng.lognormal(0.0, 2.0, rows)
    if wide:
        mass *= rng.choice([1.0, 1e-8, 1e8], rows)
        mass[rng.random(rows) < 0.05] = 2.0**-1074
    frame["mass_kg"] = mass
    return frame


BY = [("operation_id",), ("year", "agency", "operation_id"), ("agency", "year", "operation_id")]


@pytest.mark.parametrize("by", BY)
@pytest.mark.parametrize("spoil", [0, 1, 50, 1_000])
@pytest.mark.parametrize("wide", [False, True])
def test_grouping_by_a_determining_field_gives_the_fsum_of_each_group(
    by: tuple[str, ...], spoil: int, wide: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = operations(6_000, 1_500, seed=spoil, spoil=spoil, wide=wide)
    table = SeizureTable.from_frame(frame)
    monkeypatch.setattr("narcometrics.aggregate._groupby._DETERMINING", 10**12)  # off
    general = total(table, "mass_kg", by=by)
    monkeypatch.setattr("narcometrics.aggregate._groupby._DETERMINING", 2)  # on when it holds
    monkeypatch.setattr("narcometrics.aggregate._groupby._ONE_PASS", 0)  # level sums
    fast = total(table, "mass_kg", by=by)
    expected = fsum_by(frame, by)
    got = fast.to_dict()
    assert got.keys() == expected.keys()
    assert bits(list(got.values())) == bits([expected[k] for k in got])
    assert fast == general
    assert bits(fast.values.tolist()) == bits(general.values.tolist())
    assert fast.counts.sum() == len(table)
    assert merge(fast, duplicates="allow").to_dict() == got  # exact sums made on demand
    assert fast.grand_total == math.fsum(frame["mass_kg"].tolist())


@pytest.mark.parametrize("head", [0, 1 << 16])
def test_too_many_disagreeing_rows_take_the_general_path_with_the_same_totals(
    head: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = operations(6_000, 1_500, seed=11, spoil=1_000)  # 1 row in 6 disagrees
    table = SeizureTable.from_frame(frame)
    by = ("year", "agency", "operation_id")
    monkeypatch.setattr("narcometrics.aggregate._groupby._DETERMINING", 2)
    monkeypatch.setattr("narcometrics.aggregate._groupby._HEAD", head)  # 0: check every row
    got = total(table, "mass_kg", by=by).to_dict()
    expected = fsum_by(frame, by)
    assert got.keys() == expected.keys()
    assert bits(list(got.values())) == bits([expected[k] for k in got])


def test_one_huge_group_beside_singletons_and_all_singleton_groups_stay_exact() -> None:
    rng = np.random.default_rng(7)
    rows = 70_000
    op = np.where(rng.random(rows) < 0.5, 0, np.arange(rows))  # op0 holds half the rows
    mass = rng.lognormal(0.0, 3.0, rows)
    mass[op == 0] = np.where(rng.random(int((op == 0).sum())) < 0.5, 2.0**52 + 1.0, 1.0)
    frame = seizures([f"op{i}" for i in op], mass.tolist(), [2017] * rows)
    result = total(SeizureTable.from_frame(frame), "mass_kg", by="operation_id").to_dict()
    expected = fsum_by(frame, ("operation_id",))
    assert bits([result[k] for k in expected]) == bits(list(expected.values()))
    singletons = frame.assign(operation_id=[f"s{i}" for i in range(rows)])
    alone = total(SeizureTable.from_frame(singletons), "mass_kg", by="operation_id")
    assert sorted(alone.values.tolist()) == sorted(mass.tolist())  # each its own value


def test_a_few_unused_labels_never_become_groups_and_counts_stay_exact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = operations(3_000, 2_000, seed=9)  # about 450 of 2,000 operations never occur
    every = [f"op{i}" for i in range(1, 2_000)]  # the categorical holds them all
    table = SeizureTable.from_frame(
        frame.assign(operation_id=pd.Categorical(frame["operation_id"], categories=every))
    )
    monkeypatch.setattr("narcometrics.aggregate._groupby._ONE_PASS", 0)  # level sums
    for measure in ("mass_kg", "count"):
        got = total(table, measure, by="operation_id")
        assert (got.counts > 0).all()
        assert got.counts.sum() == len(table)
        assert len(got) == frame["operation_id"].nunique(dropna=False)
        labels = got.labels["operation_id"]
        used = sorted(set(frame["operation_id"].dropna()))
        used += [None] * bool(frame["operation_id"].isna().any())
        assert got.levels("operation_id").tolist() == used  # no unused label
        assert got.levels("operation_id")[got.codes("operation_id")].tolist() == labels.tolist()
        assert merge(got, duplicates="allow").levels("operation_id").tolist() == used

"""Adversarial inputs: every one gives the right answer or a ValidationError naming the field
and the value; no other exception escapes.

Records, tables (``from_records``, ``from_columns``, ``from_frame`` from pandas, polars and
pyarrow) and aggregation, with NaN, infinities, -0.0, bools where numbers are expected,
numpy scalars of every width, huge integers, non-ASCII digits and letters, empty tables,
one row, a million distinct keys and masked columns.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from narcometrics import (
    Operation,
    OperationTable,
    Seizure,
    SeizureTable,
    Substance,
    ValidationError,
)
from narcometrics.aggregate import merge, total

D = dt.date(2017, 6, 30)
ANY = object()  # the value is not checked (e.g. a whole-column problem)


class Ok:
    """The input is valid: ``check(result)`` must hold."""

    def __init__(self, check: Callable[[Any], bool]) -> None:
        self.check = check


class Bad:
    """The input is refused: a ValidationError naming ``field`` (and ``value``)."""

    def __init__(self, field: str, value: object = ANY) -> None:
        self.field = field
        self.value = value


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return (bool(a == b) and type(a) is type(b)) or repr(a) == repr(b)
    except Exception:
        return repr(a) == repr(b)


def seizure(**changes: Any) -> Seizure:
    return Seizure(**{"date": D, "country": "PER", "substance": "crack", "mass_kg": 1.0, **changes})


def operation(**changes: Any) -> Operation:
    return Operation(**{"date": D, "country": "PER", **changes})


def seizure_columns(n: int = 1, **changes: Any) -> SeizureTable:
    columns: dict[str, Any] = {
        "date": [D] * n,
        "country": ["PER"] * n,
        "substance": ["crack"] * n,
        "mass_kg": [1.0] * n,
    }
    return SeizureTable.from_columns(**{**columns, **changes})


def operation_columns(n: int = 1, **changes: Any) -> OperationTable:
    columns: dict[str, Any] = {"date": [D] * n, "country": ["PER"] * n}
    return OperationTable.from_columns(**{**columns, **changes})


def mass_is(expected: float) -> Callable[[Any], bool]:
    return lambda r: type(r.mass_kg) is float and r.mass_kg == expected


def arrests_is(expected: int | None) -> Callable[[Any], bool]:
    return lambda r: r.arrests == expected and (expected is None or type(r.arrests) is int)


def country_is(expected: str) -> Callable[[Any], bool]:
    return lambda r: r.country == expected


def frame_masses(kind: str, values: list[Any]) -> Any:
    n = len(values)
    data = {
        "date": [D] * n,
        "country": ["PER"] * n,
        "substance": ["crack"] * n,
        "mass_kg": values,
    }
    if kind == "pandas":
        return pd.DataFrame(data)
    if kind == "polars":
        return pl.DataFrame(data, strict=False)
    return pa.table(data)


def frame_arrests(kind: str, values: Any) -> Any:
    n = len(values)
    data = {"date": [D] * n, "country": ["PER"] * n, "arrests": values}
    if kind == "pandas":
        return pd.DataFrame(data)
    if kind == "polars":
        return pl.DataFrame(data, strict=False)
    return pa.table(data)


CASES: list[tuple[str, Callable[[], Any], Ok | Bad]] = [
    # ----------------------------------------------------------------- records: masses
    ("mass nan", lambda: seizure(mass_kg=math.nan), Bad("Seizure.mass_kg", math.nan)),
    ("mass inf", lambda: seizure(mass_kg=math.inf), Bad("Seizure.mass_kg", math.inf)),
    ("mass -inf", lambda: seizure(mass_kg=-math.inf), Bad("Seizure.mass_kg", -math.inf)),
    ("mass -0.0", lambda: seizure(mass_kg=-0.0), Bad("Seizure.mass_kg", -0.0)),
    ("mass 0", lambda: seizure(mass_kg=0), Bad("Seizure.mass_kg", 0.0)),
    ("mass True", lambda: seizure(mass_kg=True), Bad("Seizure.mass_kg", True)),
    ("mass np.bool_", lambda: seizure(mass_kg=np.True_), Bad("Seizure.mass_kg")),
    ("mass str", lambda: seizure(mass_kg="1.0"), Bad("Seizure.mass_kg", "1.0")),
    ("mass 1_000", lambda: seizure(mass_kg="1_000"), Bad("Seizure.mass_kg", "1_000")),
    ("mass arabic-indic", lambda: seizure(mass_kg="١٢"), Bad("Seizure.mass_kg", "١٢")),
    ("mass fullwidth", lambda: seizure(mass_kg="１２"), Bad("Seizure.mass_kg", "１２")),
    ("mass 10**400", lambda: seizure(mass_kg=10**400), Bad("Seizure.mass_kg", 10**400)),
    ("mass -10**400", lambda: seizure(mass_kg=-(10**400)), Bad("Seizure.mass_kg", -(10**400))),
    (
        "mass Fraction huge",
        lambda: seizure(mass_kg=Fraction(10**400, 3)),
        Bad("Seizure.mass_kg", Fraction(10**400, 3)),
    ),
    ("mass Fraction", lambda: seizure(mass_kg=Fraction(3, 2)), Ok(mass_is(1.5))),
    ("mass Decimal", lambda: seizure(mass_kg=Decimal("1.5")), Bad("Seizure.mass_kg")),
    ("mass complex", lambda: seizure(mass_kg=1 + 0j), Bad("Seizure.mass_kg")),
    ("mass None", lambda: seizure(mass_kg=None), Bad("Seizure.mass_kg", None)),
    ("mass float16", lambda: seizure(mass_kg=np.float16(1.5)), Ok(mass_is(1.5))),
    ("mass float32", lambda: seizure(mass_kg=np.float32(2.5)), Ok(mass_is(2.5))),
    ("mass float64", lambda: seizure(mass_kg=np.float64(3.5)), Ok(mass_is(3.5))),
    ("mass longdouble", lambda: seizure(mass_kg=np.longdouble(4.5)), Ok(mass_is(4.5))),
    (
        "mass longdouble huge",
        lambda: seizure(mass_kg=np.longdouble("1e400")),
        Bad("Seizure.mass_kg"),
    ),
    ("mass float32 nan", lambda: seizure(mass_kg=np.float32("nan")), Bad("Seizure.mass_kg")),
    ("mass int8", lambda: seizure(mass_kg=np.int8(7)), Ok(mass_is(7.0))),
    ("mass uint64 max", lambda: seizure(mass_kg=np.uint64(2**64 - 1)), Ok(mass_is(2.0**64))),
    ("mass tiny subnormal", lambda: seizure(mass_kg=5e-324), Ok(mass_is(5e-324))),
    (
        "mass max float",
        lambda: seizure(mass_kg=1.7976931348623157e308),
        Ok(mass_is(1.7976931348623157e308)),
    ),
    ("purity 10**400", lambda: seizure(purity=10**400), Bad("Seizure.purity", 10**400)),
    ("purity nan", lambda: seizure(purity=math.nan), Bad("Seizure.purity")),
    ("purity -0.0", lambda: seizure(purity=-0.0), Bad("Seizure.purity", -0.0)),
    *[
        (f"mass {t.__name__}", lambda t=t: seizure(mass_kg=t(3)), Ok(mass_is(3.0)))
        for t in (np.int16, np.int32, np.uint8, np.uint32)
    ],
    *[
        (f"arrests {t.__name__}", lambda t=t: operation(arrests=t(3)), Ok(arrests_is(3)))
        for t in (np.int16, np.int32, np.uint8, np.uint32, np.uint64)
    ],
    *[
        (f"arrests {t.__name__}", lambda t=t: operation(arrests=t(3)), Bad("Operation.arrests"))
        for t in (np.float16, np.float32, np.longdouble)
    ],
    # ----------------------------------------------------------------- records: counts
    ("arrests True", lambda: operation(arrests=True), Bad("Operation.arrests", True)),
    ("arrests np.bool_", lambda: operation(arrests=np.False_), Bad("Operation.arrests")),
    ("arrests 1.0", lambda: operation(arrests=1.0), Bad("Operation.arrests", 1.0)),
    ("arrests np.float64", lambda: operation(arrests=np.float64(1)), Bad("Operation.arrests")),
    ("arrests text", lambda: operation(arrests="3"), Bad("Operation.arrests", "3")),
    ("arrests -1", lambda: operation(arrests=-1), Bad("Operation.arrests", -1)),
    ("arrests 2**63", lambda: operation(arrests=2**63), Bad("Operation.arrests", 2**63)),
    ("arrests 2**63-1", lambda: operation(arrests=2**63 - 1), Ok(arrests_is(2**63 - 1))),
    (
        "arrests uint64 max",
        lambda: operation(arrests=np.uint64(2**64 - 1)),
        Bad("Operation.arrests"),
    ),
    ("arrests int8", lambda: operation(arrests=np.int8(5)), Ok(arrests_is(5))),
    ("arrests uint16", lambda: operation(arrests=np.uint16(6)), Ok(arrests_is(6))),
    ("arrests int64", lambda: operation(arrests=np.int64(7)), Ok(arrests_is(7))),
    ("arrests None", lambda: operation(arrests=None), Ok(arrests_is(None))),
    ("arrests left out", lambda: operation(), Ok(arrests_is(None))),
    # -------------------------------------------------------------- records: countries
    ("country lower", lambda: seizure(country="per"), Ok(country_is("PER"))),
    ("country mixed", lambda: seizure(country="bOl"), Ok(country_is("BOL"))),
    ("country sharp s", lambda: seizure(country="ßa"), Bad("Seizure.country", "ßa")),
    ("country long s", lambda: seizure(country="ſwe"), Bad("Seizure.country", "ſwe")),
    ("country dotless i", lambda: seizure(country="ıdn"), Bad("Seizure.country", "ıdn")),
    ("country fullwidth", lambda: seizure(country="ＰＥＲ"), Bad("Seizure.country", "ＰＥＲ")),
    ("country cyrillic", lambda: seizure(country="РЕR"), Bad("Seizure.country", "РЕR")),
    ("country XXX", lambda: seizure(country="XXX"), Bad("Seizure.country", "XXX")),
    ("country xxx", lambda: seizure(country="xxx"), Bad("Seizure.country", "xxx")),
    ("country spaces", lambda: seizure(country=" PER "), Bad("Seizure.country", " PER ")),
    ("country tab", lambda: seizure(country="PER\t"), Bad("Seizure.country", "PER\t")),
    ("country alpha-2", lambda: seizure(country="PE"), Bad("Seizure.country", "PE")),
    ("country number", lambda: seizure(country=604), Bad("Seizure.country", 604)),
    ("country bytes", lambda: seizure(country=b"PER"), Bad("Seizure.country", b"PER")),
    # -------------------------------------------------------------- records: the rest
    (
        "substance upper",
        lambda: seizure(substance="CRACK"),
        Ok(lambda r: r.substance is Substance.CRACK),
    ),
    (
        "substance fullwidth",
        lambda: seizure(substance="ｃｒａｃｋ"),
        Bad("Seizure.substance", "ｃｒａｃｋ"),
    ),
    ("substance padded", lambda: seizure(substance=" crack"), Bad("Seizure.substance", " crack")),
    ("substance kelvin sign", lambda: seizure(substance="\u212aRACK"), Bad("Seizure.substance")),
    ("date datetime", lambda: seizure(date=dt.datetime(2017, 1, 1)), Bad("Seizure.date")),
    ("date text", lambda: seizure(date="2017-01-01"), Bad("Seizure.date", "2017-01-01")),
    ("date numpy", lambda: seizure(date=np.datetime64("2017-01-01")), Bad("Seizure.date")),
    ("date pandas", lambda: seizure(date=pd.Timestamp("2017-01-01")), Bad("Seizure.date")),
    ("region empty", lambda: seizure(region=""), Bad("Seizure.region", "")),
    ("region nbsp only", lambda: seizure(region="\u00a0"), Bad("Seizure.region", "\u00a0")),
    ("region bytes", lambda: seizure(region=b"Puno"), Bad("Seizure.region", b"Puno")),
    ("id number", lambda: seizure(id=7), Bad("Seizure.id", 7)),
    # --------------------------------------------------------------- from_records
    (
        "from_records of other records",
        lambda: SeizureTable.from_records([operation()]),
        Bad("records"),
    ),
    ("from_records empty", lambda: SeizureTable.from_records([]), Ok(lambda t: len(t) == 0)),
    (
        "from_records one row",
        lambda: SeizureTable.from_records([seizure(mass_kg=2.5)]),
        Ok(lambda t: t.mass_kg.tolist() == [2.5]),
    ),
    (
        "from_records repeated id",
        lambda: SeizureTable.from_records([seizure(id="A"), seizure(id="A")]),
        Bad("id"),
    ),
    # ---------------------------------------------------------------- from_columns
    ("columns mass nan", lambda: seizure_columns(mass_kg=[math.nan]), Bad("mass_kg", math.nan)),
    (
        "columns mass inf",
        lambda: seizure_columns(mass_kg=np.array([math.inf])),
        Bad("mass_kg", math.inf),
    ),
    ("columns mass -0.0", lambda: seizure_columns(mass_kg=np.array([-0.0])), Bad("mass_kg", -0.0)),
    ("columns mass bool array", lambda: seizure_columns(mass_kg=np.array([True])), Bad("mass_kg")),
    ("columns mass bool list", lambda: seizure_columns(mass_kg=[True]), Bad("mass_kg", True)),
    ("columns mass complex", lambda: seizure_columns(mass_kg=np.array([1 + 0j])), Bad("mass_kg")),
    ("columns mass strings", lambda: seizure_columns(mass_kg=np.array(["1.0"])), Bad("mass_kg")),
    ("columns mass 10**400", lambda: seizure_columns(mass_kg=[10**400]), Bad("mass_kg", 10**400)),
    (
        "columns mass float16",
        lambda: seizure_columns(mass_kg=np.array([1.5], dtype=np.float16)),
        Ok(lambda t: t.mass_kg.dtype == np.float64 and t.mass_kg.tolist() == [1.5]),
    ),
    (
        "columns mass longdouble huge",
        lambda: seizure_columns(mass_kg=np.array([np.longdouble("1e400")])),
        Bad("mass_kg", math.inf),
    ),
    (
        "columns mass uint64",
        lambda: seizure_columns(mass_kg=np.array([2**64 - 1], dtype=np.uint64)),
        Ok(lambda t: t.mass_kg.tolist() == [2.0**64]),
    ),
    (
        "columns masked mass",
        lambda: seizure_columns(mass_kg=np.ma.MaskedArray([1.0], mask=[True])),
        Bad("mass_kg", None),
    ),
    (
        "columns arrests bool array",
        lambda: operation_columns(arrests=np.array([True])),
        Bad("arrests"),
    ),
    (
        "columns arrests float array",
        lambda: operation_columns(arrests=np.array([1.0])),
        Bad("arrests"),
    ),
    ("columns arrests 2**63", lambda: operation_columns(arrests=[2**63]), Bad("arrests", 2**63)),
    (
        "columns arrests uint64 beyond int64",
        lambda: operation_columns(arrests=np.array([2**63], dtype=np.uint64)),
        Bad("arrests", 2**63),
    ),
    (
        "columns arrests int8",
        lambda: operation_columns(arrests=np.array([-1], dtype=np.int8)),
        Bad("arrests", -1),
    ),
    (
        "columns arrests masked",
        lambda: operation_columns(2, arrests=np.ma.MaskedArray([3, 99], mask=[False, True])),
        Ok(lambda t: [r.arrests for r in t] == [3, None]),
    ),
    (
        "columns arrests None",
        lambda: operation_columns(2, arrests=[None, 4]),
        Ok(lambda t: [r.arrests for r in t] == [None, 4]),
    ),
    (
        "columns arrests absent",
        lambda: operation_columns(2),
        Ok(lambda t: bool(np.ma.getmaskarray(t.arrests).all())),
    ),
    (
        "columns arrests text",
        lambda: operation_columns(arrests=["1_000"]),
        Bad("arrests", "1_000"),
    ),
    ("columns country ßa", lambda: seizure_columns(country=["ßa"]), Bad("country", "ßa")),
    (
        "columns country XXX",
        lambda: seizure_columns(country=np.array(["XXX"])),
        Bad("country", "XXX"),
    ),
    (
        "columns country lower",
        lambda: seizure_columns(2, country=["per", "PER"]),
        Ok(lambda t: t.country.labels.tolist() == ["PER"]),
    ),
    (
        "columns substance mixed case",
        lambda: seizure_columns(2, substance=["CRACK", "crack"]),
        Ok(lambda t: [r.substance for r in t] == [Substance.CRACK] * 2),
    ),
    ("columns empty", lambda: seizure_columns(0), Ok(lambda t: len(t) == 0)),
    ("columns 2-D", lambda: seizure_columns(mass_kg=np.ones((1, 1))), Bad("mass_kg")),
    ("columns repeated id", lambda: seizure_columns(2, id=["a", "a"]), Bad("id")),
    # ------------------------------------------------------------------ from_frame
    *[
        (
            f"{kind} mass nan",
            lambda kind=kind: SeizureTable.from_frame(frame_masses(kind, [1.0, math.nan])),
            Bad("mass_kg"),
        )
        for kind in ("pandas", "polars", "pyarrow")
    ],
    *[
        (
            f"{kind} mass inf",
            lambda kind=kind: SeizureTable.from_frame(frame_masses(kind, [math.inf])),
            Bad("mass_kg", math.inf),
        )
        for kind in ("pandas", "polars", "pyarrow")
    ],
    *[
        (
            f"{kind} mass bool",
            lambda kind=kind: SeizureTable.from_frame(frame_masses(kind, [True])),
            Bad("mass_kg"),
        )
        for kind in ("pandas", "polars", "pyarrow")
    ],
    *[
        (
            f"{kind} arrests beyond int64",
            lambda kind=kind: OperationTable.from_frame(
                frame_arrests(kind, pa.array([2**63], type=pa.uint64()).to_pylist())
                if kind != "pyarrow"
                else pa.table(
                    {
                        "date": [D],
                        "country": ["PER"],
                        "arrests": pa.array([2**63], type=pa.uint64()),
                    }
                )
            ),
            Bad("arrests"),
        )
        for kind in ("pandas", "polars", "pyarrow")
    ],
    *[
        (
            f"{kind} arrests with nulls",
            lambda kind=kind: OperationTable.from_frame(
                frame_arrests(kind, pd.array([5, None], dtype="Int64"))
                if kind == "pandas"
                else frame_arrests(kind, [5, None])
            ),
            Ok(lambda t: [r.arrests for r in t] == [5, None]),
        )
        for kind in ("pandas", "polars", "pyarrow")
    ],
    (
        "pandas arrests floats",
        lambda: OperationTable.from_frame(frame_arrests("pandas", [1.0, math.nan])),
        Bad("arrests"),
    ),
    (
        "pandas arrests text",
        lambda: OperationTable.from_frame(frame_arrests("pandas", ["١٢"])),
        Bad("arrests"),
    ),
    (
        "pandas country ſwe",
        lambda: SeizureTable.from_frame(frame_masses("pandas", [1.0]).assign(country=["ſwe"])),
        Bad("country", "ſwe"),
    ),
    (
        "polars empty frame",
        lambda: SeizureTable.from_frame(frame_masses("polars", []).cast({"mass_kg": pl.Float64})),
        Ok(lambda t: len(t) == 0),
    ),
    # ------------------------------------------------------------------ aggregation
    (
        "total of an empty table",
        lambda: total(SeizureTable.from_records([]), "mass_kg", by="country"),
        Ok(lambda r: len(r) == 0 and r.grand_total == 0),
    ),
    (
        "total of one row",
        lambda: total(seizure_columns(1, mass_kg=[0.1]), "mass_kg", by=("year", "country")),
        Ok(lambda r: r.to_dict() == {(2017, "PER"): 0.1}),
    ),
    (
        "total of the smallest and largest masses",
        lambda: total(seizure_columns(2, mass_kg=[5e-324, 1.7976931348623157e308]), "mass_kg"),
        Ok(lambda r: r.to_dict() == {(): 1.7976931348623157e308}),
    ),
    (
        "total that cancels nothing away",
        lambda: total(seizure_columns(3, mass_kg=[1e308, 1e-308, 1e308 * 0.5]), "mass_kg"),
        Ok(lambda r: r.values[0] == math.fsum([1e308, 1e-308, 0.5e308])),
    ),
    (
        "total that overflows",
        lambda: total(seizure_columns(2, mass_kg=[1.7e308, 1.7e308]), "mass_kg"),
        Bad("mass_kg"),
    ),
    (
        "total of a masked count",
        lambda: total(operation_columns(2, arrests=[None, 3]), "arrests"),
        Bad("arrests"),
    ),
    (
        "total of a masked count, skipping",
        lambda: total(operation_columns(2, arrests=[None, 3]), "arrests", missing="skip"),
        Ok(lambda r: r.to_dict() == {(): 3.0}),
    ),
    (
        "total of counts near int64",
        lambda: total(operation_columns(2, arrests=[2**62, 2**62]), "arrests"),
        Bad("arrests"),
    ),
    (
        "total of a bool measure name",
        lambda: total(seizure_columns(1), True),  # type: ignore[arg-type]
        Bad("measure"),
    ),
    (
        "total by month alone",
        lambda: total(seizure_columns(1), "mass_kg", by="month"),
        Bad("by"),
    ),
    (
        "merge of parts repeating an id",
        lambda: merge(
            total(seizure_columns(1, id=["a"]), "mass_kg"),
            total(seizure_columns(1, id=["a"]), "mass_kg"),
        ),
        Bad("id"),
    ),
    (
        "a million distinct keys",
        lambda: total(
            seizure_columns(
                1_000_000,
                region=np.char.add("R", np.arange(1_000_000).astype(str)),
                mass_kg=np.full(1_000_000, 0.1),
            ),
            "mass_kg",
            by="region",
        ),
        Ok(
            lambda r: (
                len(r) == 1_000_000
                and bool((r.values == 0.1).all())
                and r.grand_total == math.fsum([0.1] * 1_000_000)
            )
        ),
    ),
]


def test_there_are_at_least_80_distinct_cases() -> None:
    names = [name for name, _, _ in CASES]
    assert len(names) >= 80
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(("name", "make", "expected"), CASES, ids=[c[0] for c in CASES])
def test_an_adversarial_input_gives_the_right_answer_or_a_validation_error(
    name: str, make: Callable[[], Any], expected: Ok | Bad
) -> None:
    if isinstance(expected, Ok):
        assert expected.check(make()), name
        return
    with pytest.raises(ValidationError) as info:
        make()
    problems = info.value.problems
    fields = [p.field for p in problems]
    assert expected.field in fields, (name, fields)
    if expected.value is not ANY:
        values = [p.value for p in problems if p.field == expected.field]
        assert any(same(v, expected.value) for v in values), (name, values)

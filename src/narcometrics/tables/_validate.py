"""Whole-column validation with the records' rules, vectorised.

Bad rows are found with array operations; the message for each bad value then comes from
the same scalar check the records use (`narcometrics._checks`), run on that value
only, so a table and a record reject the same values with the same words. Problems name
the field, the value and the 0-based row, and are collected (up to
`MAX_PROBLEMS`) into one
[`ValidationError`][narcometrics.errors.ValidationError].
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeAlias

import attrs
import numpy as np
from numpy.typing import NDArray

from narcometrics import _checks as c
from narcometrics._fields import FieldSpec, Rule
from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError
from narcometrics.tables._columns import (
    MISSING_CODE,
    Categorical,
    Ragged,
    code_dtype,
    object_array,
    readonly,
)

Rows: TypeAlias = NDArray[np.intp]
Mask: TypeAlias = NDArray[np.bool_]
NullMask: TypeAlias = Mask | Callable[[], Mask] | None
Column: TypeAlias = NDArray[Any] | np.ma.MaskedArray[Any, Any] | Categorical | Ragged

NAT = np.iinfo(np.int64).min
MIN_DAY = np.datetime64("0001-01-01", "D").astype(np.int64)
MAX_DAY = np.datetime64("9999-12-31", "D").astype(np.int64)
REQUIRED = "is required"


class Problems:
    """Collects problems, at most [`MAX_PROBLEMS`][narcometrics.tables._validate.MAX_PROBLEMS] per
    field, sorted by row on raising."""

    def __init__(self) -> None:
        self._items: list[Problem] = []
        self._truncated = False

    def __bool__(self) -> bool:
        return bool(self._items)

    def column(self, field: str, problem: str) -> None:
        """A problem with a whole column (missing, wrong type)."""
        self._items.append(Problem(field=field, problem=problem))

    def rows(self, rows: Rows, describe: Callable[[int], Problem]) -> None:
        """One problem per row, described by ``describe(row)``."""
        if len(rows) > MAX_PROBLEMS:
            self._truncated = True
            rows = rows[:MAX_PROBLEMS]
        self._items.extend(describe(int(row)) for row in rows)

    @property
    def items(self) -> list[Problem]:
        """The problems so far."""
        return list(self._items)

    @property
    def truncated(self) -> bool:
        """Whether some problems were left out."""
        return self._truncated

    def extend(self, items: list[Problem], *, truncated: bool = False) -> None:
        """Add problems collected elsewhere."""
        self._items.extend(items)
        self._truncated = self._truncated or truncated

    def raise_if_any(self) -> None:
        """Raise one ValidationError holding every problem so far, first rows first."""
        if not self._items:
            return
        items = sorted(self._items, key=lambda p: -1 if p.row is None else p.row)
        truncated = self._truncated or len(items) > MAX_PROBLEMS
        raise ValidationError.from_problems(items[:MAX_PROBLEMS], truncated=truncated)


def scalar_problem(check: Callable[[str, object], object], field: str, value: object) -> Problem:
    """The problem the scalar ``check`` reports for ``value`` (which it must refuse)."""
    try:
        check(field, value)
    except ValidationError as error:
        return error.problems[0]
    raise AssertionError(f"{field}: a value flagged as bad passes its scalar check: {value!r}")


def at(problem: Problem, row: int) -> Problem:
    """``problem`` located at ``row``."""
    return attrs.evolve(problem, row=row)


def null_rows(null: NullMask) -> Mask | None:
    """Evaluate a lazy null mask."""
    return null() if callable(null) else null


def required(field: str, row: int) -> Problem:
    """The problem of a missing value in a required field."""
    return Problem(field=field, problem=REQUIRED, value=None, row=row)


# ------------------------------------------------------------------------------ dates


def check_dates(
    spec: FieldSpec, data: NDArray[Any], problems: Problems, *, owned: bool = False
) -> NDArray[Any] | None:
    """datetime64 of any unit down to days -> datetime64[D] (whole days, no NaT); an array
    in days is copied unless ``owned`` (nobody else holds it)."""
    unit, count = np.datetime_data(data.dtype)
    if unit in ("Y", "M", "W", "generic") or count != 1:
        problems.column(spec.name, f"must be a column of dates (datetime64[D]), not {data.dtype}")
        return None
    ints = data.view(np.int64)
    if unit == "D":
        days = ints if owned else ints.copy()
        bad = days == NAT
    else:
        per_day = int(np.timedelta64(1, "D") // np.timedelta64(1, unit))  # type: ignore[call-overload]
        days, remainder = np.divmod(ints, per_day)
        bad = remainder != 0  # NaT is never a whole number of days in units below a day

    def describe(row: int) -> Problem:
        if ints[row] == NAT:
            return required(spec.name, row)
        return Problem(
            field=spec.name,
            problem="must be a whole day (no time of day)",
            value=str(data[row]),
            row=row,
        )

    if bad.any():
        problems.rows(np.flatnonzero(bad), describe)
        return None
    if days.size and (days.min() < MIN_DAY or days.max() > MAX_DAY):
        out = np.flatnonzero((days < MIN_DAY) | (days > MAX_DAY))
        problems.rows(
            out,
            lambda row: Problem(
                field=spec.name,
                problem="must be a date between 0001-01-01 and 9999-12-31",
                value=str(data[row]),
                row=row,
            ),
        )
        return None
    return readonly(days.view("datetime64[D]"))


# ---------------------------------------------------------------------- categoricals


def _text_labels(spec: FieldSpec, labels: list[Any]) -> tuple[list[Any], list[int]]:
    """``check_text``'s decision for exact ``str`` labels: kept as they are."""
    refused = [i for i, x in enumerate(labels) if not (x.__class__ is str and x.strip())]
    return labels, refused


def _country_code(label: Any) -> str | None:
    """The ISO code a label spells (an ASCII case variant of the code, as `to_country`
    accepts), or None."""
    if label.__class__ is not str or not label.isascii():
        return None
    code: str = label.upper()
    return code if code in c.iso_alpha3() else None


def _country_labels(spec: FieldSpec, labels: list[Any]) -> tuple[list[Any], list[int]]:
    """``to_country`` then ``check_country`` for exact ``str`` labels: the code."""
    normalised = [_country_code(x) for x in labels]
    return normalised, [i for i, value in enumerate(normalised) if value is None]


def _enum_labels(spec: FieldSpec, labels: list[Any]) -> tuple[list[Any], list[int]]:
    """``to_enum`` then ``check_enum`` for exact ``str`` labels: the member's value."""
    assert spec.enum is not None
    known = {member.value: member.value for member in spec.enum}
    normalised: list[Any] = []
    for x in labels:
        value = None
        if x.__class__ is str:
            value = known.get(x)
            if value is None and x.isascii():
                value = known.get(x.lower())
        normalised.append(value)
    return normalised, [i for i, value in enumerate(normalised) if value is None]


#: Per kind, one pass over the labels deciding as the scalar check does for plain ``str``
#: labels: the normalised labels and the positions it does not accept (those go through
#: the scalar check, which decides for other types and gives the words of each error).
_FAST_LABELS: dict[str, Callable[[FieldSpec, list[Any]], tuple[list[Any], list[int]]]] = {
    "text": _text_labels,
    "country": _country_labels,
    "enum": _enum_labels,
}


def check_labels(
    spec: FieldSpec, labels: list[Any], name: str
) -> tuple[list[Any], dict[int, Problem]]:
    """Each label normalised as the record field would be (None where refused; ``labels``
    itself when no label changes), and the problem of each refused label by position."""
    normalised, refused = _FAST_LABELS[spec.kind](spec, labels)
    bad: dict[int, Problem] = {}
    for i in refused:
        try:
            checked = spec.validate(name, labels[i])
        except ValidationError as error:
            bad[i] = attrs.evolve(error.problems[0], field=name)
            checked = None
        if normalised is labels:
            normalised = list(labels)
        normalised[i] = checked.value if isinstance(checked, StrEnum) else checked
    return normalised, bad


def check_categorical(
    spec: FieldSpec, raw: Categorical, problems: Problems, *, field: str | None = None
) -> Categorical | None:
    """Validate and normalise the labels; report the rows that use a bad label."""
    name = spec.name if field is None else field
    labels = raw.labels.tolist()
    normalised, bad = check_labels(spec, labels, name)
    codes = raw.codes
    ok = True
    if bad:
        flag = np.zeros(len(labels) + 1, dtype=np.bool_)
        flag[list(bad)] = True
        problems.rows(np.flatnonzero(flag[codes]), lambda row: at(bad[int(codes[row])], row))
        ok = not flag[codes].any()
    if not spec.optional and raw.has_missing:
        problems.rows(np.flatnonzero(codes < 0), lambda row: required(name, row))
        ok = False
    if not ok:
        return None
    if normalised is labels and spec.enum is None:  # unique labels kept: the codes stand
        return Categorical.trusted(codes.astype(code_dtype(len(labels))), raw.labels.copy())
    if spec.enum is not None:
        target = [member.value for member in spec.enum]
    else:
        target = list(dict.fromkeys(label for label in normalised if label is not None))
    position: dict[str | None, int] = {label: i for i, label in enumerate(target)}
    mapping = np.array([position.get(label, MISSING_CODE) for label in normalised], dtype=np.intp)
    target_array = object_array(target)
    if len(target) == len(labels) and np.array_equal(mapping, np.arange(len(labels))):
        return Categorical.trusted(codes.astype(code_dtype(len(target))), target_array)
    table = np.append(mapping, MISSING_CODE).astype(code_dtype(len(target)))
    return Categorical.trusted(table[codes], target_array)


# ---------------------------------------------------------------------------- numbers


def _real_bad(values: NDArray[np.float64], optional: bool) -> Mask:
    bad: Mask = np.isinf(values) if optional else ~np.isfinite(values)
    return bad


def _positive_bad(values: NDArray[np.float64], optional: bool) -> Mask:
    bad: Mask
    if optional:  # NaN (missing) compares False both ways
        bad = (values <= 0) | (values == np.inf)
        return bad
    good = values > 0
    good &= values < np.inf
    bad = ~good
    return bad


def _fraction_open_bad(values: NDArray[np.float64], optional: bool) -> Mask:
    bad: Mask
    if optional:
        bad = (values <= 0) | (values > 1)
        return bad
    good = values > 0
    good &= values <= 1
    bad = ~good
    return bad


#: Per float rule, the rows its scalar check (`FieldSpec.check`) refuses, found at once
#: (NaN is a missing value where the field is optional).
FLOAT_BAD: dict[Rule | None, Callable[[NDArray[np.float64], bool], Mask]] = {
    None: _real_bad,
    "positive": _positive_bad,
    "fraction_open": _fraction_open_bad,
}


def check_floats(
    spec: FieldSpec, values: NDArray[np.float64], null: NullMask, problems: Problems
) -> NDArray[np.float64] | None:
    """Float column (owned copy); NaN marks a missing value where the field is optional."""
    bad = FLOAT_BAD[spec.rule](values, spec.optional)
    if not bad.any():
        return readonly(values)
    nulls = None if spec.optional else null_rows(null)
    check = spec.check

    def describe(row: int) -> Problem:
        if nulls is not None and nulls[row]:
            return required(spec.name, row)
        return at(scalar_problem(check, spec.name, float(values[row])), row)

    problems.rows(np.flatnonzero(bad), describe)
    return None


def check_counts(
    spec: FieldSpec, values: NDArray[np.int64], null: NullMask, problems: Problems
) -> NDArray[np.int64] | np.ma.MaskedArray[Any, Any] | None:
    """Integer counts >= spec.minimum; a masked array where the field is optional."""
    nulls = null_rows(null)
    ok = True
    if nulls is not None and not spec.optional and nulls.any():
        problems.rows(np.flatnonzero(nulls), lambda row: required(spec.name, row))
        ok = False
    bad = values < spec.minimum
    if nulls is not None:
        bad &= ~nulls
    if bad.any():

        def describe(row: int) -> Problem:
            return at(scalar_problem(spec.check, spec.name, int(values[row])), row)

        problems.rows(np.flatnonzero(bad), describe)
        ok = False
    if not ok:
        return None
    if not spec.optional:
        return readonly(values)
    mask = np.zeros(len(values), dtype=np.bool_) if nulls is None else nulls.copy()
    values[mask] = 0
    return np.ma.MaskedArray(readonly(values), mask=readonly(mask))


# ----------------------------------------------------------------------------- ragged


def item_rows(offsets: NDArray[np.int64], items: Rows) -> Rows:
    """The row each flat item belongs to."""
    return np.searchsorted(offsets, items, side="right") - 1


def check_ragged(spec: FieldSpec, raw: Ragged, null: NullMask, problems: Problems) -> Ragged | None:
    """Ragged floats (finite items, no missing row) or ragged texts (valid strings)."""
    offsets = raw.offsets
    nulls = null_rows(null)
    if spec.kind == "floats":
        if nulls is not None and nulls.any():
            problems.rows(
                np.flatnonzero(nulls),
                lambda row: Problem(
                    field=spec.name,
                    problem="must be a sequence of real numbers (empty for none), not missing",
                    value=None,
                    row=row,
                ),
            )
            return None
        values = np.asarray(raw.values)
        bad = ~np.isfinite(values)
        if bad.any():
            items = np.flatnonzero(bad)
            rows = item_rows(offsets, items)

            def describe(k: int) -> Problem:
                item, row = int(items[k]), int(rows[k])
                field = f"{spec.name}[{item - int(offsets[row])}]"
                return at(scalar_problem(c.check_real, field, float(values[item])), row)

            problems.rows(np.arange(len(items)), describe)
            return None
        return raw
    assert isinstance(raw.values, Categorical)
    if nulls is not None:  # read from sequences: [] is not None (a Ragged input can't tell)
        empty = (raw.lengths == 0) & ~nulls
        if empty.any():
            problems.rows(
                np.flatnonzero(empty),
                lambda row: Problem(
                    field=spec.name,
                    problem="must not be empty (use None when not known)",
                    value=(),
                    row=row,
                ),
            )
            return None
    local = Problems()
    texts = check_categorical(FieldSpec(name=spec.name, kind="text"), raw.values, local)
    if texts is None:
        problems.extend([at_item(p, offsets) for p in local.items], truncated=local.truncated)
        return None
    return Ragged.trusted(texts, offsets)


def at_item(problem: Problem, offsets: NDArray[np.int64]) -> Problem:
    """Turn a flat item position into its row and ``field[index]``."""
    if problem.row is None:
        return problem
    row = int(item_rows(offsets, np.array([problem.row]))[0])
    index = problem.row - int(offsets[row])
    return attrs.evolve(problem, field=f"{problem.field}[{index}]", row=row)

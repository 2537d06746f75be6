"""Scalar normalisers and validators shared by the records and the model functions.

Normalisers (``to_*``) never raise: they convert lossless, unambiguous inputs (a numpy
integer to ``int``, a lower-case country code to upper case, an enum value string to the
enum) and return anything else unchanged, so that the validators (``check_*``), which know
the field name, raise a [`ValidationError`][narcometrics.errors.ValidationError] that names it:
a [`WrongTypeError`][narcometrics.errors.WrongTypeError] (also a `TypeError`) for a value of the
wrong type, a plain `ValidationError` for a bad value of the right type.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import numbers
import re
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any, TypeVar, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from narcometrics.errors import (
    MAX_PROBLEMS,
    Problem,
    UnknownNameError,
    ValidationError,
    WrongTypeError,
)

E = TypeVar("E", bound=StrEnum)

#: What a vectorised function returns: a float for scalar inputs, else a float64 array.
FloatOrArray = float | NDArray[np.float64]

_COUNTRY = re.compile(r"[A-Z]{3}")

#: Largest value of an integer count: the int64 range of the tables' count columns.
MAX_COUNT = int(np.iinfo(np.int64).max)


@functools.cache
def iso_alpha3() -> frozenset[str]:
    """The ISO 3166-1 alpha-3 codes (from `pycountry`'s ISO 3166-1 database, loaded on first
    use and cached).

    The codes are read from the JSON file pycountry ships (``databases/iso3166-1.json``,
    Debian's iso-codes data) without importing pycountry itself, which takes about 40 ms;
    where that file is not found, through pycountry's own API.
    """
    import importlib.util
    import json
    import os

    spec = importlib.util.find_spec("pycountry")
    if spec is not None and spec.origin is not None:
        database = os.path.join(os.path.dirname(spec.origin), "databases", "iso3166-1.json")
        if os.path.exists(database):
            with open(database, encoding="utf-8") as handle:
                entries = json.load(handle)["3166-1"]
            return frozenset(entry["alpha_3"] for entry in entries)
    import pycountry  # pragma: no cover - a pycountry without its database file

    return frozenset(country.alpha_3 for country in pycountry.countries)  # pragma: no cover


def is_real(value: object) -> bool:
    """True for int/float/numpy real scalars, False for bool and everything else."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_integer(value: object) -> bool:
    """True for int and numpy integers, False for bool, floats and everything else."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def to_float(value: float) -> float:
    """Real numbers (not bool) to ``float``; anything else (and numbers too large for a
    float, such as ``10**400``) unchanged, for the validator to refuse."""
    if not is_real(value):
        return value
    try:
        return float(value)
    except OverflowError:
        return value


def to_optional_float(value: float | None) -> float | None:
    """Like `to_float`, keeping ``None``."""
    return None if value is None else to_float(value)


def to_int(value: int) -> int:
    """Integers (not bool) to ``int``; anything else unchanged."""
    return int(value) if is_integer(value) else value


def to_optional_int(value: int | None) -> int | None:
    """Like `to_int`, keeping ``None``."""
    return None if value is None else to_int(value)


def to_country(value: str) -> str:
    """A code of three ASCII letters in any case to upper case when that is an ISO 3166-1
    alpha-3 code; anything else unchanged (so the validator shows the value as typed).

    Only ASCII letters are upper-cased: Unicode case mapping would turn ``"ßa"`` into
    ``"SSA"`` and ``"ſwe"`` into ``"SWE"``. White space is not stripped.
    """
    if isinstance(value, str) and len(value) == 3 and value.isascii() and value.isalpha():
        upper = value.upper()
        if upper in iso_alpha3():
            return upper
    return value


def to_float_tuple(value: Sequence[float]) -> tuple[float, ...]:
    """A list or tuple of real numbers to a tuple of floats; anything else unchanged."""
    if isinstance(value, (list, tuple)) and all(is_real(v) for v in value):
        return tuple(float(v) for v in value)
    return value  # type: ignore[return-value]  # left for the validator to refuse


def to_optional_str_tuple(value: Sequence[str] | None) -> tuple[str, ...] | None:
    """A list to a tuple; anything else unchanged."""
    return tuple(value) if isinstance(value, list) else value  # type: ignore[return-value]


def to_enum(enum: type[E], value: object) -> object:
    """Map an enum's value strings, in any ASCII case, to its members; anything else
    unchanged (``"COCAINE_HCL"`` and ``"cocaine_hcl"`` are the same member)."""
    if isinstance(value, str) and not isinstance(value, enum):
        for key in (value, value.lower() if value.isascii() else value):
            try:
                return enum(key)
            except ValueError:
                pass
    return value


# ----------------------------------------------------------------------------- checks


def check_real(name: str, value: object, *, allow_nan: bool = False) -> float:
    """Check a real number (not bool, finite unless ``allow_nan``) and return it as float."""
    if not is_real(value):
        raise WrongTypeError(name, f"must be a real number, not {type(value).__name__}", value)
    try:
        number = float(cast(Any, value))
    except OverflowError:
        raise ValidationError(name, "must be finite (too large for a float)", value) from None
    if not math.isfinite(number) and not (allow_nan and math.isnan(number)):
        raise ValidationError(name, "must be finite", value)
    return number


def check_positive(name: str, value: object) -> float:
    """Check a finite real number > 0."""
    number = check_real(name, value)
    if not number > 0:
        raise ValidationError(name, "must be > 0", value)
    return number


def check_non_negative(name: str, value: object) -> float:
    """Check a finite real number >= 0."""
    number = check_real(name, value)
    if not number >= 0:
        raise ValidationError(name, "must be >= 0", value)
    return number


def check_fraction(name: str, value: object, *, open_low: bool = False) -> float:
    """Check a finite fraction in [0, 1], or (0, 1] with ``open_low``."""
    number = check_real(name, value)
    low_ok = number > 0 if open_low else number >= 0
    if not (low_ok and number <= 1):
        interval = "(0, 1]" if open_low else "[0, 1]"
        raise ValidationError(name, f"must be within {interval}", value)
    return number


def check_count(name: str, value: object, *, minimum: int = 0) -> int:
    """Check an integer count (not bool, not float) >= ``minimum``."""
    if not is_integer(value):
        raise WrongTypeError(name, f"must be an integer count, not {type(value).__name__}", value)
    count = int(cast(Any, value))
    if count < minimum:
        raise ValidationError(name, f"must be >= {minimum}", value)
    if count > MAX_COUNT:
        raise ValidationError(name, f"must be <= {MAX_COUNT} (the int64 range)", value)
    return count


def check_date(name: str, value: object) -> _dt.date:
    """Check a `datetime.date` (a ``datetime`` is refused: it carries a time)."""
    if type(value) is not _dt.date:
        raise WrongTypeError(name, f"must be a datetime.date, not {type(value).__name__}", value)
    return value


def check_country(name: str, value: object) -> str:
    """Check an ISO 3166-1 alpha-3 code in upper case (`to_country` normalises the case).

    The value must be one of the codes of ISO 3166-1 (as listed by `pycountry`): ``"XXX"``
    is refused. White space around the code is refused, not stripped.
    """
    if not isinstance(value, str):
        raise WrongTypeError(
            name, f"must be an ISO 3166-1 alpha-3 code, not {type(value).__name__}", value
        )
    if value != value.strip():
        raise ValidationError(
            name, "must be an ISO 3166-1 alpha-3 code without surrounding white space", value
        )
    if not (len(value) == 3 and value.isascii() and value.isalpha()):
        raise ValidationError(
            name, "must be an ISO 3166-1 alpha-3 code (three letters, e.g. PER)", value
        )
    if _COUNTRY.fullmatch(value) is None or value not in iso_alpha3():
        raise ValidationError(name, "is not an ISO 3166-1 alpha-3 country code", value)
    return value


def check_text(name: str, value: object) -> str:
    """Check a non-empty string that is not only white space."""
    if not isinstance(value, str):
        raise WrongTypeError(name, f"must be a string, not {type(value).__name__}", value)
    if not value.strip():
        raise ValidationError(name, "must not be empty (use None for a missing value)", value)
    return value


def check_enum(name: str, value: object, enum: type[E]) -> E:
    """Check a member of ``enum`` (its value strings are accepted by the normaliser).

    A string that is not one of its values is an unknown name; anything else a wrong type."""
    if not isinstance(value, enum):
        if not isinstance(value, str):
            raise WrongTypeError(
                name,
                f"must be a {enum.__name__} or its value string, not {type(value).__name__}",
                value,
            )
        raise UnknownNameError(name, value, [m.value for m in enum])
    return value


def check_year(name: str, value: object) -> int:
    """Check a calendar year: an integer from 1 to `datetime.MAXYEAR`."""
    year = check_count(name, value, minimum=1)
    if year > _dt.MAXYEAR:
        raise ValidationError(name, f"must be <= {_dt.MAXYEAR}", value)
    return year


# ------------------------------------------------------------------ array checks


def is_scalar(*values: object) -> bool:
    """True when every value is a scalar (0-dimensional)."""
    return all(np.ndim(v) == 0 for v in values)  # type: ignore[arg-type]


def check_real_array(
    name: str, value: object, *, non_negative: bool = True, allow_nan: bool = False
) -> NDArray[np.float64]:
    """``value`` as a float array after checking every element (finite, >= 0 by default).

    Every bad element is reported (up to ``MAX_PROBLEMS``), named ``name[index]``.
    """
    if is_real(value):
        number = check_real(name, value, allow_nan=allow_nan)
        if non_negative and number < 0:
            raise ValidationError(name, "must be >= 0", value)
        return np.asarray(number, dtype=np.float64)
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        array = np.asarray(None, dtype=object)
    if array.dtype.kind not in "iuf":
        raise WrongTypeError(name, "must be a real number or an array of real numbers", value)
    array = array.astype(np.float64)
    finite = np.isfinite(array) | (np.isnan(array) if allow_nan else False)
    bad = ~finite | ((array < 0) if non_negative else False)
    if bad.any():
        problems = []
        for index in np.argwhere(bad)[:MAX_PROBLEMS]:
            where = ",".join(str(i) for i in index)
            label = f"{name}[{where}]" if array.ndim else name
            item = float(array[tuple(index)])
            what = "must be >= 0" if math.isfinite(item) else "must be finite"
            problems.append(Problem(field=label, problem=what, value=item))
        raise ValidationError.from_problems(problems, truncated=int(bad.sum()) > MAX_PROBLEMS)
    return array


def check_broadcast(*named: tuple[str, NDArray[np.float64]]) -> list[NDArray[np.float64]]:
    """The arrays broadcast together; a shape mismatch names the parameters."""
    try:
        return list(np.broadcast_arrays(*(array for _, array in named)))
    except ValueError:
        shapes = ", ".join(f"{name} {array.shape}" for name, array in named)
        raise ValidationError(named[-1][0], f"shapes do not broadcast: {shapes}") from None


# ------------------------------------------------------------------ attrs validators


def _validator(check: Callable[[str, object], object], *, optional: bool = False) -> Any:
    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if optional and value is None:
            return
        check(f"{type(instance).__name__}.{attribute.name}", value)

    return validate


def v_positive(*, optional: bool = False) -> Any:
    """attrs validator: finite real > 0."""
    return _validator(check_positive, optional=optional)


def v_fraction_open(*, optional: bool = False) -> Any:
    """attrs validator: fraction in (0, 1]."""
    return _validator(lambda n, v: check_fraction(n, v, open_low=True), optional=optional)


def v_count(*, minimum: int = 0, optional: bool = False) -> Any:
    """attrs validator: integer count >= minimum."""
    return _validator(lambda n, v: check_count(n, v, minimum=minimum), optional=optional)


def v_date() -> Any:
    """attrs validator: a datetime.date."""
    return _validator(check_date)


def v_country(*, optional: bool = False) -> Any:
    """attrs validator: ISO alpha-3 shaped code."""
    return _validator(check_country, optional=optional)


def v_text(*, optional: bool = False) -> Any:
    """attrs validator: non-empty string."""
    return _validator(check_text, optional=optional)


def v_enum(enum: type[E], *, optional: bool = False) -> Any:
    """attrs validator: a member of ``enum``."""
    return _validator(lambda n, v: check_enum(n, v, enum), optional=optional)

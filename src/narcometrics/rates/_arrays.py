"""Array and year checks shared by the vectorised functions of rates and indicators."""

from __future__ import annotations

import datetime as _dt
import math

import numpy as np
from numpy.typing import NDArray

from narcometrics import _checks as c
from narcometrics.errors import MAX_PROBLEMS, Problem, ValidationError

FloatOrArray = float | NDArray[np.float64]


def real_array(
    name: str, value: object, *, non_negative: bool = True, allow_nan: bool = False
) -> NDArray[np.float64]:
    """``value`` as a float array after checking every element (finite, >= 0 by default).

    Every bad element is reported (up to ``MAX_PROBLEMS``), named ``name[index]``.
    """
    if c.is_real(value):
        number = c.check_real(name, value, allow_nan=allow_nan)
        if non_negative and number < 0:
            raise ValidationError(name, "must be >= 0", value)
        return np.asarray(number, dtype=np.float64)
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        array = np.asarray(None, dtype=object)
    if array.dtype.kind not in "iuf":
        raise ValidationError(name, "must be a real number or an array of real numbers", value)
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


def non_negative(name: str, value: object) -> NDArray[np.float64]:
    """``value`` as a float array after checking every element is finite and >= 0."""
    return real_array(name, value)


def broadcast(*named: tuple[str, NDArray[np.float64]]) -> list[NDArray[np.float64]]:
    """The arrays broadcast together; a shape mismatch names the parameters."""
    try:
        return list(np.broadcast_arrays(*(array for _, array in named)))
    except ValueError:
        shapes = ", ".join(f"{name} {array.shape}" for name, array in named)
        raise ValidationError(named[-1][0], f"shapes do not broadcast: {shapes}") from None


def ratio(
    numerator: NDArray[np.float64],
    denominator: NDArray[np.float64],
    scalar: bool,
    factor: float = 1.0,
) -> FloatOrArray:
    """factor * numerator / denominator, NaN (never 0) where the denominator is 0."""
    out = np.full(numerator.shape, np.nan)
    with np.errstate(over="ignore"):  # beyond the float range gives inf, as it should
        np.divide(numerator * factor, denominator, out=out, where=denominator > 0)
    return float(out) if scalar else out


def is_scalar(*values: object) -> bool:
    return all(np.ndim(v) == 0 for v in values)  # type: ignore[arg-type]


def check_year(name: str, value: object) -> int:
    year = c.check_count(name, value, minimum=1)
    if year > _dt.MAXYEAR:
        raise ValidationError(name, f"must be <= {_dt.MAXYEAR}", value)
    return year

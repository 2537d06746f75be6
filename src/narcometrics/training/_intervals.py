"""Confidence intervals for a binomial proportion ``k / n``, and the input checks they share."""

from __future__ import annotations

import warnings
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from narcometrics._checks import FloatOrArray, check_real, is_real
from narcometrics.errors import (
    MAX_PROBLEMS,
    Problem,
    UnknownNameError,
    ValidationError,
    WrongTypeError,
)

__all__ = ["INTERVAL_METHODS", "proportion_interval", "wilson_interval"]

#: The interval methods, by the name the ``method`` parameter takes.
INTERVAL_METHODS = ("wilson", "clopper_pearson", "jeffreys")


def check_confidence(value: object) -> float:
    """A confidence level strictly between 0 and 1."""
    level = check_real("confidence", value)
    if not 0 < level < 1:
        raise ValidationError("confidence", "must be within (0, 1)", value)
    return level


def check_method(value: object) -> str:
    """One of [`INTERVAL_METHODS`][narcometrics.training.INTERVAL_METHODS]."""
    if not isinstance(value, str) or value not in INTERVAL_METHODS:
        raise UnknownNameError(
            "method", value if isinstance(value, str) else repr(value), INTERVAL_METHODS
        )
    return value


def index_name(name: str, index: tuple[int, ...]) -> str:
    """``k`` for a scalar, ``k[3]`` or ``k[1, 2]`` for array entries."""
    return name if not index else f"{name}[{', '.join(str(i) for i in index)}]"


def where(mask: NDArray[np.bool_]) -> list[tuple[int, ...]]:
    """The indices where ``mask`` is true (``[()]`` for a true 0-d mask)."""
    return [tuple(int(i) for i in row) for row in np.argwhere(mask)]


def raise_problems(problems: list[Problem], *, wrong_type: bool = False) -> None:
    """Raise one ValidationError for all ``problems`` (at most MAX_PROBLEMS shown); a
    WrongTypeError (also a TypeError) when they are all entries of the wrong type."""
    if problems:
        error = WrongTypeError if wrong_type else ValidationError
        raise error.from_problems(problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS)


def non_real_problems(name: str, array: NDArray[Any], what: str) -> list[Problem]:
    """A problem for each entry of an object array that is not a real number."""
    not_real = np.vectorize(lambda v: not is_real(v), otypes=[bool])(array)
    return [
        Problem(
            field=index_name(name, index),
            problem=f"must be {what}, not {type(array[index]).__name__}",
            value=array[index],
        )
        for index in where(not_real)
    ]


def has_bool(value: object) -> bool:
    """Whether ``value`` is, or holds, a bool (numpy silently turns [True, 2] into [1, 2])."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "b" or (
            value.dtype.kind == "O" and any(isinstance(v, (bool, np.bool_)) for v in value.flat)
        )
    try:
        items = np.asarray(value, dtype=object)
    except (TypeError, ValueError):
        return False
    return any(isinstance(v, (bool, np.bool_)) for v in items.flat)


def as_counts(name: str, value: object, *, minimum: int) -> NDArray[np.int64]:
    """Integer counts >= ``minimum`` as an int64 array (0-d for a scalar).

    Accepts ints, numpy integers and arrays of them, and floats that are whole numbers
    (e.g. a float column summed in pandas). Refuses bool, text, NaN, infinities and
    fractions, naming ``name`` and the index of each bad entry.
    """
    if isinstance(value, (str, bytes)) or has_bool(value):
        raise TypeError(f"{name} must be integer counts, not {type(value).__name__}")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise ValidationError(name, f"must be integer counts ({error})", value) from None
    if array.dtype.kind == "O":
        raise_problems(non_real_problems(name, array, "an integer count"), wrong_type=True)
        array = array.astype(np.float64)
    if array.dtype.kind == "u" and array.size and int(array.max()) > np.iinfo(np.int64).max:
        raise ValidationError(name, "must be counts below 2**63", value)
    if array.dtype.kind not in "iuf":
        raise WrongTypeError(name, f"must be integer counts, not {array.dtype}", value)
    problems: list[Problem] = []
    if array.dtype.kind == "f":
        # whole numbers a float holds exactly (beyond 2**53 a float count is already rounded)
        whole = np.isfinite(array) & (array == np.round(array)) & (np.abs(array) <= 2.0**53)
        for index in where(~whole):
            problems.append(
                Problem(
                    field=index_name(name, index),
                    problem="must be a whole number (at most 2**53 as a float)",
                    value=array[index].item(),
                )
            )
        raise_problems(problems)
    counts = array.astype(np.int64, copy=False)
    for index in where(counts < minimum):
        problems.append(
            Problem(
                field=index_name(name, index),
                problem=f"must be >= {minimum}",
                value=counts[index].item(),
            )
        )
    raise_problems(problems)
    return counts


def check_k_n(k: object, n: object) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Counts ``0 <= k <= n``, ``n >= 1``, broadcast to one shape."""
    k_arr = as_counts("k", k, minimum=0)
    n_arr = as_counts("n", n, minimum=1)
    try:
        k_b, n_b = np.broadcast_arrays(k_arr, n_arr)
    except ValueError:
        raise ValidationError(
            "k", f"shape {k_arr.shape} does not broadcast with the shape of n {n_arr.shape}"
        ) from None
    problems = [
        Problem(
            field=index_name("k", index),
            problem=f"must be <= n ({n_b[index]})",
            value=k_b[index].item(),
        )
        for index in where(k_b > n_b)
    ]
    raise_problems(problems)
    return k_b, n_b


def as_float(value: ArrayLike) -> FloatOrArray:
    """A 0-d array to a Python float; any other array unchanged."""
    array = np.asarray(value)
    return float(array) if array.ndim == 0 else array


#: ``-scipy.special.ndtri(tail)`` for the tails ``(1 - confidence) / 2`` of the usual
#: confidence levels (0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999), as scipy computes them
#: (a test checks each against scipy, bit for bit): a Wilson interval at these levels then
#: needs no scipy import, which takes most of a second.
NORMAL_QUANTILES = {
    0.09999999999999998: 1.2815515655446004,
    0.04999999999999999: 1.6448536269514729,
    0.025000000000000022: 1.959963984540054,
    0.010000000000000009: 2.3263478740408408,
    0.0050000000000000044: 2.5758293035489004,
    0.0025000000000000022: 2.807033768343804,
    0.0005000000000000004: 3.2905267314918945,
}


def normal_quantile(tail: float) -> float:
    """``-scipy.special.ndtri(tail)``: the standard normal quantile of ``1 - tail``."""
    known = NORMAL_QUANTILES.get(tail)
    if known is not None:
        return known
    from scipy import special  # imported on first use: scipy takes most of a second

    return float(-special.ndtri(tail))


def intervals(
    k: NDArray[np.int64], n: NDArray[np.int64], confidence: float, method: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The interval arithmetic on checked arrays (see
    [`proportion_interval`][narcometrics.training.proportion_interval])."""
    tail = (1.0 - confidence) / 2.0  # exact for confidence >= 0.5 (Sterbenz)
    if method == "wilson":
        return _wilson(k, n, normal_quantile(tail))
    kf = k.astype(np.float64)
    nf = n.astype(np.float64)
    if method == "clopper_pearson":
        from scipy import special

        some = k > 0
        low = np.zeros_like(kf)
        low[some] = special.betaincinv(kf[some], nf[some] - kf[some] + 1.0, tail)
        below = k < n
        high = np.ones_like(kf)
        high[below] = 1.0 - special.betaincinv(nf[below] - kf[below], kf[below] + 1.0, tail)
    else:  # jeffreys
        from scipy import special

        low = np.asarray(special.betaincinv(kf + 0.5, nf - kf + 0.5, tail), dtype=np.float64)
        high = np.asarray(1.0 - special.betaincinv(nf - kf + 0.5, kf + 0.5, tail), np.float64)
    return low, high


def _wilson(
    k: NDArray[np.int64], n: NDArray[np.int64], z: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The Wilson score interval, with as few temporary arrays as the formula allows.

    The operations are those of ``centre = (p + z2 / (2 n)) / (1 + z2 / n)`` and
    ``half = z sqrt(p (1 - p) / n + z2 / (4 n n)) / (1 + z2 / n)`` in the same order (only
    commuted), so each result is the same float64 to the last bit.
    """
    shape = k.shape
    k, n = k.reshape(-1), n.reshape(-1)  # arrays, not numpy scalars, for the out= below
    nf = n.astype(np.float64)
    z2 = z * z
    p = np.divide(k, nf)  # k as float64 is exact: counts stay below 2**53
    denom = np.divide(z2, nf)
    denom += 1.0
    centre = np.multiply(nf, 2.0)
    np.divide(z2, centre, out=centre)
    centre += p
    centre /= denom
    half = np.subtract(1.0, p)
    half *= p
    half /= nf
    low = np.multiply(nf, 4.0)
    low *= nf
    np.divide(z2, low, out=low)
    half += low
    np.sqrt(half, out=half)
    half *= z
    half /= denom
    np.subtract(centre, half, out=low)
    high = np.add(centre, half, out=centre)
    low[k == 0] = 0.0
    high[k == n] = 1.0
    return low.reshape(shape), high.reshape(shape)


@overload
def proportion_interval(
    k: int, n: int, confidence: float = 0.95, *, method: str = "wilson"
) -> tuple[float, float]: ...
@overload
def proportion_interval(
    k: ArrayLike, n: ArrayLike, confidence: float = 0.95, *, method: str = "wilson"
) -> tuple[Any, Any]: ...
def proportion_interval(
    k: ArrayLike, n: ArrayLike, confidence: float = 0.95, *, method: str = "wilson"
) -> tuple[Any, Any]:
    r"""Two-sided confidence interval for a binomial proportion ``k / n``.

    Parameters
    ----------
    k : int or array_like of int [people]
        Successes (e.g. people verified applying), ``0 <= k <= n``. Whole-number floats
        are accepted; bool, fractions, NaN and text are refused.
    n : int or array_like of int [people]
        Trials (e.g. people followed up), ``n >= 1``; broadcasts with ``k``.
    confidence : float [fraction]
        Confidence level in (0, 1), e.g. 0.95.
    method : {"wilson", "clopper_pearson", "jeffreys"}
        The interval (see Notes).

    Returns
    -------
    low, high : float or numpy.ndarray [fraction]
        Floats when ``k`` and ``n`` are scalars, else arrays of their broadcast shape.

    Raises
    ------
    ValidationError
        Naming ``k``, ``n`` or ``confidence``, the value and, for arrays, the index:
        negative counts, ``n = 0``, ``k > n``, non-integer counts, a confidence outside
        (0, 1). An unknown ``method`` raises UnknownNameError (a ValidationError).

    Notes
    -----
    With ``p = k / n``, ``alpha = 1 - confidence`` and ``z`` the normal quantile at
    ``1 - alpha / 2``:

    - **wilson**, the Wilson score interval:
      centre $(p + z^2/(2n)) / (1 + z^2/n)$, half-width
      $z \sqrt{p(1-p)/n + z^2/(4n^2)} / (1 + z^2/n)$; ``low`` is exactly 0 at
      ``k = 0`` and ``high`` exactly 1 at ``k = n`` (the convention of
      ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``; statsmodels
      ``proportion_confint(method="wilson")`` agrees to rounding).
    - **clopper_pearson**, the "exact" interval: the ``alpha/2`` quantile of
      Beta(k, n - k + 1) and the ``1 - alpha/2`` quantile of Beta(k + 1, n - k), with
      ``low = 0`` at ``k = 0`` and ``high = 1`` at ``k = n`` (as
      ``binomtest(...).proportion_ci(method="exact")`` and statsmodels ``method="beta"``).
    - **jeffreys**, the equal-tailed Bayesian interval under the Jeffreys prior: the
      ``alpha/2`` and ``1 - alpha/2`` quantiles of Beta(k + 1/2, n - k + 1/2), with no
      special case at ``k = 0`` or ``k = n`` (as statsmodels
      ``proportion_confint(method="jeffreys")``; Brown, Cai and DasGupta suggest setting
      the bound to 0 or 1 there, which this function does not do).

    The normal and beta quantiles are scipy's (``scipy.special.ndtri`` and
    ``scipy.special.betaincinv``); the tests check the intervals against
    ``scipy.stats.binomtest`` and statsmodels to 1e-9.

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and
       statistical inference. JASA 22, 209-212.
    .. [2] Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial
       limits illustrated in the case of the binomial. Biometrika 26, 404-413.
    .. [3] Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a
       binomial proportion. Statistical Science 16(2), 101-133.
    .. [4] Documentation page "Training statistics".

    Examples
    --------
    >>> low, high = proportion_interval(8, 10)
    >>> print(f"{low:.4f} {high:.4f}")
    0.4902 0.9433
    """
    level = check_confidence(confidence)
    name = check_method(method)
    k_arr, n_arr = check_k_n(k, n)
    low, high = intervals(k_arr, n_arr, level, name)
    return as_float(low), as_float(high)


@overload
def wilson_interval(
    k: int, n: int, confidence: float = 0.95, *, method: str | None = None
) -> tuple[float, float]: ...
@overload
def wilson_interval(
    k: ArrayLike, n: ArrayLike, confidence: float = 0.95, *, method: str | None = None
) -> tuple[Any, Any]: ...
def wilson_interval(
    k: ArrayLike, n: ArrayLike, confidence: float = 0.95, *, method: str | None = None
) -> tuple[Any, Any]:
    """Wilson score interval for ``k / n``: ``(low, high)``.

    [`proportion_interval`][narcometrics.training.proportion_interval] with
    ``method="wilson"``, under the name the public API promises; see there for the
    parameters, the formula and the conventions at ``k = 0`` and ``k = n``. For a
    Clopper-Pearson or Jeffreys interval call ``proportion_interval(k, n, method=...)``.

    The ``method`` parameter is deprecated (a function named Wilson returned other
    intervals with it) and will be removed in 0.3; it warns and gives
    ``proportion_interval(k, n, confidence, method=method)``.

    Examples
    --------
    >>> import numpy as np
    >>> low, high = wilson_interval(np.array([0, 5, 10]), 10)
    >>> print(np.round(low, 4), np.round(high, 4))
    [0.     0.2366 0.7225] [0.2775 0.7634 1.    ]
    """
    if method is not None:
        warnings.warn(
            "wilson_interval(method=...) is deprecated and will be removed in 0.3; use "
            "proportion_interval(k, n, confidence, method=...)",
            DeprecationWarning,
            stacklevel=2,
        )
        return proportion_interval(k, n, confidence, method=method)
    return proportion_interval(k, n, confidence, method="wilson")
